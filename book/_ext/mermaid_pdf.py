"""Render one mermaid diagram to a tightly cropped vector PDF (or SVG).

The PDF edition's ``mermaid_cmd`` (set by ``backprop_latex.py``): the LaTeX
output of sphinxcontrib-mermaid runs ``mermaid_cmd -i in.mmd -o out.pdf``
for every diagram, the interface of mermaid's own CLI (mmdc). This script
renders the diagram with the book's vendored ``mermaid.min.js`` (the same
file the HTML pages load, see book/_static/vendor/mermaid/VERSION) inside
Debian's chromium, driven by Playwright, and prints the SVG to a PDF page of
exactly its size: text stays text, lines stay lines. Nothing is fetched:
every request the page makes is aborted.

    python book/_ext/mermaid_pdf.py -i diagram.mmd -o diagram.pdf
        [--mermaid-config '{"theme": "default"}'] [--chromium /usr/bin/chromium]

The output format follows the suffix of ``-o``: ``.pdf`` or ``.svg``.
Exit status 1 with a message on stderr when the diagram does not parse or
chromium cannot be started; no output file is written then.
"""

import argparse
import json
import math
import os
import shutil
import sys
from pathlib import Path

MERMAID_JS = (
    Path(__file__).resolve().parents[1] / "_static/vendor/mermaid/mermaid.min.js"
)
CHROMIUM_PATHS = ("/usr/bin/chromium",)
# Debian's chromium, offline and quiet (the same flags as the browser tests).
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Wide enough that no diagram is squeezed by the viewport: the SVG that
# mermaid returns has width 100% and a max-width of its natural width.
VIEWPORT = {"width": 4000, "height": 3000}

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><style>
  @page { margin: 0; }
  html, body { margin: 0; padding: 0; background: white; }
  /* A block as wide as the viewport: the SVG's width="100%" then resolves
     to its max-width, the diagram's natural width (in a shrink-to-fit box
     it would fall back to 300px). */
  #diagram { display: block; width: 100%; }
</style></head><body><div id="diagram"></div></body></html>"""

# Renders, inserts and measures; errors come back as {error: message}.
RENDER_JS = """async ([code, config]) => {
  try {
    mermaid.initialize({...config, startOnLoad: false});
    const {svg} = await mermaid.render("mermaid-pdf", code);
    const holder = document.getElementById("diagram");
    holder.innerHTML = svg;
    const el = holder.querySelector("svg");
    if (el.getAttribute("aria-roledescription") === "error") {
      return {error: "mermaid drew its syntax-error picture"};
    }
    await document.fonts.ready;
    const box = el.getBoundingClientRect();
    return {svg: el.outerHTML, width: box.width, height: box.height};
  } catch (error) {
    return {error: String(error && error.message || error)};
  }
}"""


def find_chromium(explicit=None):
    """Return the chromium executable to use, or None."""
    if explicit:
        return explicit if os.access(explicit, os.X_OK) else None
    for path in CHROMIUM_PATHS:
        if os.access(path, os.X_OK):
            return path
    return shutil.which("chromium")


def render(code, config, chromium):
    """Return (svg, width_px, height_px, pdf_bytes) for one diagram."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.route("**/*", lambda route: route.abort())
            page.set_content(PAGE)
            page.add_script_tag(content=MERMAID_JS.read_text(encoding="utf-8"))
            result = page.evaluate(RENDER_JS, [code, config])
            if "error" in result:
                message = result["error"]
                raise ValueError(f"mermaid cannot render the diagram: {message}")
            # Whole CSS pixels, rounded up, so the last line of the picture
            # is never pushed onto a second page.
            width = math.ceil(result["width"]) + 1
            height = math.ceil(result["height"]) + 1
            pdf = page.pdf(
                width=f"{width}px",
                height=f"{height}px",
                print_background=True,
                page_ranges="1",
                margin={"top": "0", "right": "0", "bottom": "0", "left": "0"},
            )
        finally:
            browser.close()
    return result["svg"], width, height, pdf


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-i", "--input", required=True, type=Path)
    parser.add_argument("-o", "--output", required=True, type=Path)
    parser.add_argument(
        "--mermaid-config",
        default="{}",
        help="JSON object passed to mermaid.initialize (e.g. the theme)",
    )
    parser.add_argument("--chromium", help="chromium executable (default: Debian's)")
    args = parser.parse_args(argv)

    suffix = args.output.suffix.lower()
    if suffix not in (".pdf", ".svg"):
        parser.error(f"output must end in .pdf or .svg, not {args.output.name!r}")
    chromium = find_chromium(args.chromium)
    if chromium is None:
        print(
            "mermaid_pdf: chromium not found; install Debian's package chromium",
            file=sys.stderr,
        )
        return 1
    try:
        config = json.loads(args.mermaid_config)
        code = args.input.read_text(encoding="utf-8")
        svg, _, _, pdf = render(code, config, chromium)
    except Exception as error:  # reported to sphinxcontrib-mermaid as stderr
        print(f"mermaid_pdf: {args.input}: {error}", file=sys.stderr)
        return 1
    args.output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".pdf":
        args.output.write_bytes(pdf)
    else:
        args.output.write_text(svg, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
