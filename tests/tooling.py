"""What the browser, JupyterLab and PDF tests do when a tool is missing."""

import os

import pytest


def under_ci():
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason):
    """Skip for a missing tool (browser, TeX), but fail under CI=true."""
    if under_ci():
        pytest.fail(f"{reason} (CI=true: these tests must run)")
    pytest.skip(reason)
