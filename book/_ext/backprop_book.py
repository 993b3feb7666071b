"""Shared glue for building, executing and testing the book's notebooks.

Three programs run the notebooks in ``book/``: jupyter-book (this module is
loaded as a Sphinx extension through ``sphinx: local_extensions`` in
``_config.yml``), ``.ci/execute_notebooks.py`` and nbval (through
``book/conftest.py``). All three import this module, so they start their
kernels in the same environment and agree on the canonical macro cell.

- Kernel environment: ``PYTHONHASHSEED=0``; one BLAS thread; ``MPLBACKEND``
  set to the inline backend that ipykernel would choose itself when the
  variable is unset (so a stray ``MPLBACKEND=Agg`` in a shell cannot make
  figures vanish from one of the three runs only); the repository root first
  on ``PYTHONPATH`` so that ``import backprop`` works without installing the
  package. Each program runs a notebook with the notebook's own folder as
  working directory, which is ``book/`` for every chapter, so
  ``plt.style.use("backprop.mplstyle")`` finds ``book/backprop.mplstyle``.
- Macros: the text of the first, ``remove-cell`` tagged, markdown cell of
  every notebook lives in ``book/_macros.md`` and nowhere else.
- Offline mermaid: see ``book/_static/vendor/mermaid/VERSION``.
"""

import os
import sys
from pathlib import Path

BOOK_DIR = Path(__file__).resolve().parents[1]
REPO_ROOT = BOOK_DIR.parent
MACROS_FILE = BOOK_DIR / "_macros.md"
MACRO_CELL_ID = "macros"
MACRO_CELL_TAG = "remove-cell"
MERMAID_JS = "vendor/mermaid/mermaid.min.js"

KERNEL_ENV = {
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    # One BLAS thread: the chapters' matrices are small, where a second
    # thread mostly adds synchronisation, and on a shared 2-core machine a
    # busy second core made the build several times slower and its timing
    # figures noisy.
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}


def macro_cell_source():
    """Return the canonical source of the macro cell (no trailing newline)."""
    return MACROS_FILE.read_text(encoding="utf-8").rstrip("\n")


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


def _add_mermaid_script(app, pagename, templatename, context, doctree):
    """Load the vendored mermaid build on the pages that draw a diagram."""
    from sphinxcontrib.mermaid import mermaid

    # Same condition as sphinxcontrib-mermaid's own page script, which it also
    # adds to pages without a doctree (search.html, genindex.html): there the
    # script needs the global too, or it throws reading mermaid.initialize.
    if doctree is None or doctree.next_node(mermaid) is not None:
        app.add_js_file(MERMAID_JS, priority=400)


def _read_every_page(app, env, added, changed, removed):
    """Mark every page outdated, so each build re-executes every notebook.

    Sphinx re-reads only pages whose source changed; a notebook whose source
    did not change would neither be re-executed (so a change to ``backprop``
    would leave stale outputs in the HTML) nor repeat its warnings (so a
    second ``-W`` build could pass where the first failed).
    """
    return sorted(env.found_docs - set(added) - set(changed) - set(removed))


def setup(app):
    """Sphinx entry point."""
    # jupyter-book runs the kernels as children of this process.
    os.environ.update(kernel_env_updates())
    # autodoc imports ``backprop`` in this process.
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    app.setup_extension("sphinxcontrib.mermaid")
    app.connect("html-page-context", _add_mermaid_script)
    app.connect("env-get-outdated", _read_every_page)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
