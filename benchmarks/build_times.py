"""Time the authoring loop: clean build, no-op rebuild, prose-only rebuild.

Usage::

    python benchmarks/build_times.py [--repeat 3]

Works on a temporary copy of the repository (the sources of the book and
the package), so the checkout and its ``_build`` are never touched. Each
build is the README's command, ``jupyter-book build . -W -n --keep-going``,
and must succeed. Reported are medians over ``--repeat`` runs of

- **clean**: a build with no ``_build`` folder;
- **no-op**: the same command again, nothing changed;
- **prose-only**: one markdown cell of a chapter edited, then the command.

The targets (issue 12) are printed as met or missed: no-op <= 10 s,
prose-only <= 15 s, clean <= 30 s.
"""

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "tests"))

from browser_support import jupyter_book_command  # noqa: E402

COPIED = ["backprop", "book", "_config.yml", "_toc.yml"]
IGNORE = shutil.ignore_patterns(
    "_build", "__pycache__", ".ipynb_checkpoints", ".jupyter_cache"
)
CHAPTER = "book/03_l_layers.ipynb"
TARGETS = {"no-op": 10.0, "prose-only": 15.0, "clean": 30.0}


def build(root):
    """Run the README's build command in ``root``; return seconds."""
    command = [jupyter_book_command(), "build", ".", "-W", "-n", "--keep-going"]
    start = time.perf_counter()
    result = subprocess.run(command, cwd=root, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"build failed in {root}:\n{(result.stdout + result.stderr)[-3000:]}")
    return seconds


def edit_prose(root, k):
    """Change one word of the first markdown paragraph of a chapter."""
    path = root / CHAPTER
    nb = nbformat.read(path, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "markdown")
    cell.source += f"\n\n(Edit {k}.)"
    nbformat.write(nb, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    times = {"clean": [], "no-op": [], "prose-only": []}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "repo"
        for name in COPIED:
            source = REPO_ROOT / name
            if source.is_dir():
                shutil.copytree(source, root / name, ignore=IGNORE)
            else:
                shutil.copy2(source, root / name)
        for k in range(args.repeat):
            shutil.rmtree(root / "_build", ignore_errors=True)
            times["clean"].append(build(root))
            times["no-op"].append(build(root))
            edit_prose(root, k)
            times["prose-only"].append(build(root))
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"machine  {platform.processor() or platform.machine()}, "
        f"nproc {os.cpu_count()}, load {load}"
    )
    print(
        f"command  jupyter-book build . -W -n --keep-going "
        f"(medians of {args.repeat}, wall time)"
    )
    print()
    print(f"{'build':>12} {'median s':>9} {'runs':>24} {'target':>8}")
    for name, runs in times.items():
        median = statistics.median(runs)
        status = "met" if median <= TARGETS[name] else "MISSED"
        each = " ".join(f"{t:.1f}" for t in runs)
        print(f"{name:>12} {median:9.1f} {each:>24} {TARGETS[name]:6.0f} s  [{status}]")


if __name__ == "__main__":
    main()
