"""Shared fixtures: the package tests' generator, and the built site that the
browser and PDF tests share (package test helpers live in helpers.py, the
skip-or-fail rule for missing tools in tooling.py)."""

import numpy as np
import pytest
from browser_support import (
    CHROMIUM_ARGS,
    CHROMIUM_PACKAGE,
    REPO_ROOT,
    build_book,
    find_chromium,
    stale_reason,
)
from tooling import reuse_or_build, unavailable


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
    return reuse_or_build(
        "BACKPROP_BOOK_HTML",
        REPO_ROOT / "_build" / "html",
        stale_reason,
        build_book,
        tmp_path_factory,
        "book build (jupyter-book build)",
    )


@pytest.fixture(scope="session")
def chromium_path():
    """Debian's chromium (Playwright's own browser download does not work)."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        unavailable("the Python package playwright is not installed (requirements.txt)")
    path = find_chromium()
    if path is None:
        unavailable(
            f"Chromium not found: install Debian's package {CHROMIUM_PACKAGE!r} "
            f"(apt-get install {CHROMIUM_PACKAGE})"
        )
    return path


@pytest.fixture(scope="session")
def browser(chromium_path):
    """One headless Chromium for the whole session.

    Playwright's sync API runs one event loop per thread, so the browser and
    JupyterLab tests share this instance rather than starting their own.
    """
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()
