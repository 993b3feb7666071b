"""A stale output cannot reach the book: shown on a copy of the repository.

The book is built from the outputs stored in the notebooks. The test changes
the ``backprop`` package in a temporary copy (the source that chapter 1
prints) and shows that

1. the build stops at once, naming the stale notebooks;
2. nbval fails chapter 1, whose printed output no longer matches;
3. after ``.ci/execute_notebooks.py`` re-executes chapter 1, its stamp is
   current and nbval passes again.
"""

import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "book" / "_ext"))

from backprop_book import stale_notebooks, stale_reason  # noqa: E402
from browser_support import jupyter_book_command  # noqa: E402

CHAPTER = "01_single_neuron.ipynb"
COPIED = [
    "backprop",
    "book",
    ".ci",
    "tests/nbval_sanitize.cfg",
    "_config.yml",
    "_toc.yml",
    "pyproject.toml",
]
IGNORE = shutil.ignore_patterns(
    "_build", "__pycache__", ".ipynb_checkpoints", ".jupyter_cache"
)


def copy_repository(root):
    for name in COPIED:
        source, target = REPO_ROOT / name, root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=IGNORE)
        else:
            shutil.copy2(source, target)


def run(*args, cwd):
    return subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=900, check=False
    )


def nbval(root, notebook):
    return run(
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
        f"--rootdir={root}", str(notebook), cwd=root,
    )  # fmt: skip


def test_a_package_change_stops_the_build_and_nbval_until_reexecuted(tmp_path):
    root = tmp_path / "repo"
    copy_repository(root)
    notebook = root / "book" / CHAPTER
    assert stale_notebooks(root) == []

    module = root / "backprop" / "single_neuron.py"
    source = module.read_text(encoding="utf-8")
    old = '    """dC/dw and dC/db of one neuron on one sample'
    assert old in source, "update the test: the docstring it edits has changed"
    module.write_text(source.replace(old, f"{old} (changed)"), encoding="utf-8")
    assert {path.name for path, _ in stale_notebooks(root)} >= {CHAPTER}

    build = run(
        jupyter_book_command(), "build", str(root), "-W", "-n", "--keep-going",
        cwd=root,
    )  # fmt: skip
    log = build.stdout + build.stderr
    assert build.returncode != 0, log[-2000:]
    assert "stale stored outputs" in log and CHAPTER in log, log[-2000:]
    assert not (root / "_build" / "html" / "book" / "01_single_neuron.html").exists()

    before = nbval(root, notebook)
    assert before.returncode != 0, before.stdout[-2000:]
    assert "(changed)" in before.stdout, before.stdout[-2000:]

    execute = run(
        sys.executable, str(root / ".ci" / "execute_notebooks.py"), str(notebook),
        cwd=root,
    )  # fmt: skip
    assert execute.returncode == 0, execute.stderr[-2000:]
    assert stale_reason(notebook, root) is None
    after = nbval(root, notebook)
    assert after.returncode == 0, after.stdout[-2000:]
