"""The published book, checked the way readers see it: in headless Chromium.

The tests serve a freshly built ``_build/html`` on 127.0.0.1 and open every
page of ``_toc.yml`` in Debian's chromium through Playwright. On each page:
no console or page errors, no failed requests, no request leaves the local
server (any other host is blocked and counted), MathJax has typeset every
formula (no raw TeX, no undefined macro, no error node), every image loaded,
every mermaid diagram is drawn as an SVG; then, at a phone's width (390 px),
the page does not scroll sideways and nothing is cut off. Full-page
screenshots at both widths go to ``_build/screenshots/`` for review. The
next/previous links walk the toc in order, the search page finds "delta",
each chapter's exercise solutions are collapsed and open on click, and
three chapters opened from disk (``file://``) load without a single console
error, with every formula and diagram drawn.

Built site: ``_build/html`` is reused only when it is newer than every
source (see ``browser_support.stale_reason``); otherwise the book is built
into a temporary folder (about 15 s; no notebook is executed). For
development, ``BACKPROP_BOOK_HTML=/path/to/_build/html`` names a built site
to use as it is.

Without Chromium (``apt-get install chromium``) or Playwright the tests are
skipped, except under ``CI=true``, where that is a failure.
"""

import os
import re

import pytest
from browser_support import (
    EAGER_IMAGES_JS,
    FONTS_READY_JS,
    IMAGES_SETTLED_JS,
    INSPECT_JS,
    MATHJAX_DONE_JS,
    MATHJAX_STARTED_JS,
    MERMAID_SELECTOR,
    MERMAID_SETTLED_JS,
    NARROW_JS,
    SCREENSHOT_DIR,
    serve,
    stale_reason,
    toc_pages,
)

try:
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # pragma: no cover - depends on the machine
    PlaywrightError = Exception

pytestmark = pytest.mark.browser

PAGES = toc_pages()
PAGE_IDS = [page.name for page in PAGES]

# Which pages must have what, by file name.
STEP = re.compile(r"\d\d_")  # every chapter: at least one figure
DERIVATION = re.compile(r"(0[1-9]|[1-9]\d)_|appendix_errata$")  # formulas
MANY_FORMULAS = re.compile(r"0[1-6]_")  # at least MIN_FORMULAS of them
DIAGRAM_REQUIRED = re.compile(r"0[1-4]_")  # at least one diagram
MIN_FORMULAS = 10

PHONE = {"width": 390, "height": 844}  # a phone's viewport
WAIT_MS = 20_000  # per wait (MathJax, images, diagrams); the machine is shared


# --- Fixtures (session: one build, one server, one browser) ----------------


@pytest.fixture(scope="session")
def base_url(chromium_path, book_html):
    with serve(book_html) as url:
        yield url


class Watch:
    """A fresh browser context whose pages report every problem they meet."""

    def __init__(self, browser, base_url, viewport=None, **options):
        self.base_url = base_url
        self.external = []  # URLs of requests to other hosts (blocked)
        self.problems = []
        self.context = browser.new_context(
            viewport=viewport or {"width": 1280, "height": 800},
            service_workers="block",
            **options,
        )
        self.context.set_default_timeout(WAIT_MS)
        self.context.route(lambda url: not url.startswith(base_url), self._block)

    def _block(self, route):
        self.external.append(route.request.url)
        route.abort()

    def new_page(self):
        page = self.context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)
        return page

    def _console(self, message):
        if message.type == "error":
            where = message.location
            at = f"{where.get('url', '')}:{where.get('lineNumber', 0) + 1}"
            self.problems.append(f"console error: {message.text} (at {at})")

    def _failed(self, request):
        if request.url.startswith(self.base_url):
            self.problems.append(f"request failed: {request.url} ({request.failure})")

    def _response(self, response):
        if response.status >= 400 and response.url.startswith("http"):
            self.problems.append(f"HTTP {response.status}: {response.url}")

    def close(self):
        self.context.close()

    def all_problems(self):
        """Problems so far, the blocked outside requests first."""
        blocked = [f"request to another host (blocked): {u}" for u in self.external]
        return blocked + self.problems


@pytest.fixture
def watch(browser, base_url):
    watch = Watch(browser, base_url)
    yield watch
    watch.close()


def wait_for(page, problems, what, expression, arg=None):
    """Wait until ``expression`` is truthy; on a timeout note ``what``."""
    try:
        page.wait_for_function(expression, arg=arg, timeout=WAIT_MS)
    except PlaywrightError:
        problems.append(f"timed out after {WAIT_MS} ms waiting for {what}")
        return False
    return True


def failure_message(title, problems):
    return title + "\n" + "\n".join(f"- {p}" for p in problems)


# --- Tests -----------------------------------------------------------------


def test_toc_has_the_chapters_these_checks_expect():
    """The per-page requirements below are keyed on these file names."""
    names = set(PAGE_IDS)
    for number in range(10):
        assert any(n.startswith(f"{number:02d}_") for n in names), number
    assert "appendix_errata" in names
    assert len(names) == len(PAGES), "two toc entries share a file name"


