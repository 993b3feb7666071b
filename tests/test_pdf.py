"""The PDF edition (``_build/latex/backprop-book.pdf``), read back with poppler.

What is expected comes from the book itself, never from a list kept here:
the pages and their order from ``_toc.yml``, chapter titles from each page's
source (its first ``#`` heading), chapter and section numbers, figures,
diagrams and cross-references from the built HTML, the macros from
``book/_macros.tex``.

Rules checked (the numbers are stated here once):

- Pages: between ``MIN_PAGES_PER_TOC_PAGE`` and ``MAX_PAGES_PER_TOC_PAGE``
  pages per page of ``_toc.yml`` (13 toc pages and 128 PDF pages on
  2026-11-30, about 10 per toc page), so that a new chapter does not need a
  new number but a lost chapter or a runaway output fails.
- Order and numbers: every toc page is in the PDF's outline (bookmarks) in
  toc order, its title is printed on the page the bookmark points to, and
  the printed table of contents lists every chapter and section with the
  HTML's number (none where the HTML has none); the landing page (root of
  the toc) is listed by its title only, its headings being front matter.
- No "??" in the text, no undefined reference in the LaTeX log.
- No raw TeX in the text: outside code (text in the code font) there is no
  ``$`` and no backslash command such as ``\\pd``.
- Figures: each chapter's pages hold at least as many raster images as its
  HTML page has ``<img>``; each mermaid diagram of the HTML page is a
  vector PDF (no raster image in it, its text is text) included in that
  chapter, and its words are found in the chapter's text.
- Links: each chapter has at least as many internal links as its HTML page
  has internal cross-references, and every internal link points into the
  document.
- Exercises and solutions: the PDF moves every solution (a dropdown under
  its exercise in the HTML) into a last, unnumbered chapter "Solutions"
  after the appendices, with one part per chapter. Each chapter shows the
  HTML's exercises, in order, and no solution (neither a "Solution to"
  title nor the prose of one); its part of the Solutions chapter has
  exactly one "Solution to Exercise N.M" per exercise, in order, with that
  prose. A solution's title links to its exercise's page and prints its
  page number; an exercise ends with a link "Solution on page Q" to its
  solution. What a chapter's HTML page holds (figures, diagrams, links) is
  looked for on the chapter's pages and in its part of the Solutions
  chapter together.
- LaTeX log: no error, no missing glyph; overfull boxes at most
  ``MAX_TEXT_OVERFULL_PT`` in text, and nothing more than
  ``MAX_PAGE_OVERFULL_PT`` too high for its page (an overfull vbox: content
  printed over the footer). Code is told apart by the .tex lines the
  log names: a box whose lines all lie inside a Verbatim environment is
  code, and is excepted: to wrap a long code line Sphinx first sets it in
  full, which logs an overfull box even though the printed line is wrapped.
- Code is not cut off: checked on the printed page instead, every line of
  code or output (text in the code font) ends within the text area, at
  most ``CODE_MARGIN_PT`` right of where the justified text ends.

The PDF in ``_build/latex`` is reused only when it is newer than every
source (as ``_build/html`` is for the browser tests); otherwise the book is
built into a temporary folder with the README's command (about three
minutes: every notebook is executed, then LaTeX runs three times).
``BACKPROP_BOOK_LATEX=/path/to/_build/latex`` names a built PDF to use as it
is; ``BACKPROP_BOOK_HTML`` does the same for the HTML.

Without latexmk, XeLaTeX, poppler-utils, Chromium or Playwright the tests
are skipped with the Debian package to install, except under ``CI=true``,
where that is a failure.
"""

import re
import subprocess
import sys

import pytest
import yaml
from browser_support import (
    CHROMIUM_PACKAGE,
    REPO_ROOT,
    find_chromium,
    toc_pages,
)
from pdf_support import (
    LOG_NAME,
    PDF_NAME,
    SOLUTIONS_TITLE,
    TEX_NAME,
    body_text,
    build_pdf,
    chapter_ranges,
    code_lines,
    log_problems,
    mermaid_graphics,
    missing_tools,
    normalize,
    overfull_hboxes,
    overfull_vboxes,
    page_count,
    page_texts,
    printed_page_number,
    prose_text,
    raster_images,
    read_xml,
    run,
    solution_sections,
    squash,
    stale_reason,
    text_lines,
    text_right_edge,
    title_fragments,
    title_matches,
    toc_page_titles,
)
from pdf_support import html_page as read_html_page
from tooling import reuse_or_build, unavailable

