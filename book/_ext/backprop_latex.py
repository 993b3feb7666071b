r"""The PDF edition: what the LaTeX builder needs beyond jupyter-book's defaults.

Loaded through ``sphinx: local_extensions`` in ``_config.yml``. Everything
it sets is read by the LaTeX builder only (``jupyter-book build . --builder
pdflatex``); the HTML build is untouched. What it does:

- **Macros from one source.** The preamble gets the ``\newcommand`` lines of
  ``book/_macros.tex`` (read by ``backprop_book.macro_definitions``), the
  file the HTML's MathJax configuration and the notebooks' hidden macro
  lines come from; nothing is copied by hand.
- **Chapter numbers as in the HTML.** LaTeX would number every chapter
  1, 2, ...; the HTML (sphinx-multitoc-numbering) numbers only the chapters
  of ``numbered`` parts of ``_toc.yml``. Before each chapter a raw LaTeX
  command sets the number Sphinx assigned to that page
  (``env.toc_secnumbers``), or makes the chapter and its sections
  unnumbered; parts (the toc's captions) are unnumbered, as in the HTML.
  Figures, tables and equations in unnumbered chapters are numbered 1, 2,
  ... across all of them, as Sphinx does in the HTML.
- **Fonts and engine.** XeLaTeX (sphinx-jupyterbook-latex's choice), FreeSerif
  and FreeSans (wide Unicode coverage: Greek, sub- and superscript digits,
  arrows), DejaVu Sans Mono for code, TeX Gyre Termes Math for formulas.
  All from Debian packages (see ``.ci/run``).
- **Code and output wrapped**, never cut at the margin: long lines are wrapped
  at spaces, and force-wrapped inside a token when there is no space. Code
  shown with ``IPython.display.Code`` (the package's source) is typeset as
  highlighted code, like a code cell, instead of myst-nb's math block.
- **Diagrams as vector figures**: ``mermaid_cmd`` points at
  ``mermaid_pdf.py`` beside this file, which renders each mermaid fence with
  the vendored mermaid.js in Debian's chromium and prints it to a cropped
  PDF; the diagrams are centred.
- **Class.** sphinx-jupyterbook-latex's ``jupyterBook`` class needs ``bbm.sty``
  (texlive-fonts-extra, some 500 MB) for macros the book never uses; the
  standard ``manual`` class is used instead, and the two environments that
  extension wraps code cells in are defined here.
- LaTeX runs non-interactively and stops at the first error
  (``LATEXOPTS``), so a broken build fails instead of waiting for input.
"""

import json
import os
import shlex
import sys
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.nodes import clean_astext
from sphinx.util.texescape import escape

sys.path.insert(0, str(Path(__file__).resolve().parent))

from backprop_book import macro_definitions

BOOK_DIR = Path(__file__).resolve().parents[1]
MERMAID_SCRIPT = Path(__file__).resolve().with_name("mermaid_pdf.py")
LATEX_OPTS = "-interaction=nonstopmode -halt-on-error"

FONTS = r"""
\setmainfont{FreeSerif}[
  Extension = .otf, UprightFont = *, ItalicFont = *Italic,
  BoldFont = *Bold, BoldItalicFont = *BoldItalic]
\setsansfont{FreeSans}[
  Extension = .otf, UprightFont = *, ItalicFont = *Oblique,
  BoldFont = *Bold, BoldItalicFont = *BoldOblique]
\setmonofont{DejaVuSansMono}[
  Extension = .ttf, UprightFont = *, ItalicFont = *-Oblique,
  BoldFont = *-Bold, BoldItalicFont = *-BoldOblique, Scale = MatchLowercase]
"""

