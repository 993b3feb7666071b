"""Helpers for tests/test_browser.py: the toc, a fresh build, a local server.

Kept free of pytest and Playwright so that each piece can be used (and
checked) on its own:

- :func:`toc_pages` reads ``_toc.yml`` into the pages in reading order.
- :func:`stale_reason` decides whether ``_build/html`` may be reused: only if
  it is complete and its ``.buildinfo`` (rewritten by Sphinx at the end of
  every successful build) is newer than every source of the book.
- :func:`build_book` builds the book into another folder.
- :func:`serve` serves a folder on 127.0.0.1 from a thread.
- :data:`INSPECT_JS` and friends run in the page.
"""

import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

import yaml

REPO_ROOT = Path(__file__).resolve().parents[1]
SCREENSHOT_DIR = REPO_ROOT / "_build" / "screenshots"

# Debian's chromium; Playwright's own browser download does not work here.
CHROMIUM_PACKAGE = "chromium"
CHROMIUM_PATHS = ("/usr/bin/chromium",)
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Folders under book/ that are output or caches, not sources. __pycache__
# matters: pytest writes book/__pycache__/conftest*.pyc after CI's build.
IGNORED_PARTS = {
    "_build",
    ".ipynb_checkpoints",
    "__pycache__",
    ".jupyter_cache",
    ".pytest_cache",
}


@dataclass(frozen=True)
class TocPage:
    """One page of the book: ``name`` is the file's stem (the test id)."""

    name: str
    source: str  # as written in _toc.yml, e.g. "book/01_single_neuron"
    html: str  # path in the built site, e.g. "book/01_single_neuron.html"


