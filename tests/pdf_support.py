"""Helpers for tests/test_pdf.py: build the PDF edition and read it back.

Free of pytest so that each piece can be run on its own. The PDF is read
with poppler-utils only: ``pdfinfo`` (page count), ``pdftotext`` (text per
page), ``pdftohtml -xml`` (the outline, every text run with its font, and
every internal link with its target page) and ``pdfimages -list`` (raster
images per page). The built HTML is read with regular expressions: Sphinx
writes it, so its markup is regular.
"""

import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import nbformat
from browser_support import REPO_ROOT, jupyter_book_command, source_files, toc_pages

PDF_NAME = "backprop-book.pdf"  # targetname in _config.yml, with .pdf
TEX_NAME = "backprop-book.tex"
LOG_NAME = "backprop-book.log"

# The one command of the README (from the repository root); the tests add
# --path-output when they build into a temporary folder.
PDF_COMMAND = ["build", ".", "-W", "-n", "--keep-going", "--builder", "pdflatex"]

# Program -> Debian package that provides it.
TOOLS = {
    "latexmk": "latexmk",
    "xelatex": "texlive-xetex",
    "pdfinfo": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdftohtml": "poppler-utils",
    "pdfimages": "poppler-utils",
}


def missing_tools():
    """Return "program (Debian package)" for every program not on PATH."""
    return [
        f"{tool} (Debian package {package})"
        for tool, package in TOOLS.items()
        if shutil.which(tool) is None
    ]


def run(*args, timeout=300):
    """Run a command and return its stdout (text); raise with stderr on failure."""
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))}: {result.stderr[-2000:]}")
    return result.stdout


# --- Building -----------------------------------------------------------------


def stale_reason(latex_dir, root=REPO_ROOT):
    """Return why the PDF in ``latex_dir`` cannot be reused, or None if it can."""
    pdf = latex_dir / PDF_NAME
    for name in (PDF_NAME, TEX_NAME, LOG_NAME):
        if not (latex_dir / name).is_file():
            return f"{latex_dir / name} does not exist"
    built = pdf.stat().st_mtime_ns
    for path in source_files(root):
        if path.stat().st_mtime_ns >= built:
            return f"{path.relative_to(root)} changed after {pdf} was built"
    return None