sys.path.insert(0, str(REPO_ROOT / "book" / "_ext"))

from backprop_book import macro_definitions
from backprop_latex import MERMAID_SCRIPT, column_widths

MIN_PAGES_PER_TOC_PAGE = 5
MAX_PAGES_PER_TOC_PAGE = 20
MAX_TEXT_OVERFULL_PT = 3.0
MAX_PAGE_OVERFULL_PT = 3.0
CODE_MARGIN_PT = 1  # pdftohtml rounds positions to whole points
CODE_FONT = "Mono"  # every code font (DejaVu Sans Mono) has it in its name

PAGES = toc_pages()
PAGE_IDS = [page.name for page in PAGES]


# --- Fixtures (session: one build, one read of the PDF) -------------------------


@pytest.fixture(scope="session")
def tools():
    missing = missing_tools()
    if find_chromium() is None:
        missing.append(f"chromium (Debian package {CHROMIUM_PACKAGE})")
    try:
        import playwright  # noqa: F401
    except ImportError:
        missing.append("the Python package playwright (requirements.txt)")
    if missing:
        unavailable("the PDF edition needs " + ", ".join(missing))


@pytest.fixture(scope="session")
def latex_dir(tools, tmp_path_factory):
    return reuse_or_build(
        "BACKPROP_BOOK_LATEX",
        REPO_ROOT / "_build" / "latex",
        stale_reason,
        build_pdf,
        tmp_path_factory,
        "pdf build (--builder pdflatex)",
    )


@pytest.fixture(scope="session")
def html_dir(tools, book_html):
    return book_html


@pytest.fixture(scope="session")
def pdf(latex_dir):
    return latex_dir / PDF_NAME


@pytest.fixture(scope="session")
def texts(pdf):
    return page_texts(pdf)


@pytest.fixture(scope="session")
def xml(pdf):
    return read_xml(pdf)


@pytest.fixture(scope="session")
def tex(latex_dir):
    return (latex_dir / TEX_NAME).read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def log(latex_dir):
    return (latex_dir / LOG_NAME).read_text(encoding="utf-8", errors="replace")


@pytest.fixture(scope="session")
def html(html_dir):
    return {page.name: read_html_page(html_dir, page) for page in PAGES}


@pytest.fixture(scope="session")
def ranges(xml, texts):
    return chapter_ranges(xml.outline, toc_page_titles(), len(texts))


@pytest.fixture(scope="session")
def lines(xml):
    return text_lines(xml.runs)


@pytest.fixture(scope="session")
def solutions(xml, lines, texts, html):
    """({page name: (start, end)}, (start, end)) of the Solutions chapter.

    A book without solutions has no such chapter: ({}, None).
    """
    if not any(page.solutions for page in html.values()):
        return {}, None
    return solution_sections(xml.outline, lines, toc_page_titles(), len(texts))


RUNNING_HEADER = yaml.safe_load((REPO_ROOT / "_config.yml").read_text())["title"]


def chapter_text(texts, ranges, name):
    _, first, last = ranges[name]
    return "\n".join(texts[first - 1 : last])


def solution_pages(solutions, name):
    """The pages of ``name``'s part of the Solutions chapter (empty if none).

    Parts share pages: the first page of the next part is included, where
    the next part may begin at the top of it.
    """
    span = solutions[0].get(name)
    if span is None:
        return range(0)
    (first, *_), (last, top, _) = span
    return range(first, last + 1 if top > 0 else last)


def in_span(position, span):
    if span is None:
        return False
    start, end = span
    return start <= position < end


def solution_text(texts, solutions, name):
    return "\n".join(
        body_text(texts[p - 1], RUNNING_HEADER) for p in solution_pages(solutions, name)
    )


# --- Pages, order, numbers ---------------------------------------------------------


def test_page_count_in_stated_range(pdf):
    pages = page_count(pdf)
    low = MIN_PAGES_PER_TOC_PAGE * len(PAGES)
    high = MAX_PAGES_PER_TOC_PAGE * len(PAGES)
    assert low <= pages <= high, (
        f"{pages} pages, expected {low}..{high} for {len(PAGES)} toc pages"
    )


def test_source_titles_are_the_html_titles(html):
    # The titles the PDF is checked against come from the sources; make sure
    # they are what readers see in the HTML too.
    for page, title in toc_page_titles():
        shown = title_fragments(html[page.name].title)
        assert shown == title_fragments(title), page.name


