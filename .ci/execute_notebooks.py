"""Re-execute the book's notebooks in place, deterministically.

Usage (from anywhere)::

    python .ci/execute_notebooks.py                  # every notebook in book/
    python .ci/execute_notebooks.py book/01_single_neuron.ipynb [...]

This is the one way to refresh the outputs stored in the notebooks, which
nbval (``python -m pytest``) then compares against a fresh run. For each
notebook it:

1. makes the first cell the canonical macro cell (text from
   ``book/_macros.md``, tagged ``remove-cell``, fixed id), inserting it or
   overwriting an existing first macro cell, so the copies never drift;
2. runs every cell top to bottom in a fresh ``python3`` kernel whose working
   directory is the notebook's folder (``book/``, as in jupyter-book and
   nbval) and whose environment is pinned (``PYTHONHASHSEED=0``, inline
   matplotlib backend, repository root on ``PYTHONPATH``; see
   ``book/_ext/backprop_book.py``), stopping at the first error;
3. stores sequential execution counts (1, 2, ...), consecutive stream
   outputs merged, no timing metadata, no kernel version, and the standard
   ``python3`` kernelspec.

The notebook file is only written if every cell ran. Exit status 1 if any
notebook failed.
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
    MACRO_CELL_ID,
    MACRO_CELL_TAG,
    kernel_env_updates,
    macro_cell_source,
    notebook_paths,
)

KERNEL_NAME = "python3"
CELL_TIMEOUT = 300  # seconds, as execute.timeout in _config.yml
KERNELSPEC = {
    "display_name": "Python 3 (ipykernel)",
    "language": "python",
    "name": KERNEL_NAME,
}
# Volatile cell metadata written by nbclient or JupyterLab extensions.
VOLATILE_CELL_METADATA = ("execution", "ExecuteTime", "collapsed", "scrolled")


def normalize_macro_cell(nb):
    """Make ``nb.cells[0]`` the canonical macro cell."""
    cell = nbformat.v4.new_markdown_cell(macro_cell_source())
    cell.id = MACRO_CELL_ID
    cell.metadata = {"tags": [MACRO_CELL_TAG]}
    first = nb.cells[0] if nb.cells else None
    is_macro_cell = (
        first is not None
        and first.cell_type == "markdown"
        and "\\newcommand" in first.source
    )
    if is_macro_cell:
        nb.cells[0] = cell
    else:
        nb.cells.insert(0, cell)


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
    normalize_macro_cell(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
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
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "notebooks",
        nargs="*",
        type=Path,
        help="notebooks to execute (default: every notebook in book/)",
    )
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or notebook_paths()
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
