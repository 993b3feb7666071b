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
- **Exercises and solutions.** Every sphinx-exercise solution moves into a
  last, unnumbered chapter "Solutions" after the appendices, one section per
  chapter (``SolutionsAtEnd``); each solution's title links back to its
  exercise and its page, each exercise ends with a link to its solution.
  Exercises and solutions are set as a title bar and a closing rule
  (``backpropexercise``), not as Sphinx's framed box, inside which a code
  cell could not break across pages and ran over the footer.
- **Links that Sphinx leaves dangling**: markdown links to labelled
  equations (``[(BP1)](#BP1)``) and ``{ref}`` links to exercises get the
  labels they point at (``MissingTargets``, ``_visit_exercise_box``).
- **Tables.** A long table (more than 30 rows: a ``longtable``) gets column
  widths measured from its cells, so that its cells wrap instead of running
  off the page (``LongTableWidths``); an empty cell is no longer a blank
  line; rows are a little higher than lines of text (fractions).
- **Class.** sphinx-jupyterbook-latex's ``jupyterBook`` class needs ``bbm.sty``
  (texlive-fonts-extra, some 500 MB) for macros the book never uses; the
  standard ``manual`` class is used instead, and the two environments that
  extension wraps code cells in are defined here.
- LaTeX runs non-interactively and stops at the first error
  (``LATEXOPTS``), so a broken build fails instead of waiting for input.
"""

import json
import math
import os
import re
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
%% The continuation head of a long table without a caption: "continued from
%% previous page", without the "Table N --" of a caption it does not have
%% (LongTableWidths sets \backproptablecaptionedfalse around such a table).
%% (The same macro prints "continues on next page", which has no dash.)
\newif\ifbackproptablecaptioned \backproptablecaptionedtrue
\ExplSyntaxOn
\cs_new_eq:NN \backprop_table_continued:n \sphinxtablecontinued
\cs_new_protected:Npn \backprop_after_dash:w #1 \textendash #2 #3 \q_stop
  { \ignorespaces #3 }
\protected\def\sphinxtablecontinued #1
  {
    \ifbackproptablecaptioned \backprop_table_continued:n {#1}
    \else
      \tl_if_in:nnTF {#1} { \textendash }
        { \backprop_table_continued:n { \backprop_after_dash:w #1 \q_stop } }
        { \backprop_table_continued:n {#1} }
    \fi
  }
\ExplSyntaxOff
%% Rows of tables a little higher than lines of text, so that a formula with
%% a fraction or with sub- and superscripts does not touch the next row.
\makeatletter
\g@addto@macro\sphinxattablestart{\def\arraystretch{1.25}}
\g@addto@macro\sphinxatlongtablestart{\def\arraystretch{1.25}}
\makeatother
%% The same for tables with given column widths (long tables, see
%% LongTableWidths): Sphinx's \X column, ragged-right.
\makeatletter
\newcolumntype{\X}[2]{>{\raggedright\arraybackslash}p{\dimexpr
  (\linewidth-\spx@arrayrulewidth)*#1/#2-\tw@\tabcolsep-\spx@arrayrulewidth\relax}}
\makeatother
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
%% Exercises and solutions (sphinx-exercise; see _visit_exercise_box): a
%% title bar and a closing rule instead of Sphinx's framed box. Inside a
%% frame a code cell is one unbreakable box (framed.sty cannot split a frame
%% within a frame), and a long one ran past the bottom of the page; here code
%% cells are framed and break across pages as everywhere else. The labels of
%% the box (\backpropboxlabels) are set in its title bar, so that a link or a
%% page reference to it leads to the page where it starts.
\newcommand*{\backpropboxlabels}{}
\newenvironment{backpropexercise}[1]{%
  \par\addvspace{\bigskipamount}%
  \needspace{5\baselineskip}%
  \noindent\colorbox{sphinx-note-title-bgcolor}{%
    \parbox{\dimexpr\linewidth-2\fboxsep\relax}{%
      \strut\phantomsection\backpropboxlabels\textbf{#1}\strut}}%
  \gdef\backpropboxlabels{}%
  \par\nobreak\vskip.4\baselineskip\nobreak
}{%
  \par\nobreak\vskip.2\baselineskip\nobreak
  \noindent{\color{sphinx-admonition-bordercolor}\rule{\linewidth}{.8pt}}%
  \par\addvspace{\bigskipamount}%
}
%% Room for the running header line (fancyhdr asked for 13.6pt on every page).
\geometry{headheight=14pt}
%% Index: the class or module after an entry ("(backprop.cross_entropy.
%% CategoricalCrossEntropy method)") may break after each dot, so it fits
%% the index's narrow columns.
\ExplSyntaxOn
\cs_new_protected:Npn \backprop_break_dots:n #1
  {
    \tl_set:Nn \l_tmpa_tl {#1}
    \tl_replace_all:Nnn \l_tmpa_tl { . } { . \allowbreak }
    \tl_use:N \l_tmpa_tl
  }
\cs_new_eq:NN \backpropbreakdots \backprop_break_dots:n
\ExplSyntaxOff
\renewcommand*{\sphinxstyleindexextra}[1]{ (\emph{\backpropbreakdots{#1}})}
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


# --- Long tables ------------------------------------------------------------------

# Characters of body text on a line of the text block (11pt FreeSerif,
# 2.4cm margins on A4 paper): what column widths are measured against.
LINE_CHARS = 90
LONGTABLE_ROWS = 30  # Sphinx sets a table of more rows as a longtable


MONO_WIDTH = 1.2  # a character of code, in characters of body text


def _cell_lengths(cell):
    """Return (natural length, longest unbreakable piece) of a cell, in chars.

    Inline math counts with its commands dropped (``\\pd{C}{w}`` is a few
    characters wide when typeset) and as one unbreakable piece; text and
    inline code break at spaces, and code is wider than text.
    """
    natural, unbreakable = 0.0, 0.0
    for node in cell.findall(nodes.Text):
        if isinstance(node.parent, nodes.math):
            width = len(re.sub(r"\\[A-Za-z]+|[{}^_\s]", "", node.astext())) + 1
            natural += width
            unbreakable = max(unbreakable, width)
        else:
            scale = MONO_WIDTH if isinstance(node.parent, nodes.literal) else 1
            text = node.astext()
            natural += scale * len(text)
            words = [scale * len(word) for word in text.split()]
            unbreakable = max([unbreakable, *words])
    return natural, unbreakable


def column_widths(rows, line=LINE_CHARS):
    """Widths (in characters, summing to ``line``) for a table's columns.

    ``rows`` is a list of rows, each a list of its cells' (natural length,
    longest unbreakable piece). Every column starts as wide as its longest
    unbreakable piece; the rest of the line goes, a few characters at a
    time, to the column where they save the most lines of the whole table
    (a cell of natural length n in a column of width w takes n / w lines,
    rounded up; a row is as high as its highest cell). So a column of long
    sentences gets the room, and a column of short names keeps one line
    per cell.
    """
    count = max(len(row) for row in rows)
    cells = [[row[c] if c < len(row) else (0, 0) for c in range(count)] for row in rows]
    natural = [max(row[c][0] for row in cells) for c in range(count)]
    widths = [max(4, max(row[c][1] for row in cells)) for c in range(count)]

    def height(widths):
        return sum(
            max(math.ceil(n / w) for (n, _), w in zip(row, widths, strict=True))
            for row in cells
        )

    while sum(widths) < line:
        room = line - sum(widths)
        best = None  # (lines saved per character, characters, column)
        current = height(widths)
        for c in range(count):
            if widths[c] >= natural[c]:
                continue
            for extra in range(1, int(min(room, natural[c] - widths[c])) + 2):
                trial = list(widths)
                trial[c] += min(extra, room)
                saved = current - height(trial)
                if saved > 0:
                    rate = saved / min(extra, room)
                    if best is None or rate > best[0]:
                        best = (rate, min(extra, room), c)
                    break
        if best is None:
            break
        widths[best[2]] += best[1]
    # Whatever is left (every cell already fits on one line): share it out.
    total = sum(widths)
    return [w * line / total for w in widths]


class LongTableWidths(SphinxPostTransform):
    r"""Give long tables column widths, so that their cells wrap.

    Sphinx sets a table of more than 30 rows as a ``longtable`` (it may
    break across pages) and, unless the source gives widths, with ``l``
    columns that never wrap: a column of sentences ran off the page. Such
    tables get widths measured from their cells (:func:`column_widths`),
    which Sphinx turns into wrapping columns. Shorter tables are left to
    ``tabulary``, which measures its columns itself.
    """

    default_priority = 850
    builders = ("latex",)

    def run(self, **kwargs):
        for table in list(self.document.findall(nodes.table)):
            tgroup = next(iter(table.findall(nodes.tgroup)), None)
            body = tgroup and next(iter(tgroup.findall(nodes.tbody)), None)
            if body is None or (
                len(body.children) <= LONGTABLE_ROWS
                and "longtable" not in table["classes"]
            ):
                continue
            if not isinstance(table[0], nodes.title):
                # Sphinx heads the continuation of a long table "Table N --
                # continued from previous page", N being the last caption's
                # number: without a caption it only says "continued ...".
                parent = table.parent
                flag = r"\backproptablecaptioned"
                parent.insert(
                    parent.index(table), nodes.raw("", flag + "false\n", format="latex")
                )
                parent.insert(
                    parent.index(table) + 1,
                    nodes.raw("", flag + "true\n", format="latex"),
                )
            if "colwidths-given" in table["classes"]:
                continue
            rows = list(tgroup.findall(nodes.row))
            cells = [[_cell_lengths(e) for e in row.children] for row in rows]
            colspecs = [c for c in tgroup.children if isinstance(c, nodes.colspec)]
            widths = column_widths(cells)
            if len(colspecs) != len(widths):
                continue
            for colspec, width in zip(colspecs, widths, strict=True):
                colspec["colwidth"] = max(1, round(width * 10))
            table["classes"].append("colwidths-given")


class EmptyCells(SphinxPostTransform):
    r"""Drop the empty paragraph of an empty table cell.

    A markdown table's empty cell holds an empty paragraph, which LaTeX sets
    as an empty line: every row with an empty cell was one line too high.
    """

    default_priority = 850
    builders = ("latex",)

    def run(self, **kwargs):
        for entry in list(self.document.findall(nodes.entry)):
            for child in list(entry.children):
                if isinstance(child, nodes.paragraph) and not child.astext().strip():
                    entry.remove(child)


# --- Cross-reference targets the LaTeX writer leaves out -------------------------


def _latex_label(docname, node_id):
    """A label as Sphinx's LaTeX writer spells it (``hypertarget``)."""
    from sphinx.writers.latex import LaTeXTranslator

    return LaTeXTranslator.idescape(None, f"{docname}:{node_id}")


def _walk(node, env, docname):
    """Yield (node, parent, docname of its page) for ``node``'s descendants.

    Top-down, because after the assembly of the book some nodes' ``parent``
    no longer leads to their page (extensions that swap a node for a new
    one hand the children over without updating their ``parent``).
    """
    for child in node.children:
        if not isinstance(child, nodes.Element):
            continue
        yield child, node, docname
        page = None
        if isinstance(child, addnodes.start_of_file):
            page = child.get("docname")
        yield from _walk(child, env, page if page in env.all_docs else docname)


def _is_exercise(node):
    from sphinx_exercise.nodes import is_exercise_node

    return is_exercise_node(node)


class MissingTargets(SphinxPostTransform):
    r"""Give displayed equations the labels that links to them point at.

    A markdown link to a labelled equation (``[(BP1)](#BP1)``) becomes
    ``\hyperref[docname:equation-bp1]``, but the LaTeX writer labels a
    displayed equation only as ``equation:docname:label`` (what ``\eqref``
    uses): such links pointed nowhere ("Hyper reference undefined"). A
    ``\phantomsection\label`` with the node's ids goes just before it.
    (Exercises get theirs from :func:`_visit_exercise_box`.)
    """

    default_priority = 850
    builders = ("latex",)

    def run(self, **kwargs):
        found = [
            (node, parent, docname)
            for node, parent, docname in _walk(
                self.document, self.env, self.config.root_doc
            )
            if node.get("ids") and isinstance(node, nodes.math_block)
        ]
        for node, parent, docname in found:
            docname = node.get("docname") or docname
            _insert_labels(node, parent, docname, node["ids"])


def _insert_labels(node, parent, docname, ids):
    # Ends in "%", not a line end: the writer starts the equation on a new
    # line, and an empty line between would end the paragraph (after an
    # equation, an empty one: a gap as high as a line).
    labels = "".join(rf"\label{{{_latex_label(docname, i)}}}" for i in ids)
    raw = nodes.raw("", rf"\phantomsection{labels}%", format="latex")
    parent.insert(parent.index(node), raw)


def _visit_exercise_box(self, node):
    r"""LaTeX: open an exercise or solution as a ``backpropexercise`` box.

    Replaces sphinx-exercise's LaTeX visitors (the HTML ones are kept),
    which open a framed ``sphinxadmonition``. The box's labels go into its
    title bar: the one sphinx-exercise's own references use
    (``exercise:label``, or ``docname:label`` for a solution), one per node
    id as the writer spells it (what ``{ref}`` and markdown links point at,
    left out by sphinx-exercise), and any that SolutionsAtEnd added. The
    title follows as the environment's argument (the writer's title visitor
    puts an admonition's title in braces).
    """
    from sphinx_exercise.nodes import solution_node

    if isinstance(node, solution_node):
        registry = self.builder.env.sphinx_exercise_registry
        own = f"{registry[node['label']]['docname']}:{node['label']}"
    else:
        own = f"exercise:{node['label']}"
    labels = [own]  # as sphinx-exercise writes it (its references do too)
    targets = (f"{self.curfilestack[-1]}:{i}" for i in node["ids"])
    labels += [self.idescape(t) for t in targets if t != own]  # once each
    labels += node.get("backprop_labels", [])
    commands = "".join(rf"\label{{{label}}}" for label in labels)
    self.body.append(
        rf"\gdef\backpropboxlabels{{{commands}}}" + "\n" + r"\begin{backpropexercise}"
    )


def _depart_exercise_box(self, node):
    self.body.append("\\end{backpropexercise}\n")


# --- Solutions at the end of the book --------------------------------------------

SOLUTIONS_DOCNAME = "backprop-solutions"  # the PDF's own chapter, not a page
SOLUTIONS_TITLE = "Solutions"
SOLUTIONS_INTRO = (
    "The worked solutions to the exercises, chapter by chapter. Each title "
    "links back to its exercise, and each exercise ends with a link to its "
    "solution here."
)


def solutions_label(docname):
    """The label of the part of the Solutions chapter for page ``docname``."""
    return rf"\detokenize{{{docname}::solutions}}"


class SolutionsAtEnd(SphinxPostTransform):
    r"""Move every solution into a last, unnumbered chapter "Solutions".

    In the HTML a solution is a dropdown right after its exercise; on paper
    it would give the answer away under the question. Here (LaTeX builder
    only) each sphinx-exercise solution, gated or not, with its code cells
    and outputs, leaves its chapter for a chapter "Solutions" placed after
    the last page of the toc (the appendices), with one section per chapter
    in the book's order. Each solution is titled "Solution to Exercise N.M
    (page P)", the exercise and its page being a link back to it, and each
    exercise ends with a link "Solution on page Q".

    Runs after sphinx-exercise has resolved the titles (priority 21) and
    after the book has been arranged into parts and numbered (priorities 700
    and 800).
    """

    default_priority = 860
    builders = ("latex",)

    def run(self, **kwargs):
        from sphinx_exercise.nodes import solution_node

        walk = list(_walk(self.document, self.env, self.config.root_doc))
        exercises = {
            node.get("label"): (node, docname)
            for node, _, docname in walk
            if _is_exercise(node)
        }
        groups = {}  # docname: [(solution, parent)], in reading order
        for node, parent, docname in walk:
            if isinstance(node, solution_node):
                groups.setdefault(docname, []).append((node, parent))
        if not groups:
            return
        chapter = nodes.section(ids=["solutions"], names=["solutions"])
        chapter += nodes.title(SOLUTIONS_TITLE, SOLUTIONS_TITLE)
        chapter += nodes.paragraph(SOLUTIONS_INTRO, SOLUTIONS_INTRO)
        for docname, members in groups.items():
            section = nodes.section(ids=[f"solutions-{nodes.make_id(docname)}"])
            section += self._chapter_title(docname)
            section += nodes.raw(
                "", rf"\label{{{solutions_label(docname)}}}" + "\n", format="latex"
            )
            for solution, parent in members:
                parent.remove(solution)
                exercise = exercises.get(solution.get("target_label"))
                if exercise is not None:
                    self._link(*exercise, solution)
                # Its own page around it: the writer resolves the solution's
                # references to its page's labels (refid) and labels its
                # targets with that page's name, as where it came from.
                page = addnodes.start_of_file(docname=docname)
                page += solution
                section += page
            chapter += section
        start = addnodes.start_of_file(docname=SOLUTIONS_DOCNAME)
        start += nodes.raw("", r"\backpropunnumberedchapter" + "\n", format="latex")
        start += chapter
        chapters = chapter_docnames(self.app) or self.env.all_docs
        last, parent = [
            (node, parent)
            for node, parent, _ in walk
            if isinstance(node, addnodes.start_of_file)
            and node.get("docname") in chapters
        ][-1]
        parent.insert(parent.index(last) + 1, start)

    def _chapter_title(self, docname):
        """ "Chapter 4: Many neurons per layer" (no number if unnumbered)."""
        title = nodes.title()
        number = self.env.toc_secnumbers.get(docname, {}).get("")
        if number:
            title += nodes.Text(f"Chapter {'.'.join(map(str, number))}: ")
        title.extend(child.deepcopy() for child in self.env.titles[docname].children)
        return title

    def _link(self, exercise, ex_docname, solution):
        """Title the solution after its exercise; link each to the other."""
        ex_label = _latex_label(ex_docname, exercise["ids"][0])
        sol_label = _latex_label(SOLUTIONS_DOCNAME, exercise["ids"][0])
        solution["backprop_labels"] = [sol_label]
        title = nodes.title()
        title += nodes.Text("Solution to ")
        title += nodes.raw("", rf"\hyperref[{ex_label}]{{", format="latex")
        title.extend(child.deepcopy() for child in exercise[0].children)
        title += nodes.raw("", rf" (page~\pageref*{{{ex_label}}})}}", format="latex")
        solution["title"] = exercise[0].astext()
        solution[0].replace_self(title)
        text = rf"Solution on page~\pageref*{{{sol_label}}}"
        pointer = (
            r"\par\nobreak\sphinxAtStartPar\hfill"
            rf"\hyperref[{sol_label}]{{\emph{{{text}}}}}" + "\n"
        )
        exercise += nodes.raw("", pointer, format="latex")


# --- Math in section titles: a plain-text twin for the PDF outline --------------

PRIME, MINUS = "\u2032", "\u2212"
_SUPERSCRIPTS = dict(zip("0123456789+-=()lLmnij", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ˡᴸᵐⁿⁱʲ", strict=True))
_SYMBOLS = {r"\delta": "δ", r"\Delta": "Δ", r"\prime": PRIME}


def plain_math(tex):
    r"""``tex`` as Unicode text for a PDF bookmark, or None if it has no twin.

    Covers what the book's titles hold: a few Greek letters, primes and
    superscripts made of digits, signs and the indices l, L, m, n, i, j
    (``\delta^{l+1}`` is δˡ⁺¹, ``10^{-7}`` is 10⁻⁷).
    """
    for command, char in _SYMBOLS.items():
        tex = re.sub(re.escape(command) + r"(?![A-Za-z])\s*", char, tex)
    tex = tex.replace("-", MINUS)

    def up(match):
        body = match.group(1) or match.group(2)
        body = body.replace(MINUS, "-")
        if PRIME in body:  # g^{1\prime}: the prime follows the index
            body, prime = body.replace(PRIME, ""), PRIME
        else:
            prime = ""
        if not all(c in _SUPERSCRIPTS for c in body):
            raise ValueError(body)
        return "".join(_SUPERSCRIPTS[c] for c in body) + prime

    try:
        text = re.sub(r"\^(?:\{([^{}]*)\}|(.))", up, tex)
    except ValueError:
        return None
    return None if re.search(r"[\\{}^_]", text) else text


def _visit_math(self, node):
    r"""Inline math; in a title with a plain twin for the PDF outline.

    Sphinx writes ``\protect\(...\protect\)``, which hyperref strips to
    "δl+1" in the bookmarks (and warns). ``\texorpdfstring`` gives it δˡ⁺¹.
    """
    tex = node.astext()
    if not self.in_title:
        self.body.append(rf"\({tex}\)")
    elif (text := plain_math(tex)) is None:
        self.body.append(rf"\protect\({tex}\protect\)")
    else:
        self.body.append(rf"\texorpdfstring{{\protect\({tex}\protect\)}}{{{text}}}")
    raise nodes.SkipNode


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
    from sphinx_exercise.nodes import (
        exercise_enumerable_node,
        exercise_node,
        solution_node,
    )

    for node in (exercise_node, exercise_enumerable_node, solution_node):
        app.add_node(
            node, override=True, latex=(_visit_exercise_box, _depart_exercise_box)
        )
    app.add_node(nodes.math, override=True, latex=(_visit_math, None))
    app.add_post_transform(LongTableWidths)
    app.add_post_transform(EmptyCells)
    app.add_post_transform(MissingTargets)
    app.add_post_transform(SolutionsAtEnd)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