def test_every_page_in_outline_in_toc_order(ranges, texts):
    # chapter_ranges finds each title after the previous one (or raises).
    assert list(ranges) == PAGE_IDS
    for page, title in toc_page_titles():
        item, first, last = ranges[page.name]
        assert first <= last
        printed = normalize(texts[item.page - 1])
        for fragment in title_fragments(title):
            assert normalize(fragment) in printed, (
                f"{page.name}: {fragment!r} is not on page {item.page}, where "
                "its bookmark points"
            )


def test_bookmarks_spell_the_math_of_their_titles(xml, log):
    # hyperref drops math from a bookmark ("From δl+1 to δl", with a
    # "Token not allowed in a PDF string" warning) unless the title gives a
    # plain twin; backprop_latex writes one with Unicode superscripts.
    titles = {item.title for item in xml.outline}
    for title in (
        "From δˡ⁺¹ to δˡ",
        "Picture: the gate g¹\u2032(z¹)",  # a prime
        "Where the threshold 10⁻⁷ comes from",
        "Categorical cross-entropy: back to a \u2212 y",  # a minus sign
    ):
        assert title in titles
    assert "From δl+1 to δl" not in titles
    assert "Token not allowed in a PDF string" not in log


def toc_entries(texts, first_body_page):
    """Return (number or None, title) of the printed table of contents.

    The table runs from the page headed "Contents" to the first page with a
    bookmark; every entry ends with its page number.
    """
    front = [normalize(text) for text in texts[: first_body_page - 1]]
    start = next(i for i, text in enumerate(front) if text.startswith("contents"))
    lines = "\n".join(texts[start : first_body_page - 1]).splitlines()
    entries, pending = [], ""
    for raw in lines:
        if not raw.strip():
            pending = ""  # entries are one line, or wrapped without a gap
            continue
        line = normalize(pending + " " + raw)
        match = re.match(r"^(\d+(?:\.\d+)*\s+)?(.*?)[\s.]*\s(\d+|[ivxlc]+)$", line)
        if match and match.group(2):
            number = match.group(1).strip() if match.group(1) else None
            entries.append((number, match.group(2)))
            pending = ""
        elif line != "contents":
            pending = line  # a title wrapped onto the next line
    return entries


def test_table_of_contents_has_the_html_numbers(texts, xml, html):
    entries = toc_entries(texts, xml.outline[0].page)
    assert entries, "no table of contents before the first chapter"
    cursor = 0

    def find(number, title, where):
        nonlocal cursor
        for index in range(cursor, len(entries)):
            if title_matches(entries[index][1], title):
                cursor = index + 1
                assert entries[index][0] == number, (
                    f"{where}: numbered {entries[index][0]!r} in the PDF's table "
                    f"of contents, {number!r} in the HTML"
                )
                return
        pytest.fail(f"{where}: {title!r} not in the table of contents (in order)")

    root = PAGES[0].name
    for page, title in toc_page_titles():
        find(html[page.name].number, title, page.name)
        if page.name == root:
            # The landing page's own headings become headings of the front
            # matter (sphinx-jupyterbook-latex), not sections with entries.
            continue
        for number, section in html[page.name].sections:
            find(number, section, f"{page.name}, section {section!r}")


def test_numbered_chapters_exist(html):
    # The toc has a numbered part; an HTML without numbers would make the
    # numbering check above pass vacuously.
    assert any(page.number for page in html.values())


# --- Text -------------------------------------------------------------------------


def test_no_unresolved_references(texts, log):
    pages = [i + 1 for i, text in enumerate(texts) if "??" in text]
    assert pages == [], f'"??" on pages {pages}'
    undefined = [m for kind, m in log_problems(log) if kind == "undefined reference"]
    assert undefined == []


RAW_TEX = re.compile(r"\$|\\[A-Za-z]+|\\[()\[\]]")


def test_no_raw_tex_in_text(xml):
    raw = [
        (run.page, run.text.strip()[:80])
        for run in xml.runs
        if CODE_FONT not in run.font and RAW_TEX.search(run.text)
    ]
    assert raw == [], f"raw TeX outside code (page, text): {raw[:10]}"


def test_macros_come_from_the_single_source(tex):
    preamble = tex[: tex.index(r"\begin{document}")]
    definitions = macro_definitions().splitlines()
    assert definitions
    for definition in definitions:
        assert definition in preamble
    for name in re.findall(r"\\newcommand\s*\{(\\[A-Za-z]+)\}", "".join(definitions)):
        assert name in tex[len(preamble) :], f"{name} is never used"


