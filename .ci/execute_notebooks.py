"""Re-execute the book's notebooks in place, deterministically, and stamp them.

Usage (from anywhere)::

    python .ci/execute_notebooks.py                  # every notebook in book/
    python .ci/execute_notebooks.py book/01_single_neuron.ipynb [...]
    python .ci/execute_notebooks.py --markdown-only  # macro lines only, no kernel

This is the one way to refresh the outputs stored in the notebooks. The
book is built from them as they are (``execute_notebooks: "off"``), and nbval
(``python -m pytest``) re-runs every notebook and compares. For each notebook
it:

1. gives every markdown cell that uses a macro of ``book/_macros.tex`` the
   canonical hidden first line that defines them (JupyterLab needs it; the
   build removes it), and drops it from cells that no longer need it;
2. runs every code cell top to bottom in a fresh ``python3`` kernel whose
   working directory is ``book/`` and whose environment is pinned (see
   ``book/_ext/backprop_book.py``), stopping at the first error;
3. stores sequential execution counts (1, 2, ...), consecutive stream
   outputs merged, no timing metadata, no kernel version, the standard
   ``python3`` kernelspec, and the stamp (a hash of the code cells, the
   ``backprop`` package, the matplotlib style and the kernel environment)
   that the build checks.

A notebook file is only written if every cell ran. ``--markdown-only`` just
refreshes the macro lines of every notebook and markdown page in ``book/``,
keeping outputs and stamps (markdown is not part of the stamp). Exit status
1 if any notebook failed.
"""

import argparse
import copy
import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "book" / "_ext"))

from backprop_book import (
    BOOK_DIR,
    STAMP_KEY,
    inputs_digest,
    kernel_env_updates,
    notebook_paths,
    with_macro_line,
)

KERNEL_NAME = "python3"
CELL_TIMEOUT = 300  # seconds
KERNELSPEC = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": KERNEL_NAME,
}
# Volatile cell metadata written by nbclient or JupyterLab extensions.
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")


def normalize_markdown(nb):
    """Canonical macro lines; drop the old separate macro cell if present."""
    first = nb.cells[0] if nb.cells else None
    if (
        first is not None
        and first.cell_type == "markdown"
        and first.source.lstrip().startswith("$$\n\\newcommand")
    ):
        del nb.cells[0]
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = with_macro_line(cell.source)


def merge_streams(outputs):
    """Join consecutive stdout (or stderr) outputs into one.

    How a cell's printed text is split into stream messages depends on when
    the kernel flushes, so it varies from run to run.
    """
    merged = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def normalize(nb):
    """Drop what changes from run to run or machine to machine."""
    nb.metadata["kernelspec"] = copy.deepcopy(KERNELSPEC)
    nb.metadata.get("language_info", {}).pop("version", None)
    for cell in nb.cells:
        for key in VOLATILE_CELL_METADATA:
            cell.metadata.pop(key, None)
        if cell.cell_type == "code":
            cell.outputs = merge_streams(cell.outputs)


def execute(path):
    """Execute one notebook in place; return an error message or None."""
    nb = nbformat.read(path, as_version=4)
    normalize_markdown(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
    # Hashed before the run: a file that changes while it runs makes the
    # stamp wrong, so the build will ask for another run.
    digest = inputs_digest(nb)
    client = NotebookClient(
        nb,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT,
        allow_errors=False,
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    )
    try:
        client.execute()
    except CellExecutionError as error:
        return str(error)
    normalize(nb)
    nb.metadata[STAMP_KEY] = {"inputs_sha256": digest}
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return None


def refresh_markdown(paths):
    """Refresh the macro lines of notebooks and markdown pages, nothing else."""
    for path in paths:
        if path.suffix == ".ipynb":
            nb = nbformat.read(path, as_version=4)
            before = nbformat.writes(nb)
            normalize_markdown(nb)
            if nbformat.writes(nb) != before:
                nbformat.write(nb, path)
                print(f"updated {os.path.relpath(path)}")
        else:
            text = path.read_text(encoding="utf-8")
            new = with_macro_line(text)
            if new != text:
                path.write_text(new, encoding="utf-8")
                print(f"updated {os.path.relpath(path)}")


def markdown_pages():
    """The markdown pages of book/ (files starting with _ are not pages)."""
    return sorted(p for p in BOOK_DIR.glob("*.md") if not p.name.startswith("_"))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks to execute (default: every notebook in book/)",
    )
    parser.add_argument(
        "--markdown-only",
        action="store_true",
        help="only refresh the macro lines of markdown cells and pages",
    )
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or notebook_paths()
    if args.markdown_only:
        refresh_markdown(paths + ([] if args.notebooks else markdown_pages()))
        return 0
    if not args.notebooks:
        refresh_markdown(markdown_pages())
    os.environ.update(kernel_env_updates())
    failed = []
    for path in paths:
        print(f"executing {os.path.relpath(path)}", flush=True)
        error = execute(path)
        if error is not None:
            print(error, file=sys.stderr)
            failed.append(path)
    if failed:
        names = ", ".join(p.name for p in failed)
        print(f"FAILED ({len(failed)}): {names}", file=sys.stderr)
        return 1
    print(f"executed {len(paths)} notebook(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
