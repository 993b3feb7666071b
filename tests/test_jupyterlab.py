"""The chapters as a learner sees them: opened in a real JupyterLab.

A JupyterLab server (this Python's ``jupyterlab``) serves copies of the
book's notebooks from a temporary folder, and Debian's chromium opens each
one through Playwright, under both of JupyterLab's notebook windowing modes:

- ``"defer"`` (the default) renders every cell, in the background;
- ``"full"`` renders only the cells near the viewport, as the reader
  scrolls, so cells are typeset one at a time and in any order.

Every markdown cell that contains math must end up with typeset formulas,
no MathJax error and no undefined macro (JupyterLab's MathJax draws an
unknown ``\\pd`` as red text). That holds under ``"full"`` only because each
cell that uses a macro defines it on a hidden first line
(``book/_ext/backprop_book.py``); a copy of a chapter without those lines is
the negative control and must fail the same check.

Skipped without Chromium or Playwright, except under ``CI=true``.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request

import nbformat
import pytest
from browser_support import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "book" / "_ext"))

from backprop_book import notebook_paths, strip_macro_line

pytestmark = pytest.mark.browser

NOTEBOOKS = notebook_paths()
MODES = ["defer", "full"]
CONTROL = "control_without_macro_lines.ipynb"
TOKEN = "backprop-book-test"
WAIT_S = 30  # per wait; the machine is shared
VIEWPORT = {"width": 1280, "height": 2400}  # tall: fewer scroll steps

# For each markdown cell in the DOM: its index, formulas, MathJax errors and
# whether a macro name shows as text (an undefined \pd is drawn as "\pd").
CELLS_JS = r"""() => [...document.querySelectorAll(
    '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-MarkdownCell')].map((cell) => {
  const r = cell.querySelector('.jp-RenderedMarkdown');
  const errors = r ? [...r.querySelectorAll('mjx-merror, [data-mjx-error]')] : [];
  return {
    index: Number(cell.getAttribute('data-windowed-list-index')),
    rendered: !!r,
    formulas: r ? r.querySelectorAll('mjx-container').length : 0,
    errors: errors.map((e) => e.getAttribute('data-mjx-error') || e.textContent),
    undefined: r ? (r.innerText.match(/\\(pd|mat)(?![A-Za-z])/g) || []) : [],
  };
})"""
SCROLLER_JS = (
    "document.querySelector("
    "'.jp-NotebookPanel:not(.lm-mod-hidden) .jp-WindowedPanel-outer')"
)


def math_cells(path):
    """Indices of the markdown cells of ``path`` that contain math."""
    nb = nbformat.read(path, as_version=4)
    return {
        i
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "markdown" and "$" in strip_macro_line(cell.source)
    }


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def api(base, path, method="GET", body=None):
    request = urllib.request.Request(
        f"{base}{path}",
        method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status


@pytest.fixture(scope="module")
def lab(chromium_path, tmp_path_factory):
    """A JupyterLab server over copies of the notebooks; yields its base URL."""
    root = tmp_path_factory.mktemp("lab")
    for path in NOTEBOOKS:
        (root / path.name).write_bytes(path.read_bytes())
    # The negative control: chapter 4 without its macro lines.
    nb = nbformat.read(REPO_ROOT / "book" / "04_many_neurons.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            cell.source = strip_macro_line(cell.source)
    nbformat.write(nb, root / CONTROL)
    config = tmp_path_factory.mktemp("jupyter")
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(config / "config"),
        JUPYTERLAB_SETTINGS_DIR=str(config / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(config / "workspaces"),
    )
    port = free_port()
    log = (config / "server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--ServerApp.token={TOKEN}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                api(base, "/api/status")
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(
                        f"JupyterLab did not start; see {config / 'server.log'}"
                    )
                time.sleep(0.5)
        yield base
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def open_lab(browser, lab, mode, path=""):
    """A new page of JupyterLab under windowing ``mode``; returns (context, page).

    The setting is changed through the server's settings API before the
    page loads. ``path`` opens that notebook directly.
    """
    raw = json.dumps({"windowingMode": mode})
    setting = "/lab/api/settings/@jupyterlab/notebook-extension:tracker"
    assert api(lab, setting, "PUT", {"raw": raw}) in (200, 204)
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    context.route(lambda url: not url.startswith(lab), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(WAIT_S * 1000)
    tree = f"/tree/{path}" if path else ""
    page.goto(f"{lab}/lab{tree}?token={TOKEN}&reset", wait_until="load")
    page.wait_for_selector(".jp-DirListing-itemText", timeout=90_000)
    return context, page


@pytest.fixture(scope="module", params=MODES)
def app(request, lab, browser):
    """JupyterLab in one page under one windowing mode; yields (page, mode).

    The notebooks are opened from the file browser one after the other in
    this page (starting JupyterLab takes several seconds). MathJax keeps the
    macros it has seen for the whole page, so from the second notebook on,
    a cell would also render if only an earlier notebook defined them:
    tests/test_book.py checks that every cell carries its own definitions,
    and the negative control below runs in a page of its own.
    """
    context, page = open_lab(browser, lab, request.param)
    yield page, request.param
    context.close()


def visit(app, name, wanted, open_it=True):
    """Open notebook ``name`` and collect what its markdown cells show.

    Returns {cell index: facts}. Under "full" the notebook is scrolled from
    the bottom up, so that the cells are typeset in reverse order, and then
    down again for any cell still missing.
    """
    page, mode = app
    if open_it:
        item = page.locator(".jp-DirListing-itemText").get_by_text(name, exact=True)
        item.dblclick()
    page.wait_for_function(
        """(name) => {
          const tab = document.querySelector(
            '.lm-DockPanel-tabBar .lm-mod-current .lm-TabBar-tabLabel');
          return tab && tab.textContent === name && document.querySelector(
            '.jp-NotebookPanel:not(.lm-mod-hidden) .jp-RenderedMarkdown');
        }""",
        arg=name,
    )
    seen = {}

    def collect():
        # Wait until every wanted cell in view has typeset its math.
        deadline = time.monotonic() + WAIT_S
        while True:
            cells = page.evaluate(CELLS_JS)
            pending = [c for c in cells if c["index"] in wanted and not c["formulas"]]
            if not pending or time.monotonic() > deadline:
                break
            page.wait_for_timeout(200)
        for cell in cells:
            if cell["rendered"]:
                seen[cell["index"]] = cell

    def missing():
        return wanted - {i for i, c in seen.items() if c["formulas"]}

    def scroll(top):
        return page.evaluate(
            f"""(top) => {{ const s = {SCROLLER_JS}; s.scrollTop = top;
                 return [s.scrollTop, s.scrollHeight, s.clientHeight]; }}""",
            top,
        )

    if mode == "full":
        top, height, step = scroll(10**9)  # the bottom first
        while True:
            page.wait_for_timeout(150)
            collect()
            if top <= 0:
                break
            top, height, step = scroll(max(0, top - int(step * 0.8)))
        while missing() and top + step < height:  # and down again
            top, height, step = scroll(top + int(step * 0.8))
            page.wait_for_timeout(150)
            collect()
    else:
        deadline = time.monotonic() + WAIT_S
        collect()
        while missing() and time.monotonic() < deadline:
            page.wait_for_timeout(300)
            collect()
    # The tab stays open: closing it can ask whether to save (JupyterLab
    # marks some notebooks as changed on load), and it is hidden anyway.
    return seen


def problems_of(seen, wanted):
    problems = []
    for index in sorted(wanted):
        cell = seen.get(index)
        if cell is None:
            problems.append(f"cell {index}: never rendered")
        elif cell["formulas"] == 0:
            problems.append(f"cell {index}: no typeset formula")
    for index, cell in sorted(seen.items()):
        problems += [f"cell {index}: MathJax error {e!r}" for e in cell["errors"]]
        problems += [f"cell {index}: undefined macro {m}" for m in cell["undefined"]]
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_formula_renders(path, app):
    wanted = math_cells(path)
    problems = problems_of(visit(app, path.name, wanted), wanted)
    assert not problems, f"{path.name} ({app[1]}):\n" + "\n".join(problems)


@pytest.mark.parametrize("mode", MODES)
def test_a_chapter_without_macro_lines_fails(mode, lab, browser):
    """The negative control, each time in a fresh page: the check can fail."""
    wanted = math_cells(REPO_ROOT / "book" / "04_many_neurons.ipynb")
    context, page = open_lab(browser, lab, mode, CONTROL)
    try:
        seen = visit((page, mode), CONTROL, wanted, open_it=False)
    finally:
        context.close()
    problems = problems_of(seen, wanted)
    assert any("undefined macro" in p for p in problems), problems
