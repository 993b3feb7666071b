"""Shared fixtures: the package tests' generator, and the built site that the
browser and PDF tests share (package test helpers live in helpers.py, the
skip-or-fail rule for missing tools in tooling.py)."""

import os
from pathlib import Path

import numpy as np
import pytest
from browser_support import REPO_ROOT, build_book, stale_reason


@pytest.fixture
def rng():
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def book_html(tmp_path_factory):
    """A built HTML site that matches the current sources.

    ``_build/html`` is reused while it is newer than every source;
    otherwise the book is built into a temporary folder (about 15 s).
    ``BACKPROP_BOOK_HTML=/path/to/_build/html`` names a site to use as it is.
    """
    override = os.environ.get("BACKPROP_BOOK_HTML")
    if override:
        return Path(override)
    html_dir = REPO_ROOT / "_build" / "html"
    if stale_reason(html_dir) is None:
        return html_dir
    html_dir, log = build_book(tmp_path_factory.mktemp("book"))
    if html_dir is None:
        pytest.fail(f"jupyter-book build failed: {log}")
    return html_dir