# --- Figures, diagrams, links -------------------------------------------------------


@pytest.mark.parametrize("name", PAGE_IDS)
def test_every_figure_is_in_its_chapter(name, pdf, html, ranges, solutions):
    # Raster images carry no position here: a page that two parts of the
    # Solutions chapter share counts for both.
    _, first, last = ranges[name]
    pages = set(range(first, last + 1)) | set(solution_pages(solutions, name))
    images = [p for p in raster_images(pdf) if p in pages]
    assert len(images) >= html[name].figures, (
        f"{name}: {len(images)} images on pages {sorted(pages)} of the PDF, "
        f"{html[name].figures} in the HTML"
    )


def test_pdf_has_figures(pdf, html):
    # At least as many in total, and there are some (else the checks above
    # would all pass with zero on both sides).
    total = sum(page.figures for page in html.values())
    assert total > 0
    assert len(raster_images(pdf)) >= total


@pytest.mark.parametrize("name", PAGE_IDS)
def test_diagrams_are_vector_figures(
    name, latex_dir, tex, texts, html, ranges, solutions
):
    source = next(page.source for page in PAGES if page.name == name)
    docname = re.sub(r"\.(md|ipynb)$", "", source)
    files = [f for doc, f in mermaid_graphics(tex) if doc == docname]
    assert len(files) == html[name].diagrams, (
        f"{name}: {len(files)} diagrams in the .tex, {html[name].diagrams} in HTML"
    )
    text = chapter_text(texts, ranges, name) + solution_text(texts, solutions, name)
    words = set(normalize(text).split())
    for file in files:
        path = latex_dir / file
        images = run("pdfimages", "-list", str(path)).splitlines()[2:]
        assert images == [], f"{file} contains raster images"
        text = run("pdftotext", "-layout", "-enc", "UTF-8", str(path), "-")
        own = set(normalize(text).split())
        assert own, f"{file} has no text: not a vector rendering"
        assert own <= words, f"{name}: words of {file} missing: {own - words}"


def test_book_has_diagrams(html):
    assert sum(page.diagrams for page in html.values()) > 0


@pytest.mark.parametrize("name", PAGE_IDS)
def test_cross_references_are_links(name, xml, html, ranges, texts, solutions):
    _, first, last = ranges[name]
    span = solutions[0].get(name)
    links = [
        link.target
        for link in xml.links
        if first <= link.page <= last or (span and in_span(link.position, span))
    ]
    assert len(links) >= html[name].links, (
        f"{name}: {len(links)} internal links on pages {first}-{last} and in "
        f"its solutions, {html[name].links} cross-references in the HTML"
    )
    outside = [t for t in links if not 1 <= t <= len(texts)]
    assert outside == [], f"{name}: links to pages {outside}"


def test_book_has_cross_references(html):
    assert sum(page.links for page in html.values()) > 0


# --- Exercises and solutions --------------------------------------------------

EXERCISE_TITLE = re.compile(r"^Exercise (\d+(?:\.\d+)*)\b")
SOLUTION_TITLE = re.compile(r"^Solution to Exercise (\d+(?:\.\d+)*) \(page (\w+)\)")
SOLUTION_POINTER = re.compile(r"^Solution on page (\w+)$")


def exercise_titles(lines, first, last):
    """[(number, line)] of the exercise boxes' titles on pages first..last."""
    return [
        (match.group(1), line)
        for line in lines
        if first <= line.page <= last
        and line.bold
        and (match := EXERCISE_TITLE.match(line.text))
    ]


def solution_titles(lines, span):
    """[(number, printed page of the exercise, line)] within ``span``."""
    return [
        (match.group(1), match.group(2), line)
        for line in lines
        if in_span(line.position, span) and (match := SOLUTION_TITLE.match(line.text))
    ]


def test_book_has_exercises_and_solutions(html):
    # Else every check below would pass on nothing.
    assert sum(len(page.exercises) for page in html.values()) > 0
    assert sum(len(page.solutions) for page in html.values()) > 0
    assert any(s.prose for page in html.values() for s in page.solutions)


