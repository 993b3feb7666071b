"""What the browser, JupyterLab and PDF tests share: missing tools, built books."""

import os
from pathlib import Path

import pytest


def under_ci():
    return os.environ.get("CI", "").strip().lower() == "true"


def unavailable(reason):
    """Skip for a missing tool (browser, TeX), but fail under CI=true."""
    if under_ci():
        pytest.fail(f"{reason} (CI=true: these tests must run)")
    pytest.skip(reason)


def reuse_or_build(env_var, here, stale_reason, build, tmp_path_factory, what):
    """A built edition (HTML or PDF folder) that matches the current sources.

    The folder named by the environment variable ``env_var`` is used as it
    is; else ``here`` while ``stale_reason(here)`` is None; else
    ``build(tmp_dir)`` returns (folder, None) or (None, log), and a failed
    build fails the test with its log.
    """
    override = os.environ.get(env_var)
    if override:
        return Path(override)
    if stale_reason(here) is None:
        return here
    built, log = build(tmp_path_factory.mktemp(what.split()[0]))
    if built is None:
        pytest.fail(f"{what} failed: {log}")
    return built
