"""Shared glue for building, executing and testing the book's notebooks.

Jupyter-book loads this module as a Sphinx extension (``sphinx:
local_extensions`` in ``_config.yml``); ``.ci/execute_notebooks.py``, nbval
(through ``book/conftest.py``) and the tests import it too, so all of them
agree on three things:

- **Stored outputs and their stamp.** The build renders the outputs stored
  in the notebooks (``execute_notebooks: "off"``); it never runs a kernel.
  ``.ci/execute_notebooks.py`` writes those outputs and stamps each notebook
  with :func:`inputs_digest`, a SHA-256 of everything that can change them:
  the notebook's code cells, every file of the ``backprop`` package, the
  matplotlib style and the kernel environment. At the start of every build
  :func:`check_stamps` recomputes the digests and stops the build if one
  differs, naming the notebooks to re-execute. So a stale output cannot
  reach the HTML, and nbval (``python -m pytest``) re-runs every notebook
  and compares what it prints with what is stored.
- **Kernel environment.** ``PYTHONHASHSEED=0``; one BLAS thread; the inline
  matplotlib backend that ipykernel would choose itself (so a stray
  ``MPLBACKEND=Agg`` cannot make figures vanish from one run only); the
  repository root first on ``PYTHONPATH``, so ``import backprop`` finds this
  checkout's package. Notebooks run with ``book/`` as working directory.
- **Math macros.** ``book/_macros.tex`` is their single source. The HTML
  build gives them to MathJax (``mathjax3_config``) and the LaTeX build to
  its preamble. JupyterLab typesets each markdown cell on its own, in any
  order, so every markdown cell that uses a macro starts with a hidden line
  that defines them (:func:`macro_line`); :func:`with_macro_line` keeps that
  line canonical, and the build removes it from the pages. (The LaTeX side
  is in ``backprop_latex.py``.)

Diagrams: ```` ```mermaid ```` fences are drawn in the browser by the
vendored ``mermaid.min.js`` (see ``book/_static/vendor/mermaid/VERSION``),
loaded as classic scripts so that pages opened from ``file://`` work too.
"""

import hashlib
import json
import os
import re
import sys
from pathlib import Path

BOOK_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = BOOK_DIR.parent
MACROS_FILE = BOOK_DIR / "_macros.tex"
MPLSTYLE_FILE = BOOK_DIR / "backprop.mplstyle"
PACKAGE_DIR = REPO_ROOT / "backprop"
MERMAID_JS = "vendor/mermaid/mermaid.min.js"
STAMP_KEY = "backprop_book"  # notebook metadata: {"inputs_sha256": ...}
EXECUTE_COMMAND = "python .ci/execute_notebooks.py"

KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    # One BLAS thread: the chapters' matrices are small, where a second
    # thread mostly adds synchronisation, and on a shared 2-core machine a
    # busy second core made timings several times slower and noisy.
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def kernel_env_updates(environ=os.environ):
    """Return the variables to set so a kernel starts in the book's environment."""
    updates = dict(KERNEL_ENV)
    paths = [p for p in environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    if str(REPO_ROOT) not in paths:
        updates["PYTHONPATH"] = os.pathsep.join([str(REPO_ROOT), *paths])
    return updates


def notebook_paths():
    """Return every notebook under ``book/`` (sorted), skipping build output."""
    skip = {"_build", ".ipynb_checkpoints", ".jupyter_cache"}
    return sorted(
        path
        for path in BOOK_DIR.rglob("*.ipynb")
        if not skip.intersection(path.relative_to(BOOK_DIR).parts)
    )


# --- Math macros -------------------------------------------------------------


def parse_newcommands(text):
    """Return {name: (number of arguments, body)} for each \\newcommand."""
    macros = {}
    pattern = re.compile(r"\\newcommand\{\\([A-Za-z]+)\}(?:\[(\d)\])?\{")
    for match in pattern.finditer(text):
        depth, end = 1, match.end()
        while depth:
            char = text[end]
            if char == "\\":
                end += 2
                continue
            depth += {"{": 1, "}": -1}.get(char, 0)
            end += 1
        macros[match.group(1)] = (int(match.group(2) or 0), text[match.end() : end - 1])
    return macros


def macro_definitions(path=MACROS_FILE):
    """The ``\\newcommand`` lines of ``book/_macros.tex`` (comments dropped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if line.startswith("\\newcommand"))


def macros(path=MACROS_FILE):
    """The macros as {name: (number of arguments, body)}."""
    return parse_newcommands(macro_definitions(path))


def mathjax_macros(path=MACROS_FILE):
    """The macros in MathJax 3's ``tex.macros`` format."""
    return {name: [body, n] if n else body for name, (n, body) in macros(path).items()}


def macro_line(path=MACROS_FILE):
    """The hidden first line of a markdown cell that uses a macro."""
    definitions = macro_definitions(path).replace("\n", "")
    return f'<div style="display:none">${definitions}$</div>'


_MACRO_LINE = re.compile(r'\A<div style="display:none">\$\\newcommand.*</div>\n')


def uses_macros(text, path=MACROS_FILE):
    """True if ``text`` (without a macro line) uses one of the macros."""
    names = "|".join(macros(path))
    return re.search(rf"\\({names})(?![A-Za-z])", text) is not None


def strip_macro_line(text):
    """``text`` without a leading macro line (of any version) and its blank line."""
    match = _MACRO_LINE.match(text)
    return text[match.end() :].lstrip("\n") if match else text


def with_macro_line(text, path=MACROS_FILE):
    """Markdown ``text`` that starts with the canonical macro line iff it needs it."""
    body = strip_macro_line(text)
    return f"{macro_line(path)}\n\n{body}" if uses_macros(body, path) else body


# --- Stored outputs: the stamp -------------------------------------------------


def _text(path):
    # Line endings normalized: a Windows checkout stamps the same digest.
    return path.read_text(encoding="utf-8").replace("\r\n", "\n")


def inputs_digest(nb, root=REPO_ROOT):
    """SHA-256 of everything that determines a notebook's outputs.

    The notebook's code cells (in order), every file of ``backprop/``, the
    matplotlib style and the kernel environment. Markdown cells are not part
    of it: editing prose needs no re-execution.
    """
    digest = hashlib.sha256()

    def add(label, text):
        for part in (label, text):
            data = part.encode("utf-8")
            digest.update(len(data).to_bytes(8, "little") + data)

    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            source = cell["source"]
            source = "".join(source) if isinstance(source, list) else source
            add(f"cell {index}", source.replace("\r\n", "\n"))
    package = root / "backprop"
    for path in sorted(package.rglob("*.py")):
        if "__pycache__" not in path.parts:
            add(path.relative_to(root).as_posix(), _text(path))
    add("mplstyle", _text(root / "book" / MPLSTYLE_FILE.name))
    add("kernel environment", json.dumps(KERNEL_ENV, sort_keys=True))
    return digest.hexdigest()


def stale_reason(path, root=REPO_ROOT):
    """Why the outputs stored in notebook ``path`` are stale, or None."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    stored = nb.get("metadata", {}).get(STAMP_KEY, {}).get("inputs_sha256")
    if stored is None:
        return "its outputs carry no stamp"
    if stored != inputs_digest(nb, root):
        return "its code cells or the backprop package changed since it was executed"
    return None


def stale_notebooks(root=REPO_ROOT):
    """[(notebook path, reason)] for every notebook of ``root/book`` that is stale."""
    paths = sorted(
        p for p in (root / "book").glob("*.ipynb") if not p.name.startswith(".")
    )
    return [(p, why) for p in paths if (why := stale_reason(p, root))]


# --- Sphinx ------------------------------------------------------------------


def check_stamps(app):
    """builder-inited: stop the build if a notebook's stored outputs are stale."""
    from sphinx.errors import ExtensionError

    stale = stale_notebooks()
    if stale:
        names = " ".join(p.relative_to(REPO_ROOT).as_posix() for p, _ in stale)
        lines = "\n".join(f"  {p.name}: {why}" for p, why in stale)
        raise ExtensionError(
            f"stale stored outputs in {len(stale)} notebook(s):\n{lines}\n"
            f"Re-execute them first: {EXECUTE_COMMAND} {names}"
        )


def _use_macros(app, config):
    """config-inited: the macros from book/_macros.tex, for MathJax.

    The LaTeX preamble gets them from book/_ext/backprop_latex.py.
    """
    mathjax = dict(config.mathjax3_config or {})
    mathjax["tex"] = {**mathjax.get("tex", {}), "macros": mathjax_macros()}
    config.mathjax3_config = mathjax


def _remove_macro_lines(app, doctree, docname=None):
    """Drop the hidden macro lines: MathJax and LaTeX have the macros already."""
    from docutils import nodes

    line = macro_line()
    for node in list(doctree.findall(nodes.raw)):
        if node.astext().strip() == line:
            node.parent.remove(node)


# Equations labelled BP1, BP2, ... are the four equations of backpropagation
# (chapter 4): they are shown and referenced by that name, in the HTML as
# "(BP1)" and in the PDF through \tag{BP1}, not by a running number.
NAMED_EQUATION = re.compile(r"(?i)^(bp)(\d+)$")


def equation_tag(label):
    """ "BP1" for an equation labelled BP1 (or bp1), else None."""
    match = NAMED_EQUATION.match(label or "")
    return f"{match.group(1).upper()}{match.group(2)}" if match else None


def _name_equations():
    """Make Sphinx number the named equations by their names.

    Sphinx numbers labelled equations per chapter (4.1, 4.2, ...) in
    ``env.toc_fignumbers``, which both the HTML equation numbers and the
    references read. This wraps the method that assigns them so that a named
    equation gets its name instead, and so that a page is not rewritten on
    every build only because its stored numbers are the renamed ones.
    """
    from docutils.nodes import make_id
    from sphinx.environment.collectors.toctree import TocTreeCollector

    original = TocTreeCollector.assign_figure_numbers
    if getattr(original, "names_equations", False):
        return

    def assign_figure_numbers(self, env):
        old = env.toc_fignumbers
        rewrite = original(self, env)
        renamed = set()
        for label, (docname, _) in env.domains["math"].equations.items():
            tag = equation_tag(label)
            numbers = env.toc_fignumbers.get(docname, {}).get("displaymath", {})
            node_id = make_id(f"equation-{label}")
            if tag and node_id in numbers:
                numbers[node_id] = (tag,)
                renamed.add(docname)
        return [
            d
            for d in rewrite
            if d not in renamed or env.toc_fignumbers.get(d) != old.get(d)
        ]

    assign_figure_numbers.names_equations = True
    TocTreeCollector.assign_figure_numbers = assign_figure_numbers


def _latex_visit_math_block(self, node):
    r"""LaTeX: a named equation is tagged with its name (\eqref shows it)."""
    from docutils import nodes
    from sphinx.util.math import wrap_displaymath
    from sphinx.writers.latex import LaTeXTranslator

    tag = equation_tag(node.get("label"))
    if not tag or node.get("nowrap"):
        return LaTeXTranslator.visit_math_block(self, node)
    label = f"equation:{node['docname']}:{node['label']}"
    text = wrap_displaymath(node.astext(), label, self.config.math_number_all)
    start = f"\\begin{{equation}}\\label{{{label}}}"
    assert start in text, text
    self.body.append(text.replace(start, f"{start}\\tag{{{tag}}}", 1))
    raise nodes.SkipNode


MERMAID_RUN_JS = """\
window.addEventListener("load", () => {
  mermaid.initialize({startOnLoad: false, theme: "default"});
  mermaid.run({querySelector: ".mermaid"}).catch(
    (error) => console.error("mermaid:", error));
});"""


def _mermaid_scripts(app, pagename, templatename, context, doctree):
    """Load mermaid as classic scripts on the pages that draw a diagram.

    sphinxcontrib-mermaid adds an inline ``<script type="module">`` that
    imports mermaid as an ES module; from ``file://`` Chromium refuses that
    import (CORS). It is replaced by the vendored build (a classic script
    that sets ``window.mermaid``) and a classic script that draws every
    ``.mermaid`` block once the page has loaded.
    """
    from sphinxcontrib.mermaid import mermaid

    scripts = context.get("script_files", [])
    for script in list(scripts):
        body = script.attributes.get("body", "")
        if script.attributes.get("type") == "module" and "mermaid" in body:
            scripts.remove(script)
    if doctree is not None and doctree.next_node(mermaid) is not None:
        app.add_js_file(MERMAID_JS, priority=400)
        app.add_js_file(None, body=MERMAID_RUN_JS, priority=401)


def setup(app):
    """Sphinx entry point."""
    # autodoc imports ``backprop`` in this process.
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    app.setup_extension("sphinxcontrib.mermaid")
    _name_equations()
    from docutils import nodes

    app.add_node(nodes.math_block, override=True, latex=(_latex_visit_math_block, None))
    app.connect("config-inited", _use_macros)
    app.connect("builder-inited", check_stamps)
    app.connect("doctree-read", _remove_macro_lines)
    # After sphinxcontrib-mermaid's own handler (priority 500).
    app.connect("html-page-context", _mermaid_scripts, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