def toc_pages(root=REPO_ROOT):
    """Return the pages of ``_toc.yml`` in reading order (root first)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for key in ("parts", "chapters", "sections"):
                walk(node.get(key, []))
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk({k: v for k, v in toc.items() if k != "root"})
    pages = []
    for entry in files:
        stem = re.sub(r"\.(md|ipynb|rst)$", "", entry)
        pages.append(TocPage(Path(stem).name, entry, stem + ".html"))
    return pages


def source_files(root=REPO_ROOT):
    """Yield every file the built book depends on."""
    for path in sorted((root / "book").rglob("*")):
        parts = path.relative_to(root / "book").parts
        if path.is_file() and not IGNORED_PARTS.intersection(parts):
            if path.suffix != ".pyc":
                yield path
    yield from sorted((root / "backprop").glob("*.py"))
    yield root / "_config.yml"
    yield root / "_toc.yml"


def incomplete_reason(html_dir, root=REPO_ROOT):
    """Return what a built site lacks (a page, the search, .buildinfo), or None."""
    needed = [p.html for p in toc_pages(root)]
    needed += ["search.html", "searchindex.js", ".buildinfo"]
    missing = [name for name in needed if not (html_dir / name).is_file()]
    return f"{html_dir} lacks {', '.join(missing)}" if missing else None


def stale_reason(html_dir, root=REPO_ROOT):
    """Return why ``html_dir`` cannot be reused for ``root``, or None if it can."""
    incomplete = incomplete_reason(html_dir, root)
    if incomplete:
        return incomplete
    built = (html_dir / ".buildinfo").stat().st_mtime_ns
    for path in source_files(root):
        if path.stat().st_mtime_ns >= built:
            return f"{path.relative_to(root)} changed after the build in {html_dir}"
    return None


def jupyter_book_command():
    """Return the jupyter-book executable of this Python, else the one on PATH."""
    here = Path(sys.executable).with_name("jupyter-book")
    return str(here) if here.is_file() else shutil.which("jupyter-book")


def run_jupyter_book(args, out_dir, root=REPO_ROOT, timeout=1800):
    """Run ``jupyter-book *args --path-output out_dir`` in ``root``.

    Returns (CompletedProcess, None), or (None, why) without the command.
    """
    executable = jupyter_book_command()
    if executable is None:
        return None, "the jupyter-book command was not found"
    result = subprocess.run(
        [executable, *args, "--path-output", str(out_dir)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    return result, None


def build_book(out_dir, root=REPO_ROOT, timeout=1800):
    """Build the book into ``out_dir``; return (html folder, None) or (None, log)."""
    result, why = run_jupyter_book(["build", str(root)], out_dir, root, timeout)
    if result is None:
        return None, why
    html_dir = Path(out_dir) / "_build" / "html"
    # Complete is enough here: a source edited while this build ran is newer
    # than it, but this build is still the newest one there is.
    incomplete = incomplete_reason(html_dir, root)
    if result.returncode != 0 or incomplete:
        log = (result.stdout + result.stderr)[-4000:]
        return None, f"exit status {result.returncode}; {incomplete}\n{log}"
    return html_dir, None


def find_chromium():
    """Return the path of Debian's chromium, or None."""
    for path in CHROMIUM_PATHS:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("chromium")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with explicit types (module scripts need a JS type)."""

    extensions_map: ClassVar[dict[str, str]] = {
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".css": "text/css",
        ".html": "text/html",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".json": "application/json",
    }

    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve(directory):
    """Serve ``directory`` on 127.0.0.1 (free port); yield the base URL."""
    handler = functools.partial(QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


# --- In the page ---------------------------------------------------------

# True once MathJax 3 has loaded (before that, window.MathJax is only the
# configuration object that Sphinx writes into the page).
MATHJAX_STARTED_JS = (
    "() => !!(window.MathJax && MathJax.startup && MathJax.startup.promise)"
)

# "done" once MathJax has typeset the page (else why not, after ms).
MATHJAX_DONE_JS = """(ms) => Promise.race([
  MathJax.startup.promise.then(() => "done", (error) => `failed: ${error}`),
  new Promise((resolve) => setTimeout(() => resolve(`not done after ${ms} ms`), ms)),
])"""

# Web fonts (MathJax's among them) are in, for the screenshot.
FONTS_READY_JS = """(ms) => Promise.race([
  document.fonts.ready.then(() => true),
  new Promise((resolve) => setTimeout(() => resolve(false), ms)),
])"""

# Make lazy images load now; then all(complete) tells that each one settled.
EAGER_IMAGES_JS = """() => {
  for (const img of document.images) if (img.loading === "lazy") img.loading = "eager";
}"""
IMAGES_SETTLED_JS = "() => [...document.images].every((img) => img.complete)"

# The diagrams drawn by sphinxcontrib-mermaid (not the fullscreen copy).
MERMAID_SELECTOR = ".mermaid:not(.mermaid-fullscreen-modal .mermaid)"
MERMAID_SETTLED_JS = """(selector) => [...document.querySelectorAll(selector)].every(
  (el) => el.querySelector("svg") || el.hasAttribute("data-mermaid-render-failed"))"""

# Everything the page checks look at, in one round trip.
INSPECT_JS = r"""(mermaidSelector) => {
  const article = document.querySelector("article.bd-article") || document.body;
  const out = {};

  // Math: rendered formulas, MathJax errors, undefined macros (MathJax's
  // noundefined package draws an unknown \foo as red text "\foo").
  out.mathjax = !!(window.MathJax && MathJax.startup && MathJax.startup.document);
  out.formulas = article.querySelectorAll("mjx-container").length;
  const errorNodes = [...document.querySelectorAll("mjx-merror, [data-mjx-error]")];
  const broken = new Set(errorNodes.map((el) => el.closest("mjx-container") || el));
  out.mathErrors = [...broken].map((el) => {
    const attr = "[data-mjx-error]";
    const node = el.matches(attr) ? el : el.querySelector(attr);
    return node ? node.getAttribute("data-mjx-error") : el.textContent;
  });
  out.undefinedMacros = [];
  if (out.mathjax && MathJax.startup.toMML) {
    for (const item of MathJax.startup.document.math) {
      const mml = MathJax.startup.toMML(item.root);
      for (const m of mml.matchAll(/<mtext[^>]*>(\\[A-Za-z]+)<\/mtext>/g)) {
        out.undefinedMacros.push(m[1] + " in " + String(item.math).slice(0, 80));
      }
    }
  }

  // Raw TeX in the text outside math, code and diagrams.
  const skip = "pre, code, kbd, samp, script, style, noscript, textarea, template, "
    + "mjx-container, .highlight, .mermaid, title";
  const patterns = [
    /\$\$/, /\\\(/, /\\\)/, /\\\[/, /\\\]/, /\\pd\{/, /\\mat\{/, /\\par/,
    /\\begin\{/, /\\end\{/, /\\frac\{/,
    /\$[^$\n]{0,80}\\[A-Za-z]+[^$\n]{0,80}\$/,  // $...\cmd...$ left as text
    /\\[A-Za-z]{2,}/,  // any TeX command outside math, e.g. a stray \varepsilon
  ];
  out.rawTex = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.nodeValue;
    if (!text.includes("\\") && !text.includes("$")) continue;
    if (node.parentElement.closest(skip)) continue;
    for (const p of patterns) {
      const m = text.match(p);
      if (m) {
        const at = Math.max(0, m.index - 30);
        const around = text.slice(at, m.index + m[0].length + 30);
        out.rawTex.push(around.replace(/\s+/g, " "));
        break;
      }
    }
  }

  // Headings that Sphinx numbers and that carry a number of their own too
  // ("1. 1. One neuron").
  out.doubleNumbered = [];
  for (const h of article.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    const number = h.querySelector(".section-number");
    if (!number) continue;
    const parts = [...h.childNodes].filter((n) => !n.matches?.(".headerlink"));
    const text = parts.map((n) => n.textContent).join("");
    const label = number.textContent;
    const rest = text.slice(text.indexOf(label) + label.length);
    if (/^\s*\d+(\.\d+)*\.\s/.test(rest)) out.doubleNumbered.push(text.trim());
  }

  // The hidden macro lines of the notebooks' markdown (for JupyterLab) are
  // removed by the build.
  out.macroLines = (document.body.innerHTML.match(/\\newcommand/g) || []).length;

  // Images, and the figures among them (images in the article itself).
  out.images = [...document.images].map((img) => ({
    src: img.currentSrc || img.src,
    ok: img.complete && img.naturalWidth > 0,
  }));
  out.figures = article.querySelectorAll("img").length;

  // Diagrams: each one drawn as a non-empty SVG that is not mermaid's
  // "syntax error" picture.
  out.diagrams = [...document.querySelectorAll(mermaidSelector)].map((el, i) => {
    const svg = el.querySelector("svg");
    const box = svg ? svg.getBoundingClientRect() : null;
    const errors = svg ? [...svg.querySelectorAll(".error-text")] : [];
    const message = errors.map((t) => t.textContent).join(" ");
    return {
      label: `#${i + 1}` + (message ? ` (${message})` : ""),
      svg: !!svg,
      drawn: !!box && box.width > 0 && box.height > 0,
      error: el.hasAttribute("data-mermaid-render-failed")
        || !!(svg && svg.getAttribute("aria-roledescription") === "error")
        || el.textContent.includes("Syntax error"),
    };
  });
  return out;
}"""

# At a phone's width: does the page as a whole scroll sideways, and is any
# display equation, code block, table, figure, diagram or API signature cut
# off? An element wider than the column must scroll inside its own box (or
# inside an ancestor that scrolls), never be clipped by overflow: hidden.
NARROW_JS = r"""() => {
  const root = document.documentElement;
  const out = {pageWidth: root.scrollWidth, viewport: root.clientWidth, cut: []};
  const selector = "article mjx-container[display='true'], article pre, "
    + "article table, article img, article .mermaid svg, article dt.sig";
  const scrolls = (el) => ["auto", "scroll"].includes(getComputedStyle(el).overflowX);
  for (const el of document.querySelectorAll(selector)) {
    const width = Math.max(el.scrollWidth, el.getBoundingClientRect().width);
    const right = el.getBoundingClientRect().right;
    if (scrolls(el) && right <= root.clientWidth + 1) continue;
    let box = el.parentElement;
    const visible = (b) => getComputedStyle(b).overflowX === "visible";
    while (box && box !== document.body && visible(box)) box = box.parentElement;
    const room = box && box !== document.body ? box.clientWidth : root.clientWidth;
    if (width > room + 1 && !(box && box !== document.body && scrolls(box))) {
      const text = (el.textContent || el.getAttribute("src") || "").trim();
      out.cut.push(`${el.tagName.toLowerCase()} ${Math.round(width)} px wide in `
        + `${room} px: ${text.slice(0, 60)}`);
    }
  }
  return out;
}"""