def test_a_build_is_reused_only_while_newer_than_every_source(tmp_path):
    root = tmp_path
    (root / "book" / "_ext" / "__pycache__").mkdir(parents=True)
    (root / "backprop").mkdir()
    (root / "_toc.yml").write_text("format: jb-book\nroot: book/intro\n")
    sources = ["_config.yml", "book/intro.md", "book/_ext/ext.py", "backprop/a.py"]
    for name in sources:
        (root / name).write_text("x")
    html = root / "_build" / "html"
    (html / "book").mkdir(parents=True)
    for name in ["book/intro.html", "search.html", "searchindex.js"]:
        (html / name).write_text("x")
    assert ".buildinfo" in stale_reason(html, root)
    stamp = html / ".buildinfo"
    stamp.write_text("x")
    newest = max((root / name).stat().st_mtime_ns for name in sources)
    os.utime(stamp, ns=(newest + 10**9, newest + 10**9))
    assert stale_reason(html, root) is None
    # Caches written after the build (pytest's conftest bytecode) do not count.
    pyc = root / "book" / "_ext" / "__pycache__" / "ext.cpython-311.pyc"
    pyc.write_text("x")
    os.utime(pyc, ns=(newest + 2 * 10**9, newest + 2 * 10**9))
    assert stale_reason(html, root) is None
    for name in sources:
        os.utime(root / name, ns=(newest + 2 * 10**9, newest + 2 * 10**9))
        assert name in stale_reason(html, root)
        os.utime(root / name, ns=(newest, newest))
    (html / "search.html").unlink()
    assert "search.html" in stale_reason(html, root)


@pytest.mark.parametrize("toc_page", PAGES, ids=PAGE_IDS)
def test_page(toc_page, watch, request):
    name = toc_page.name
    page = watch.new_page()
    problems = []
    page.goto(watch.base_url + toc_page.html, wait_until="load")

    # Math: MathJax 3 is loaded on pages with math; wait for its typesetting.
    if page.locator('script[src*="mathjax"]').count():
        if wait_for(page, problems, "MathJax to start", MATHJAX_STARTED_JS):
            state = page.evaluate(MATHJAX_DONE_JS, WAIT_MS)
            if state != "done":
                problems.append(f"MathJax typesetting {state}")

    # Figures: every image has settled (loaded or failed).
    page.evaluate(EAGER_IMAGES_JS)
    wait_for(page, problems, "the images to load", IMAGES_SETTLED_JS)

    # Diagrams: mermaid has drawn each one (or given up on it).
    if page.locator(MERMAID_SELECTOR).count():
        wait_for(page, problems, "mermaid", MERMAID_SETTLED_JS, MERMAID_SELECTOR)
    if not page.evaluate(FONTS_READY_JS, WAIT_MS):
        problems.append(f"web fonts not loaded after {WAIT_MS} ms")

    facts = page.evaluate(INSPECT_JS, MERMAID_SELECTOR)
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOT_DIR / f"{name}.png", full_page=True)
    # Kept on the test item (visible in --junitxml) for the closing note.
    request.node.user_properties += [
        ("formulas", facts["formulas"]),
        ("figures", facts["figures"]),
        ("diagrams", len(facts["diagrams"])),
    ]

    problems += watch.all_problems()
    problems += [f"MathJax error: {e}" for e in facts["mathErrors"]]
    problems += [f"undefined macro {m}" for m in facts["undefinedMacros"]]
    problems += [f"raw TeX in the text: {t!r}" for t in facts["rawTex"]]
    problems += [f"heading numbered twice: {h!r}" for h in facts["doubleNumbered"]]
    if facts["macroLines"]:
        problems.append(f"{facts['macroLines']} hidden macro line(s) left in the page")
    if DERIVATION.match(name) and facts["formulas"] == 0:
        problems.append("a derivation chapter without rendered formulas")
    if MANY_FORMULAS.match(name) and facts["formulas"] < MIN_FORMULAS:
        problems.append(
            f"only {facts['formulas']} rendered formulas (at least {MIN_FORMULAS})"
        )
    problems += [
        f"image did not load: {i['src']}" for i in facts["images"] if not i["ok"]
    ]
    if STEP.match(name) and facts["figures"] == 0:
        problems.append("a step chapter without a figure")
    if DIAGRAM_REQUIRED.match(name) and not facts["diagrams"]:
        problems.append("no mermaid diagram (chapters 01-04 need one)")
    for diagram in facts["diagrams"]:
        if diagram["error"] or not diagram["drawn"]:
            state = "an error" if diagram["error"] else "no drawn SVG"
            problems.append(f"diagram {diagram['label']}: {state}")

    # At a phone's width (390 px) no page scrolls sideways, and what is too
    # wide (display math, code, tables) scrolls inside its own box.
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(200)  # a reflow, no new typesetting
    narrow = page.evaluate(NARROW_JS)
    if narrow["pageWidth"] > narrow["viewport"]:
        problems.append(
            f"at 390 px the page is {narrow['pageWidth']} px wide: it scrolls sideways"
        )
    problems += [f"at 390 px, cut off: {c}" for c in narrow["cut"]]
    page.screenshot(path=SCREENSHOT_DIR / f"{name}-390px.png", full_page=True)
    assert not problems, failure_message(f"{toc_page.html}:", problems)