# After sphinx-jupyterbook-latex's preamble, which loads unicode-math.
PREAMBLE = r"""
%% --- book/_ext/backprop_latex.py ---
\usepackage{unicode-math}
\setmathfont{texgyretermes-math.otf}
%% Code cells (input) and their outputs, wrapped in these environments by
%% sphinx-jupyterbook-latex: input on grey, output indented on white.
\usepackage[strict]{changepage}
\definecolor{backpropInputBg}{RGB}{245,245,245}
\definecolor{backpropInputBorder}{RGB}{204,204,204}
\definecolor{backpropOutputBorder}{RGB}{255,255,255}
\newenvironment{sphinxVerbatimInput}
  {\colorlet{VerbatimBorderColor}{backpropInputBorder}%
   \colorlet{VerbatimColor}{backpropInputBg}%
   \begin{adjustwidth}{0pt}{0pt}}
  {\end{adjustwidth}}
\newenvironment{sphinxVerbatimOutput}
  {\colorlet{VerbatimBorderColor}{backpropOutputBorder}%
   \colorlet{VerbatimColor}{white}%
   \begin{adjustwidth}{12pt}{0pt}}
  {\end{adjustwidth}}
%% Chapter numbers as in the HTML (see backprop_latex.py). Unnumbered
%% chapters share one running count of figures, tables, code captions and
%% equations, kept in the backprop@... counters while a numbered chapter runs.
%% Tables: columns ragged-right, not justified (narrow columns of code got
%% gaps), and never narrower than 7em unless their content is: a column of
%% short formulas, which cannot wrap, is not squeezed into the next one.
\newcolumntype{T}{L}
\setlength{\tymin}{7em}
%% Inline code may also break after a closing brace (Sphinx lets it break
%% after . , ; ? ! / and \), so a long macro call fits a narrow table cell.
\let\backpropupquote\sphinxupquote
\protected\def\sphinxupquote#1{\begingroup\let\backproprbrace\}%
  \protected\def\}{\backproprbrace\allowbreak}\backpropupquote{#1}\endgroup}
\makeatletter
\newcommand*{\backprop@floats}{figure,table,literalblock,equation}
\@for\backprop@c:=\backprop@floats\do{\newcounter{backprop@\backprop@c}}
\newcommand*{\backprop@leaveunnumbered}{}
\newcommand*{\backproppart}{\setcounter{secnumdepth}{-2}}
\newcommand*{\backpropnumberedchapter}[2]{%
  \backprop@leaveunnumbered
  \setcounter{secnumdepth}{#2}%
  \setcounter{chapter}{\numexpr#1-1\relax}}
\newcommand*{\backpropunnumberedchapter}{%
  \backprop@leaveunnumbered
  \setcounter{secnumdepth}{-1}%
  \setcounter{chapter}{0}%
  \@for\backprop@c:=\backprop@floats\do{%
    \setcounter{\backprop@c}{\value{backprop@\backprop@c}}}%
  \gdef\backprop@leaveunnumbered{%
    \@for\backprop@c:=\backprop@floats\do{%
      \setcounter{backprop@\backprop@c}{\value{\backprop@c}}}%
    \gdef\backprop@leaveunnumbered{}}}
\makeatother
%% Macros of book/_macros.tex (the single source, also used by MathJax).
"""

SPHINXSETUP = ", ".join(
    [
        "hmargin={2.4cm,2.4cm}",
        "vmargin={2.4cm,2.4cm}",
        # Wrap long code and output lines at spaces and punctuation; where
        # that leaves a piece too long (no break point), break it between
        # characters rather than let it overflow by even one character.
        "verbatimwrapslines=true",
        "verbatimforcewraps=true",
        "verbatimmaxoverfull=0",
        "verbatimhintsturnover=true",
    ]
)


