"""Helpers for tests/test_pdf.py: build the PDF edition and read it back.

Free of pytest so that each piece can be run on its own. The PDF is read
with poppler-utils only: ``pdfinfo`` (page count), ``pdftotext`` (text per
page), ``pdftohtml -xml`` (the outline, every text run with its font, and
every internal link with its target page) and ``pdfimages -list`` (raster
images per page). The built HTML is read with regular expressions: Sphinx
writes it, so its markup is regular.

Solutions: the PDF moves every solution of a chapter into the chapter
"Solutions" at the end (book/_ext/backprop_latex.py), one section per
chapter. What a chapter's HTML page holds is therefore found in the PDF in
two places: the chapter's pages and its section of the Solutions chapter
(:func:`solution_sections`).
"""

import itertools
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import nbformat
from browser_support import (
    REPO_ROOT,
    run_jupyter_book,
    source_files,
    toc_pages,
)

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
    result, why = run_jupyter_book(PDF_COMMAND, out_dir, root, timeout)
    if result is None:
        return None, why
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
    exercises: tuple = ()  # numbers of the exercises, "1.1", in order
    solutions: tuple = ()  # HtmlSolution of every solution, in order


@dataclass(frozen=True)
class HtmlSolution:
    """A solution (a dropdown in the HTML): the exercise it solves and a
    piece of its prose, the longest stretch of a paragraph without math."""

    number: str  # "1.1" for the solution to Exercise 1.1
    prose: str  # "" if the solution has no prose outside formulas


def _element_end(html, start, tag="div"):
    """Return the index just past the element (``tag``) that opens at ``start``."""
    pattern = re.compile(rf"<{tag}\b|</{tag}>")
    depth = 0
    for match in pattern.finditer(html, start):
        depth += 1 if match.group(0) != f"</{tag}>" else -1
        if depth == 0:
            return match.end()
    raise ValueError(f"unbalanced <{tag}> at {start}")


def _longest_prose(html):
    """The longest stretch of paragraph text without math or code, as text."""
    pieces = []
    for paragraph in re.findall(r"<p>(.*?)</p>", html, flags=re.S):
        paragraph = re.sub(
            r'<span class="math[^"]*">.*?</span>', "\x00", paragraph, flags=re.S
        )
        paragraph = re.sub(r"<code\b.*?</code>", "\x00", paragraph, flags=re.S)
        pieces += _strip_tags(paragraph).split("\x00")
    pieces = [" ".join(piece.split()) for piece in pieces]
    return max(pieces, key=len, default="")