EXERCISE_PAGES = [p for p in PAGES if re.match(r"0[1-8]_", p.name)]


@pytest.mark.parametrize("toc_page", EXERCISE_PAGES, ids=lambda p: p.name)
def test_solutions_are_collapsed_and_open_on_click(toc_page, watch):
    page = watch.new_page()
    page.goto(watch.base_url + toc_page.html, wait_until="load")
    solutions = page.locator("div.solution.dropdown")
    count = solutions.count()
    assert count >= 3, f"{toc_page.html}: {count} collapsible solutions"
    shown = [
        i
        for i in range(count)
        if solutions.nth(i).locator("section").first.is_visible()
    ]
    assert shown == [], f"solutions shown before a click: {shown}"
    for i in (0, count - 1):
        solution = solutions.nth(i)
        solution.locator("button.toggle-button").click()
        content = solution.locator("section").first
        content.wait_for(state="visible", timeout=WAIT_MS)
        assert content.inner_text().strip(), f"solution {i + 1} opened empty"
    assert not watch.all_problems(), watch.all_problems()


# Pages opened from disk (file://), as a reader who double-clicks
# _build/html/index.html sees them: three chapters with formulas and diagrams.
FILE_PAGES = ["01_single_neuron", "04_many_neurons", "09_autodiff"]


@pytest.mark.parametrize("name", FILE_PAGES)
def test_page_opened_from_disk(name, browser, book_html):
    toc_page = next(p for p in PAGES if p.name == name)
    base = book_html.resolve().as_uri() + "/"
    watch = Watch(browser, base)
    try:
        page = watch.new_page()
        problems = []
        page.goto(base + toc_page.html, wait_until="load")
        if wait_for(page, problems, "MathJax to start", MATHJAX_STARTED_JS):
            state = page.evaluate(MATHJAX_DONE_JS, WAIT_MS)
            if state != "done":
                problems.append(f"MathJax typesetting {state}")
        if page.locator(MERMAID_SELECTOR).count():
            wait_for(page, problems, "mermaid", MERMAID_SETTLED_JS, MERMAID_SELECTOR)
        facts = page.evaluate(INSPECT_JS, MERMAID_SELECTOR)
        problems += watch.all_problems()
        problems += [f"MathJax error: {e}" for e in facts["mathErrors"]]
        problems += [f"undefined macro {m}" for m in facts["undefinedMacros"]]
        problems += [f"raw TeX in the text: {t!r}" for t in facts["rawTex"]]
        if facts["formulas"] == 0:
            problems.append("no rendered formula")
        if not facts["diagrams"]:
            problems.append("no diagram")
        for diagram in facts["diagrams"]:
            if diagram["error"] or not diagram["drawn"]:
                problems.append(f"diagram {diagram['label']} not drawn")
        assert not problems, failure_message(f"file://{toc_page.html}:", problems)
    finally:
        watch.close()


def follow(page, selector, limit):
    """Click ``selector`` until it is gone; return the visited paths."""
    visited = [page.evaluate("() => location.pathname")]
    while page.locator(selector).count() and len(visited) <= limit:
        with page.expect_navigation(wait_until="domcontentloaded"):
            page.locator(selector).first.click()
        visited.append(page.evaluate("() => location.pathname"))
    return [path.lstrip("/") for path in visited]


def test_next_and_previous_links_walk_the_toc(browser, base_url):
    # The links are plain HTML: walking them needs no JavaScript, and without
    # it (no MathJax, no mermaid) the 2 x 13 page loads take seconds.
    watch = Watch(browser, base_url, java_script_enabled=False)
    try:
        expected = [page.html for page in PAGES]
        page = watch.new_page()
        page.goto(base_url + expected[0], wait_until="domcontentloaded")
        forward = follow(page, "a.right-next", limit=len(expected))
        assert forward == expected, "following 'next' from the root"
        backward = follow(page, "a.left-prev", limit=len(expected))
        assert backward == expected[::-1], "following 'previous' from the last page"
        assert not watch.external, watch.external
    finally:
        watch.close()


def test_search_finds_delta(watch):
    page = watch.new_page()
    page.goto(watch.base_url + "search.html?q=delta", wait_until="load")
    problems = []
    results = "#search-results ul.search li"
    expression = f"() => document.querySelectorAll({results!r}).length > 0"
    wait_for(page, problems, "search results for 'delta'", expression)
    hits = page.locator(f"{results} a").evaluate_all("links => links.map(a => a.href)")
    problems += watch.all_problems()
    assert not problems, failure_message("search.html?q=delta:", problems)
    pages = {watch.base_url + p.html for p in PAGES}
    assert pages.intersection(h.split("#")[0].split("?")[0] for h in hits), hits