def _configure(app, config):
    """Adjust the LaTeX configuration (after sphinx-jupyterbook-latex's).

    At config-inited the builder is not known yet; every value set here is
    read by the LaTeX builder only (the HTML shows diagrams with mermaid.js,
    ``mermaid_output_format: raw``, and never runs ``mermaid_cmd``).
    """
    # Before sphinx-jupyterbook-latex changes it for the LaTeX writer (at
    # builder-inited): what the HTML numbers figures with.
    config.backprop_html_numfig_depth = config.numfig_secnum_depth
    config.latex_engine = "xelatex"
    config.latex_theme = "manual"
    # xindy is not needed for an index of ASCII names; makeindex ships with
    # TeX Live itself.
    config.latex_use_xindy = False
    elements = dict(config.latex_elements)
    elements["papersize"] = "a4paper"
    elements["pointsize"] = "11pt"
    # A PDF read on screen: no blank pages to start chapters on the right.
    elements["extraclassoptions"] = "openany,oneside"
    elements["fontpkg"] = FONTS
    elements["sphinxsetup"] = SPHINXSETUP
    # Keep figures where the text refers to them ("the plot below").
    elements["figure_align"] = "H"
    elements["preamble"] = (
        elements.get("preamble", "") + PREAMBLE + macro_definitions() + "\n"
    )
    config.latex_elements = elements
    if config.mermaid_cmd == "mmdc":  # sphinxcontrib-mermaid's default
        mermaid_config = {
            **config.mermaid_init_config,
            "theme": config.mermaid_light_theme,
        }
        # A string (sphinxcontrib-mermaid splits it with shlex): the option
        # is declared as one, and a list would be a warning in every build.
        config.mermaid_cmd = shlex.join(
            [
                sys.executable,
                str(MERMAID_SCRIPT),
                "--mermaid-config",
                json.dumps(mermaid_config),
            ]
        )


def _latex_options(app):
    """Make LaTeX non-interactive (for the Makefile jupyter-book runs next).

    And number figures, equations and exercises in Sphinx's own tables as in
    the HTML. sphinx-jupyterbook-latex sets ``numfig_secnum_depth`` to 2
    for the LaTeX writer, which counts depth from the parts it makes and so
    numbers per chapter; but Sphinx's tables (``env.toc_fignumbers``, used as
    printed text by sphinx-exercise: "Exercise 1.1") count from the chapter
    and would read "Exercise 1.1.1". So the numbers are assigned with the
    HTML's value while the pages are read, and the writer gets the value
    sphinx-jupyterbook-latex chose (_writer_numfig_depth).
    """
    if app.builder.name != "latex":
        return
    os.environ.setdefault("LATEXOPTS", LATEX_OPTS)
    app.env.backprop_writer_numfig_depth = app.config.numfig_secnum_depth
    app.config.numfig_secnum_depth = app.config.backprop_html_numfig_depth


def _writer_numfig_depth(app, doctree, docname):
    """Numbers assigned, writer not yet made: give the writer its depth.

    The LaTeX builder overrides ``write`` without emitting write-started;
    doctree-resolved comes when the assembled book has been resolved, just
    before its translator reads the configuration.
    """
    depth = getattr(app.env, "backprop_writer_numfig_depth", None)
    if app.builder.name == "latex" and depth is not None:
        app.config.numfig_secnum_depth = depth


def chapter_docnames(app):
    """Return the docnames that are chapters (children of the toc's parts)."""
    site_map = getattr(app.config, "external_site_map", None)
    if site_map is None:
        return set()
    chapters = set()
    for part in site_map.root.subtrees:
        chapters.update(item for item in part.items if isinstance(item, str))
    return chapters


def numbering_command(env, docname):
    """Return the raw LaTeX that numbers the chapter ``docname`` as the HTML does."""
    secnumbers = env.toc_secnumbers.get(docname, {})
    number = secnumbers.get("")
    if not number:
        return r"\backpropunnumberedchapter"
    # Deepest numbered heading of the page: 1 = chapter only, 2 = sections.
    depth = max(len(value) for value in secnumbers.values())
    return rf"\backpropnumberedchapter{{{number[-1]}}}{{{depth - 1}}}"


