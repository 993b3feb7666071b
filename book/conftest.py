"""pytest glue for the notebooks in book/, which nbval runs as tests.

nbval starts one kernel per notebook, with the notebook's folder (book/) as
working directory, while setting up the notebook's first cell. For the
duration of that setup the kernel environment is pinned exactly as in
jupyter-book and ``.ci/execute_notebooks.py`` (see book/_ext/backprop_book.py),
so the fresh outputs can be compared with the stored ones. The pytest process
itself, and the package tests running in it, keep their own environment.
"""

import os
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

from backprop_book import kernel_env_updates


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    if item.path.suffix != ".ipynb":
        return (yield)
    updates = kernel_env_updates()
    saved = {name: os.environ.get(name) for name in updates}
    os.environ.update(updates)
    try:
        return (yield)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