def _exercises_and_solutions(article):
    exercises = tuple(
        re.findall(r'<span class="caption-number">Exercise ([\d.]+) </span>', article)
    )
    solutions = []
    for match in re.finditer(r'<div class="solution\b[^"]*"', article):
        div = article[match.start() : _element_end(article, match.start())]
        number = re.search(r"Solution to<a [^>]*>\s*Exercise ([\d.]+)", div)
        body = div[div.index("</p>") :]  # after the title
        number = number.group(1) if number else ""  # an unnumbered exercise
        solutions.append(HtmlSolution(number, _longest_prose(body)))
    return exercises, tuple(solutions)


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
    exercises, solutions = _exercises_and_solutions(article)
    return HtmlPage(
        name=page.name,
        number=number,
        title=title,
        sections=sections,
        figures=len(re.findall(r"<img\b", article)),
        diagrams=len(re.findall(r'<pre\b[^>]*class="mermaid\b', article)),
        links=len(links),
        exercises=exercises,
        solutions=solutions,
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
    top: int = 0  # in points from the page's top edge
    bold: bool = False
    height: int = 0

    @property
    def position(self):
        """(page, top, left): orders runs in reading order (one column)."""
        return (self.page, self.top, self.left)


@dataclass(frozen=True)
class Link:
    page: int
    target: int  # the page it leads to
    text: str  # the linked text (within one text run)
    top: int = 0

    @property
    def position(self):
        return (self.page, self.top, 0)


@dataclass
class PdfXml:
    outline: list  # OutlineItem in document order
    runs: list  # TextRun
    links: list  # Link of every internal link


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
                top = int(element.get("top"))
                bold = element.find(".//b") is not None
                height = int(element.get("height"))
                runs.append(TextRun(number, font, text, left, right, top, bold, height))
                for link in element.iter("a"):
                    target = re.search(r"#(\d+)$", link.get("href", ""))
                    if target and not link.get("href", "").startswith("http"):
                        link_text = "".join(link.itertext())
                        links.append(Link(number, int(target.group(1)), link_text, top))
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


def squash(text):
    """Only the letters and digits of ``text``, folded: compares a passage of
    the HTML with the PDF's text whatever the line breaks, hyphenation,
    quotes and spaces."""
    return re.sub(r"[^0-9a-z]", "", normalize(text))


def body_text(page_text, running_header):
    """A page's text without its running header and its footer line."""
    lines = [line for line in page_text.splitlines() if line.strip()]
    if lines and normalize(lines[0]) == normalize(running_header):
        lines = lines[1:]
    return "\n".join(lines[:-1])  # the footer: section title and page number


def printed_page_number(page_text):
    """The page number printed in the footer (the page's last line)."""
    lines = [line for line in page_text.splitlines() if line.strip()]
    return lines[-1].split()[-1] if lines else ""


@dataclass(frozen=True)
class Line:
    """The text runs of one printed line, joined."""

    page: int
    top: int
    text: str
    bold: bool  # every run bold

    @property
    def position(self):
        return (self.page, self.top, 0)


def _same_line(run, members):
    """True if ``run`` overlaps the first run of a line by half its height.

    Runs of one printed line do not share one top: inline code, sub- and
    superscripts sit a few points lower or higher than the text.
    """
    first = members[0]
    overlap = min(run.top + run.height, first.top + first.height) - max(
        run.top, first.top
    )
    return overlap >= 0.5 * max(1, min(run.height, first.height))


def text_lines(runs):
    """Join the runs of each printed line into a line, in reading order."""
    rows = []  # [(page, top of its first run), [runs]]
    for run in sorted(runs, key=lambda run: (run.page, run.top, run.left)):
        for key, members in reversed(rows[-3:]):
            if key[0] == run.page and _same_line(run, members):
                members.append(run)
                break
        else:
            rows.append(((run.page, run.top), [run]))
    lines = []
    for (page, top), members in rows:
        members.sort(key=lambda run: run.left)
        text = members[0].text
        for before, run in itertools.pairwise(members):
            text += (" " if run.left - before.right > 1 else "") + run.text
        bold = all(run.bold for run in members)
        lines.append(Line(page, top, text, bold))
    return lines


MATH_FONT = "Math"  # the formulas' font (TeX Gyre Termes Math) has it in its name


def prose_text(runs, pages, running_header):
    """The text of ``pages`` without formulas, running header and footer.

    Built from the text runs rather than ``pdftotext -layout``, which puts
    the sub- and superscripts of a line of inline math on lines of their
    own, in the middle of the sentence around them.
    """
    pages = set(pages)
    kept = [run for run in runs if run.page in pages and MATH_FONT not in run.font]
    by_page = {}
    for line in text_lines(kept):
        by_page.setdefault(line.page, []).append(line.text)
    text = []
    for page in sorted(by_page):
        lines = by_page[page]
        if normalize(lines[0]) == normalize(running_header):
            lines = lines[1:]
        text += lines[:-1]  # the footer: section title and page number
    return "\n".join(text)


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


OVERFULL_VBOX = re.compile(
    r"^Overfull \\vbox \(([\d.]+)pt too high\) (?:detected at line|has occurred "
    r"while \\output is active)",
    re.M,
)


def overfull_vboxes(log_text):
    """The heights (points) by which a page's or box's content was too high.

    An overfull page (``\\output is active``) or box in the text: what did
    not fit ran past the bottom margin, over the footer.
    """
    return [float(points) for points in OVERFULL_VBOX.findall(log_text)]


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
    # a label set twice: a link to it goes to whichever TeX saw first
    (re.compile(r"LaTeX Warning: Label .* multiply defined.*"), "duplicate label"),
]