def test_solutions_chapter_comes_after_every_page(xml, ranges, solutions):
    # After the last page of the toc (the appendices), at its level, and
    # unnumbered (its outline entry is the bare title).
    last_item = ranges[PAGE_IDS[-1]][0]
    assert solutions[1] is not None, "the book has solutions but no Solutions chapter"
    (page, *_), _ = solutions[1]
    entry = next(item for item in xml.outline if item.title == SOLUTIONS_TITLE)
    assert entry.depth == last_item.depth
    assert page > last_item.page
    assert xml.outline.index(entry) > xml.outline.index(last_item)


@pytest.mark.parametrize("name", PAGE_IDS)
def test_exercises_stay_in_their_chapter(name, html, ranges, lines):
    _, first, last = ranges[name]
    found = [number for number, _ in exercise_titles(lines, first, last)]
    assert found == list(html[name].exercises)


@pytest.mark.parametrize("name", PAGE_IDS)
def test_each_exercise_has_one_solution_at_the_end(name, html, lines, solutions):
    exercises = list(html[name].exercises)
    expected = [solution.number for solution in html[name].solutions]
    # Every solution of the HTML page is in the Solutions chapter...
    span = solutions[0].get(name)
    found = [number for number, _, _ in solution_titles(lines, span)] if span else []
    assert found == expected, f"{name}: solutions {found} in the PDF, {expected}"
    # ... and every exercise has exactly one, in the exercises' order.
    assert found == exercises, f"{name}: exercises {exercises}, solutions {found}"


def test_no_solution_title_outside_the_solutions_chapter(lines, solutions):
    outside = [
        (line.page, line.text)
        for line in lines
        if line.text.startswith("Solution to")
        and not in_span(line.position, solutions[1])
    ]
    assert outside == []


@pytest.mark.parametrize("name", PAGE_IDS)
def test_no_solution_text_left_in_the_chapter(name, html, xml, ranges, solutions):
    _, first, last = ranges[name]
    chapter = squash(prose_text(xml.runs, range(first, last + 1), RUNNING_HEADER))
    moved = squash(
        prose_text(xml.runs, solution_pages(solutions, name), RUNNING_HEADER)
    )
    for solution in html[name].solutions:
        prose = squash(solution.prose)
        if len(prose) < 20:
            continue  # too short to tell apart (a solution of formulas)
        assert prose not in chapter, f"{name}: solution {solution.number} left"
        assert prose in moved, f"{name}: solution {solution.number} text not found"


def test_solutions_link_back_to_their_exercises(xml, lines, texts, solutions):
    exercises = {number: line for number, line in exercise_titles(lines, 1, len(texts))}
    titles = solution_titles(lines, solutions[1])
    assert len(titles) == sum(1 for _ in exercises)
    for number, printed, line in titles:
        exercise = exercises[number]
        links = [
            link
            for link in xml.links
            if (link.page, link.top) == (line.page, line.top)
            and link.text.startswith(f"Exercise {number}")
        ]
        assert [link.target for link in links] == [exercise.page], (
            f"Solution to Exercise {number} (page {line.page}): links {links}"
        )
        assert printed == printed_page_number(texts[exercise.page - 1])


def test_exercises_link_to_their_solutions(xml, lines, texts, solutions):
    solved = {number: line for number, _, line in solution_titles(lines, solutions[1])}
    exercises = exercise_titles(lines, 1, len(texts))
    pointers = [link for link in xml.links if SOLUTION_POINTER.match(link.text)]
    assert len(pointers) == len(exercises)
    after = [*exercises[1:], (None, None)]
    for (number, title), following in zip(exercises, after, strict=True):
        # The pointer ends the exercise's box: after its title, before the next.
        own = [
            link
            for link in pointers
            if title.position < link.position
            and (following[1] is None or link.position < following[1].position)
        ]
        assert len(own) == 1, f"Exercise {number}: {len(own)} links to a solution"
        solution = solved[number]
        assert own[0].target == solution.page, f"Exercise {number}"
        printed = SOLUTION_POINTER.match(own[0].text).group(1)
        assert printed == printed_page_number(texts[solution.page - 1])


# --- The LaTeX log ---------------------------------------------------------


def test_latex_log_has_no_errors(log):
    assert log_problems(log) == []


def test_no_overfull_text(log, tex):
    boxes = overfull_hboxes(log, tex)
    text = [b for b in boxes if not b.code and b.points > MAX_TEXT_OVERFULL_PT]
    assert text == [], f"overfull text: {text}"