class ChapterNumbering(SphinxPostTransform):
    """Put the numbering command before every part and chapter heading.

    Runs on the single document that the LaTeX builder assembles from all
    pages, after sphinx-jupyterbook-latex has turned the toc's captions into
    part sections (priority 700). The root page (the HTML's landing page),
    whose title LaTeX uses for the title page only, gets an unnumbered
    chapter heading with that title, so it has its own entry in the table
    of contents, as in the HTML's navigation.
    """

    default_priority = 800
    builders = ("latex",)

    def run(self, **kwargs):
        root = self.config.root_doc
        for section in self.document.findall(nodes.section):
            if section.get("docname") == root:
                title = escape(clean_astext(self.env.titles[root]), "xelatex")
                command = rf"\backpropunnumberedchapter\chapter{{{title}}}"
                index = 1 if isinstance(section[0], nodes.title) else 0
                section.insert(index, nodes.raw("", command + "\n", format="latex"))
                break
        chapters = chapter_docnames(self.app)
        for start in list(self.document.findall(addnodes.start_of_file)):
            docname = start.get("docname")
            section = next(
                (c for c in start.children if isinstance(c, nodes.section)), None
            )
            if section is None:
                continue
            if docname in chapters:
                command = numbering_command(self.env, docname)
            elif docname not in self.env.all_docs:
                command = r"\backproppart"  # a toc caption made into a part
            else:
                continue
            raw = nodes.raw("", command + "\n", format="latex")
            start.insert(start.index(section), raw)


class CodeDisplays(SphinxPostTransform):
    """Show ``IPython.display.Code`` outputs as highlighted, wrapped code.

    Such an output carries text/html, text/latex (Pygments' LaTeX: a plain
    ``Verbatim`` that is never wrapped) and text/plain. myst-nb's choice for
    LaTeX is text/latex, which it puts in a math block, where the Verbatim
    breaks the build. Before myst-nb chooses (its post-transform has
    priority 4), each such bundle becomes a literal block of the text/plain
    source, in the language of its cell's input, so Sphinx highlights and
    wraps it like any other code.
    """

    default_priority = 3
    builders = ("latex",)

    def run(self, **kwargs):
        for bundle in list(self.document.findall(_is_mime_bundle)):
            by_type = {child.get("mime_type"): child for child in bundle.children}
            latex, plain = by_type.get("text/latex"), by_type.get("text/plain")
            if latex is None or plain is None:
                continue
            if not latex.astext().lstrip().startswith(r"\begin{Verbatim}"):
                continue  # real LaTeX (math) output
            code = plain.astext()
            block = nodes.literal_block(code, code, language=_cell_language(bundle))
            block["classes"] = ["output", "text_plain"]
            bundle.replace_self(block)


def _is_mime_bundle(node):
    return isinstance(node, nodes.container) and node.get("nb_element") == "mime_bundle"


def _cell_language(node):
    """Return the highlighting language of the code cell around ``node``."""
    while node is not None and "cell" not in node.get("classes", []):
        node = node.parent
    if node is not None:
        for block in node.findall(nodes.literal_block):
            if "cell_input" in block.parent.get("classes", []):
                return block.get("language", "default")
    return "default"


class CenterDiagrams(SphinxPostTransform):
    """Centre each mermaid diagram (its LaTeX output is a bare image)."""

    default_priority = 800
    builders = ("latex",)

    def run(self, **kwargs):
        from sphinxcontrib.mermaid import mermaid

        for node in list(self.document.findall(mermaid)):
            if isinstance(node.parent, nodes.TextElement):
                continue  # inline: leave it in its line
            parent = node.parent
            index = parent.index(node)
            parent.insert(index + 1, nodes.raw("", r"\end{center}", format="latex"))
            parent.insert(index, nodes.raw("", r"\begin{center}", format="latex"))


def setup(app):
    """Sphinx entry point."""
    app.setup_extension("sphinxcontrib.mermaid")
    app.connect("config-inited", _configure, priority=900)
    app.add_config_value("backprop_html_numfig_depth", 1, "")
    # After sphinx-jupyterbook-latex's builder-inited handler (priority 500).
    app.connect("builder-inited", _latex_options, priority=900)
    app.connect("doctree-resolved", _writer_numfig_depth)
    app.add_post_transform(ChapterNumbering)
    app.add_post_transform(CodeDisplays)
    app.add_post_transform(CenterDiagrams)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