LOG_LINE = 79  # TeX's max_print_line: longer lines go on in the next line


def unwrap_log(log_text):
    """The log with TeX's line wrapping undone (a message is one line again).

    TeX breaks every line of its log after 79 characters; a warning such as
    "Hyper reference `...' on page 5 undefined" is then split anywhere, even
    inside a word, and a pattern would miss it.
    """
    lines, current = [], ""
    for line in log_text.split("\n"):
        current += line
        if len(line) != LOG_LINE:
            lines.append(current)
            current = ""
    lines.append(current)
    return "\n".join(lines)


def log_problems(log_text):
    """Return (kind, message) for every error, missing glyph, undefined reference."""
    log_text = unwrap_log(log_text)
    return [
        (kind, match.group(0).strip())
        for pattern, kind in LOG_PROBLEMS
        for match in pattern.finditer(log_text)
    ]


def mermaid_graphics(tex_text):
    """Return [(docname, file name)] of every diagram, in reading order.

    A diagram belongs to the page whose label (``docname::doc``) comes last
    before it, or whose part of the Solutions chapter (``docname::solutions``)
    it is in.
    """
    found, docname = [], None
    marker = re.compile(
        r"\\label\{\\detokenize\{([^}]*)::(?:doc|solutions)\}\}"
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


SOLUTIONS_TITLE = "Solutions"  # the chapter backprop_latex.py adds at the end


def solution_sections(outline, lines, pages, last_page):
    """Map toc pages to the span of their part of the Solutions chapter.

    The Solutions chapter is the outline entry ``SOLUTIONS_TITLE`` after the
    last toc page; its entries are headed "Chapter N: title" (or the title,
    for an unnumbered chapter). Returns ({page name: (start, end)}, (start,
    end) of the whole chapter), where start and end are (page, top, left)
    positions: a part begins at its heading's line and ends where the next
    begins (parts share pages).
    """
    index = max(
        (i for i, item in enumerate(outline) if item.title == SOLUTIONS_TITLE),
        default=None,
    )
    if index is None:
        raise LookupError(f"no chapter {SOLUTIONS_TITLE!r} in the PDF's outline")
    chapter = outline[index]
    after = next(
        (item for item in outline[index + 1 :] if item.depth <= chapter.depth), None
    )
    end = (after.page, 0, 0) if after else (last_page + 1, 0, 0)
    starts, cursor = [], 0
    for item in outline[index + 1 :]:
        if item.depth <= chapter.depth:
            break
        if item.depth != chapter.depth + 1:
            continue
        name = re.sub(r"^Chapter [\d.]+: ", "", item.title)
        # In toc order: each part's page is looked for after the previous one.
        found = [
            i for i in range(cursor, len(pages)) if title_matches(name, pages[i][1])
        ]
        if not found:
            raise LookupError(f"{item.title!r} in {SOLUTIONS_TITLE}: no such page")
        cursor = found[0] + 1
        page = pages[found[0]][0]
        heading = next(
            (
                line
                for line in lines
                if line.page == item.page
                and line.bold
                and normalize(line.text) == normalize(item.title)
            ),
            None,
        )
        if heading is None:
            raise LookupError(f"heading {item.title!r} not on page {item.page}")
        starts.append((page.name, heading.position))
    spans = {}
    for (name, start), following in zip(
        starts, [*starts[1:], (None, end)], strict=True
    ):
        spans[name] = (start, following[1])
    return spans, ((chapter.page, 0, 0), end)


def toc_page_titles():
    """Return [(TocPage, title from its source)] in toc order."""
    return [(page, source_title(page.source)) for page in toc_pages()]