def test_nothing_runs_past_the_bottom_of_a_page(log):
    # A box that cannot be split (e.g. a code cell framed inside a framed
    # box) ran past the bottom margin, over the footer; TeX logs it as an
    # overfull vbox.
    too_high = [p for p in overfull_vboxes(log) if p > MAX_PAGE_OVERFULL_PT]
    assert too_high == [], f"overfull vboxes (points): {too_high}"


def test_code_is_wrapped_not_cut_off(xml):
    edge = text_right_edge(xml.runs, CODE_FONT)
    code = [run for run in xml.runs if CODE_FONT in run.font]
    assert code, "no text in the code font: is CODE_FONT still the code font?"
    beyond = [
        (run.page, run.right - edge, run.text[:60])
        for run in code
        if run.right > edge + CODE_MARGIN_PT
    ]
    assert beyond == [], f"code past the right margin (page, points, text): {beyond}"


# --- The pieces, on their own ---------------------------------------------


def test_overfull_boxes_are_told_apart_by_tex_lines():
    tex = "a\n\\begin{sphinxVerbatim}\nx\n\\end{sphinxVerbatim}\nb\n"
    log = (
        "Overfull \\hbox (9.0pt too wide) in paragraph at lines 3--3\n"
        "[]\\TU/Mono x\n"
        "Overfull \\hbox (4.5pt too wide) in paragraph at lines 4--5\n"
        "[]\\TU/Serif b\n"
        "Overfull \\hbox (1.0pt too wide) detected at line 1\n"
    )
    assert code_lines(tex) == {2, 3, 4}
    boxes = overfull_hboxes(log, tex)
    found = [(b.points, b.code) for b in boxes]
    assert found == [(9.0, True), (4.5, False), (1.0, False)]


def test_wrapped_log_lines_are_read_whole():
    # TeX breaks log lines after 79 characters, here inside "undefined".
    message = (
        "LaTeX Warning: Hyper reference `book/04_many_neurons:equation-bp1' "
        "on page 37 undefined on input line 2819."
    )
    log = message[:79] + "\n" + message[79:] + "\n"
    assert len(log.splitlines()[0]) == 79
    assert log_problems(log) == [("undefined reference", message)]


def test_long_table_columns_give_room_to_sentences():
    # (natural length, longest unbreakable piece) per cell: a column of
    # short names and a column of sentences.
    rows = [[(8, 8), (200, 12)], [(6, 6), (150, 10)], [(8, 8), (40, 9)]]
    widths = column_widths(rows, line=90)
    assert sum(widths) == pytest.approx(90)
    assert widths[0] >= 8  # the names stay on one line each
    assert widths[1] > 3 * widths[0]
    # A table that fits on one line keeps its proportions.
    assert column_widths([[(10, 5), (20, 5)]], line=90) == pytest.approx([30, 60])


DIAGRAM = """graph LR
  x1((a⁰₁)) --> h((aᴸ⁻¹))
  x2((Δ²)) -- "w¹₃₂ ∂C/∂W" --> h
"""


def run_mermaid_script(source, out):
    """Run book/_ext/mermaid_pdf.py on one diagram file, as the build does."""
    return subprocess.run(
        [sys.executable, str(MERMAID_SCRIPT), "-i", str(source), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_mermaid_script_prints_a_cropped_vector_pdf(tools, tmp_path):
    source = tmp_path / "d.mmd"
    source.write_text(DIAGRAM, encoding="utf-8")
    out = tmp_path / "d.pdf"
    result = run_mermaid_script(source, out)
    assert result.returncode == 0, result.stderr
    info = run("pdfinfo", str(out))
    assert re.search(r"^Pages:\s+1$", info, flags=re.M)
    width, height = map(
        float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups()
    )
    assert 50 < width < 595 and 20 < height < 400, f"not cropped: {width} x {height}"
    assert run("pdfimages", "-list", str(out)).splitlines()[2:] == []
    text = run("pdftotext", "-enc", "UTF-8", str(out), "-")
    for label in ("a⁰₁", "aᴸ⁻¹", "Δ²", "w¹₃₂ ∂C/∂W"):
        assert label in text


def test_mermaid_script_reports_a_broken_diagram(tools, tmp_path):
    source = tmp_path / "bad.mmd"
    source.write_text("graph LR\n  a --> ((\n", encoding="utf-8")
    out = tmp_path / "bad.pdf"
    result = run_mermaid_script(source, out)
    assert result.returncode == 1
    assert "mermaid cannot render" in result.stderr and "bad.mmd" in result.stderr
    assert not out.exists()