def build_pdf(out_dir, root=REPO_ROOT, timeout=2400):
    """Build the PDF into ``out_dir``; return (latex folder, None) or (None, log)."""
    executable = jupyter_book_command()
    if executable is None:
        return None, "the jupyter-book command was not found"
    result = subprocess.run(
        [executable, *PDF_COMMAND, "--path-output", str(out_dir)],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    latex_dir = Path(out_dir) / "_build" / "latex"
    if result.returncode != 0 or not (latex_dir / PDF_NAME).is_file():
        log = (result.stdout + result.stderr)[-6000:]
        return None, f"exit status {result.returncode}\n{log}"
    return latex_dir, None


# --- Expected content: _toc.yml, the sources, the built HTML ------------------


def normalize(text):
    """Fold text for comparison: NFKC (math italic 𝛿 -> δ, ligatures), quotes,
    single spaces, lower case."""
    text = unicodedata.normalize("NFKC", text)
    quotes = {0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'}
    text = text.translate(quotes)
    return re.sub(r"\s+", " ", text).strip().lower()


def title_fragments(markdown_title):
    """Return the plain-text pieces of a markdown heading, its math left out.

    "The shared factor $\\delta$" -> ["The shared factor"]; inline code and
    emphasis markers are dropped ("The `backprop` package").
    """
    text = re.sub(r"[`*]", "", markdown_title)
    return [piece.strip() for piece in re.split(r"\$[^$]*\$", text) if piece.strip()]


def source_title(source):
    """Return the first level-1 heading of a page source (.md or .ipynb)."""
    path = REPO_ROOT / source
    candidates = [path] + [path.with_name(path.name + s) for s in (".md", ".ipynb")]
    path = next(p for p in candidates if p.is_file())
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    else:
        text = path.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # no "# comment" in code
    match = re.search(r"^# +(.+?)\s*$", text, flags=re.M)
    if match is None:
        raise ValueError(f"{source}: no level-1 heading")
    return match.group(1)


def title_matches(text, markdown_title):
    """True if ``text`` is the heading ``markdown_title`` (its math aside)."""
    fragments = [normalize(f) for f in title_fragments(markdown_title)]
    text = normalize(text)
    if "$" not in markdown_title:
        return text == " ".join(fragments)
    return re.search(".*?".join(map(re.escape, fragments)), text) is not None


@dataclass(frozen=True)
class HtmlPage:
    """What one built HTML page shows: its number and counts in the article."""

    name: str
    number: str | None  # "4" for chapter 4, None if unnumbered
    title: str  # h1 text without the number, math as "$math$"
    sections: tuple  # (number or None, title) of every h2, the same way
    figures: int  # <img> in the article
    diagrams: int  # mermaid diagrams in the article
    links: int  # internal cross-references in the article


def _strip_tags(html):
    text = re.sub(r"<[^>]+>", "", html)
    return (
        text.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&#39;", "'")
        .replace("&quot;", '"')
    )


def _heading(html):
    """Return (number or None, title) of an h1/h2's inner HTML."""
    html = re.sub(r'<a class="headerlink".*?</a>', "", html)
    number = re.search(r'<span class="section-number">([\d.]+?)\.?\s*</span>', html)
    html = re.sub(r'<span class="section-number">.*?</span>', "", html)
    # Math becomes "$math$", as in the markdown (see title_fragments).
    html = re.sub(r'<span class="math[^"]*">.*?</span>', "$math$", html)
    return (number.group(1) if number else None), _strip_tags(html).strip()


def html_page(html_dir, page):
    """Read one toc page of the built HTML."""
    html = (html_dir / page.html).read_text(encoding="utf-8")
    start = html.index('<article class="bd-article"')
    article = html[start : html.index("</article>", start)]
    h1 = re.search(r"<h1>(.*?)</h1>", article, flags=re.S)
    number, title = _heading(h1.group(1))
    sections = tuple(_heading(h) for h in re.findall(r"<h2>(.*?)</h2>", article, re.S))
    links = re.findall(r'<a class="reference internal" href="[^"]*"', article)
    return HtmlPage(
        name=page.name,
        number=number,
        title=title,
        sections=sections,
        figures=len(re.findall(r"<img\b", article)),
        diagrams=len(re.findall(r'<pre\b[^>]*class="mermaid\b', article)),
        links=len(links),
    )


# --- Reading the PDF ------------------------------------------------------------


def page_count(pdf):
    info = run("pdfinfo", str(pdf))
    return int(re.search(r"^Pages:\s+(\d+)", info, flags=re.M).group(1))


def page_texts(pdf):
    """Return the text of every page (index 0 is page 1)."""
    text = run("pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-")
    pages = text.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


@dataclass(frozen=True)
class OutlineItem:
    depth: int
    title: str
    page: int


@dataclass(frozen=True)
class TextRun:
    page: int
    font: str  # font family as embedded, e.g. "XAXNIK+DejaVuSansMono"
    text: str
    left: int  # in points from the page's left edge
    right: int


@dataclass
class PdfXml:
    outline: list  # OutlineItem in document order
    runs: list  # TextRun
    links: list  # (page, target page) of every internal link


def read_xml(pdf):
    """Parse ``pdftohtml -xml``: outline, text runs with fonts, internal links."""
    xml = run(
        "pdftohtml",
        "-xml",
        "-i",
        "-stdout",
        "-q",
        "-zoom",
        "1",
        "-enc",
        "UTF-8",
        str(pdf),
    )
    root = ET.fromstring(xml.encode("utf-8"))
    fonts, runs, links = {}, [], []
    for page in root.iter("page"):
        number = int(page.get("number"))
        for element in page:
            if element.tag == "fontspec":
                fonts[element.get("id")] = element.get("family", "")
            elif element.tag == "text":
                text = "".join(element.itertext())
                font = fonts.get(element.get("font"), "")
                left = int(element.get("left"))
                right = left + int(element.get("width"))
                runs.append(TextRun(number, font, text, left, right))
                for link in element.iter("a"):
                    target = re.search(r"#(\d+)$", link.get("href", ""))
                    if target and not link.get("href", "").startswith("http"):
                        links.append((number, int(target.group(1))))
    outline = []

    def walk(node, depth):
        for child in node:
            if child.tag == "item":
                title = "".join(child.itertext())
                outline.append(OutlineItem(depth, title, int(child.get("page"))))
            elif child.tag == "outline":
                walk(child, depth + 1)

    top = root.find("outline")
    if top is not None:
        walk(top, 0)
    return PdfXml(outline, runs, links)


def text_right_edge(runs, code_font):
    """Return the right end of the text area: the most common right end of
    a page's text (justified lines and the running header end there)."""
    ends = {}
    for run in runs:
        if code_font not in run.font:
            ends[run.page] = max(ends.get(run.page, 0), run.right)
    values = sorted(ends.values())
    return max(set(values), key=values.count)


def raster_images(pdf):
    """Return the page of every raster image drawn (soft masks not counted)."""
    pages = []
    for line in run("pdfimages", "-list", str(pdf)).splitlines()[2:]:
        fields = line.split()
        if len(fields) > 2 and fields[2] == "image":
            pages.append(int(fields[0]))
    return pages


# --- The .tex and its log ------------------------------------------------------

VERBATIM_BEGIN = re.compile(r"\\begin\{(sphinxVerbatim|Verbatim|sphinxalltt)\}")
VERBATIM_END = re.compile(r"\\end\{(sphinxVerbatim|Verbatim|sphinxalltt)\}")


def code_lines(tex_text):
    """Return the set of .tex line numbers (1-based) inside a code environment."""
    inside, depth = set(), 0
    for number, line in enumerate(tex_text.splitlines(), start=1):
        if VERBATIM_BEGIN.search(line):
            depth += 1
        if depth:
            inside.add(number)
        if VERBATIM_END.search(line):
            depth = max(0, depth - 1)
    return inside


@dataclass(frozen=True)
class Overfull:
    points: float
    first: int  # .tex lines the box comes from
    last: int
    context: str  # the log's next line: the box's content
    code: bool


OVERFULL = re.compile(
    r"^Overfull \\hbox \(([\d.]+)pt too wide\) "
    r"(?:in paragraph at lines (\d+)--(\d+)|detected at line (\d+)"
    r"|in alignment at lines (\d+)--(\d+))"
)


def overfull_hboxes(log_text, tex_text):
    """Every overfull hbox in the log; ``code`` if all its lines are code."""
    code = code_lines(tex_text)
    lines = log_text.splitlines()
    found = []
    for index, line in enumerate(lines):
        match = OVERFULL.match(line)
        if not match:
            continue
        numbers = [int(g) for g in match.groups()[1:] if g is not None]
        first, last = numbers[0], numbers[-1]
        context = lines[index + 1].strip() if index + 1 < len(lines) else ""
        is_code = all(n in code for n in range(first, last + 1))
        found.append(Overfull(float(match.group(1)), first, last, context, is_code))
    return found


LOG_PROBLEMS = [
    (re.compile(r"^! .*", re.M), "error"),
    (re.compile(r"LaTeX Error: .*"), "error"),
    (re.compile(r"Missing character: There is no .*"), "missing glyph"),
    (
        re.compile(
            r"LaTeX Warning: (Reference|Citation|Hyper reference) .*undefined.*"
        ),
        "undefined reference",
    ),
    (
        re.compile(r"LaTeX Warning: There were undefined references.*"),
        "undefined reference",
    ),
    (re.compile(r"LaTeX Warning: Label\(s\) may have changed.*"), "unstable labels"),
]


def log_problems(log_text):
    """Return (kind, message) for every error, missing glyph, undefined reference."""
    return [
        (kind, match.group(0).strip())
        for pattern, kind in LOG_PROBLEMS
        for match in pattern.finditer(log_text)
    ]


def mermaid_graphics(tex_text):
    """Return [(docname, file name)] of every diagram, in reading order."""
    found, docname = [], None
    marker = re.compile(
        r"\\label\{\\detokenize\{([^}]*)::doc\}\}"
        r"|\\sphinxincludegraphics(?:\[[^\]]*\])?\{\{?(mermaid-[0-9a-f]+)\}?(\.pdf)\}"
    )
    for match in marker.finditer(tex_text):
        if match.group(1):
            docname = match.group(1)
        else:
            found.append((docname, match.group(2) + match.group(3)))
    return found


def chapter_ranges(outline, pages, last_page):
    """Map each toc page to (outline item, first page, last page) of its chapter.

    A chapter runs from its outline entry to the page before the next entry
    at its own depth or above. ``pages`` are (TocPage, expected title) in toc
    order; each title is looked for after the previous one's entry.
    """
    result, start = {}, 0
    for page, title in pages:
        for index in range(start, len(outline)):
            if title_matches(outline[index].title, title):
                break
        else:
            raise LookupError(f"{page.name}: {title!r} is not in the PDF's outline")
        item = outline[index]
        end = last_page
        for later in outline[index + 1 :]:
            if later.depth <= item.depth:
                end = max(item.page, later.page - 1)
                break
        result[page.name] = (item, item.page, end)
        start = index + 1
    return result


def toc_page_titles():
    """Return [(TocPage, title from its source)] in toc order."""
    return [(page, source_title(page.source)) for page in toc_pages()]
