"""Checks of the book's sources that nbval and the Sphinx build do not make.

nbval (run by plain ``python -m pytest``) re-executes each notebook and
compares outputs, but it silently passes a code cell that was never executed
and knows nothing about the table of contents or the macros; these tests
cover that. Refresh the notebooks with ``python .ci/execute_notebooks.py``.
"""

import ast
import re
import sys
from pathlib import Path

import nbformat
import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT / "book" / "_ext"))

from backprop_book import (  # noqa: E402
    BOOK_DIR,
    EXECUTE_COMMAND,
    MACROS_FILE,
    macro_line,
    macros,
    notebook_paths,
    parse_newcommands,
    stale_reason,
    strip_macro_line,
    uses_macros,
    with_macro_line,
)
from browser_support import toc_pages  # noqa: E402  (no browser needed)

NOTEBOOKS = notebook_paths()
NB_IDS = [p.relative_to(BOOK_DIR).as_posix() for p in NOTEBOOKS]

# Each step chapter shows the package module that implements it.
STEP_MODULES = {
    "01_single_neuron": {"single_neuron"},
    "02_two_layers": {"two_layer"},
    "03_l_layers": {"l_layer"},
    "04_many_neurons": {"matrix"},
    "05_backprop_and_gd": {"matrix", "train"},
    "06_minibatches": {"minibatch"},
    "09_autodiff": {"autodiff"},
}

# The numbered chapters: each runs an asserting finite-difference check and
# shows a figure; chapters 1-8 end with 3 to 6 exercises, 30 or more in all.
CHAPTERS = sorted(p for p in NOTEBOOKS if re.match(r"\d\d_", p.name))
NUMBERED = [p for p in CHAPTERS if not p.name.startswith("00_")]
EXERCISE_CHAPTERS = [p for p in NUMBERED if 1 <= int(p.name[:2]) <= 8]
FD_CALLS = {"check_gradients", "numerical_gradient", "derivative"}
ASSERTING = re.compile(r"^\s*assert\b|\bassert_\w+\(|pytest\.raises", re.M)


def read(path):
    return nbformat.read(path, as_version=4)


def code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def output_texts(nb):
    """Yield (cell index, text) for every text/plain or stream output."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.output_type == "stream":
                yield index, output.text
            elif "data" in output:
                yield index, output.data.get("text/plain", "")


def toc_files():
    """Return the files named in _toc.yml (root first), relative to the root."""
    return [page.source for page in toc_pages()]


def resolve_toc_entry(entry):
    """Return the existing source file of a toc entry, or None."""
    matches = [
        REPO_ROOT / f"{entry}{suffix}"
        for suffix in ("", ".md", ".ipynb")
        if (REPO_ROOT / f"{entry}{suffix}").is_file()
    ]
    return matches[0] if len(matches) == 1 else None


def book_chapter_files():
    """Return every page source in book/ (names starting with _ are not pages)."""
    markdown = [
        p
        for p in BOOK_DIR.rglob("*.md")
        if not any(part[0] in "._" for part in p.relative_to(BOOK_DIR).parts)
    ]
    return sorted([*NOTEBOOKS, *markdown])


def imported_backprop_modules(source):
    """Return the names X imported as backprop.X (or from backprop) in code."""
    # IPython magics and shell escapes are not Python; drop them before parsing.
    lines = [
        "" if line.lstrip().startswith(("%", "!")) else line
        for line in source.splitlines()
    ]
    names = set()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "backprop" and len(parts) > 1:
                    names.add(parts[1])
        elif isinstance(node, ast.ImportFrom) and node.module:
            parts = node.module.split(".")
            if parts[0] == "backprop":
                if len(parts) > 1:
                    names.add(parts[1])
                else:
                    names.update(alias.name for alias in node.names)
    return names


def test_book_has_notebooks():
    assert NOTEBOOKS, f"no notebooks found in {BOOK_DIR}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_every_code_cell_was_executed_in_order(path):
    counts = [cell.execution_count for cell in code_cells(read(path))]
    assert None not in counts, (
        f"{path.name}: code cells without output were never executed "
        f"(execution counts {counts}); run python .ci/execute_notebooks.py"
    )
    assert counts == list(range(1, len(counts) + 1)), (
        f"{path.name}: execution counts {counts} are not 1, 2, ...: the stored "
        "outputs do not come from one top-to-bottom run; run "
        "python .ci/execute_notebooks.py"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_no_error_outputs(path):
    errors = [
        (index, output.get("ename"))
        for index, cell in enumerate(read(path).cells)
        for output in cell.get("outputs", [])
        if output.output_type == "error"
    ]
    assert errors == [], f"{path.name}: error outputs in cells {errors}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_no_object_reprs_in_outputs(path):
    # e.g. "[<matplotlib.lines.Line2D at 0x7f...>]" from a plot call left as
    # the cell's last expression: end such cells with plt.show().
    leaks = [
        (index, text.strip()[:80])
        for index, text in output_texts(read(path))
        if " at 0x" in text or "[<matplotlib." in text
    ]
    assert leaks == [], f"{path.name}: object reprs in outputs {leaks}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_stored_outputs_match_the_current_inputs(path):
    # The build refuses a stale notebook too; this names it earlier.
    reason = stale_reason(path)
    assert reason is None, f"{path.name}: {reason}; run {EXECUTE_COMMAND} {path}"


@pytest.mark.parametrize("path", book_chapter_files(), ids=lambda p: p.name)
def test_every_macro_use_carries_the_definitions(path):
    """JupyterLab typesets cells one by one: each defines what it uses."""
    if path.suffix == ".ipynb":
        nb = read(path)
        texts = [c.source for c in nb.cells if c.cell_type == "markdown"]
        first = nb.cells[0].source if nb.cells else ""
        assert "\\newcommand" not in strip_macro_line(first), (
            f"{path.name}: a separate macro cell; run {EXECUTE_COMMAND} --markdown-only"
        )
    else:
        texts = [path.read_text(encoding="utf-8")]
    wrong = [t[:60] for t in texts if t != with_macro_line(t)]
    assert wrong == [], (
        f"{path.name}: markdown without the canonical macro line of "
        f"{MACROS_FILE.name} (or with one it does not need): {wrong}; "
        f"run {EXECUTE_COMMAND} --markdown-only"
    )


def test_macros_have_a_single_source():
    assert set(macros()) == {"pd", "mat"}
    assert macros()["pd"] == (2, r"\frac{\partial #1}{\partial #2}")
    config = (REPO_ROOT / "_config.yml").read_text(encoding="utf-8")
    assert "newcommand" not in config and "\\frac" not in config
    line = macro_line()
    assert line.startswith('<div style="display:none">$\\newcommand{\\pd}')
    assert parse_newcommands(line) == macros()


def test_macro_line_is_added_only_where_needed():
    with_pd, plain = "Text $\\pd{C}{w}$.", "Text $x$, not \\pdf."
    assert uses_macros(with_pd) and not uses_macros(plain)
    assert with_macro_line(with_pd) == f"{macro_line()}\n\n{with_pd}"
    assert with_macro_line(with_macro_line(with_pd)) == with_macro_line(with_pd)
    assert with_macro_line(f"{macro_line()}\n\n{plain}") == plain
    stale = '<div style="display:none">$\\newcommand{\\pd}{old}$</div>\n\n'
    assert with_macro_line(stale + with_pd) == with_macro_line(with_pd)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_metadata_is_normalized(path):
    nb = read(path)
    assert nb.metadata.get("kernelspec", {}).get("name") == "python3"
    assert "version" not in nb.metadata.get("language_info", {})
    timed = [i for i, c in enumerate(nb.cells) if "execution" in c.metadata]
    assert timed == [], f"{path.name}: timing metadata in cells {timed}"


def test_macro_parser_reads_nested_braces():
    text = r"\newcommand{\f}[1]{\frac{#1}{\{2\}}}\newcommand{\g}{x}"
    assert parse_newcommands(text) == {"f": (1, r"\frac{#1}{\{2\}}"), "g": (0, "x")}


def test_every_toc_entry_exists():
    missing = [entry for entry in toc_files() if resolve_toc_entry(entry) is None]
    assert missing == [], f"_toc.yml entries without exactly one source: {missing}"


def test_every_chapter_is_in_the_toc():
    listed = {resolve_toc_entry(entry) for entry in toc_files()}
    unlisted = [
        p.relative_to(REPO_ROOT).as_posix()
        for p in book_chapter_files()
        if p not in listed
    ]
    assert unlisted == [], f"pages in book/ missing from _toc.yml: {unlisted}"


@pytest.mark.parametrize("stem", sorted(STEP_MODULES))
def test_step_chapter_imports_its_module(stem):
    path = BOOK_DIR / f"{stem}.ipynb"
    imported = set()
    for cell in code_cells(read(path)):
        imported |= imported_backprop_modules(cell.source)
    expected = STEP_MODULES[stem]
    assert imported & expected, (
        f"{path.name} imports backprop modules {sorted(imported)}, "
        f"none of {sorted(expected)}"
    )


def test_import_detection():
    source = (
        "%matplotlib inline\n"
        "import backprop.matrix as bm\n"
        "from backprop import (l_layer,)\n"
        "import numpy"
    )
    assert imported_backprop_modules(source) == {"matrix", "l_layer"}


def called_names(source):
    """Names of the functions called in ``source`` (f(...) and x.f(...))."""
    lines = [
        "" if line.lstrip().startswith(("%", "!")) else line
        for line in source.splitlines()
    ]
    names = set()
    for node in ast.walk(ast.parse("\n".join(lines))):
        if isinstance(node, ast.Call):
            func = node.func
            names.add(
                func.attr
                if isinstance(func, ast.Attribute)
                else getattr(func, "id", "")
            )
    return names


def has_image(cell):
    return any("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


@pytest.mark.parametrize("path", NUMBERED, ids=lambda p: p.name)
def test_chapter_runs_an_asserting_gradient_check_and_shows_a_figure(path):
    cells = code_cells(read(path))
    checks = [
        c
        for c in cells
        if "check_gradients" in called_names(c.source)
        or (called_names(c.source) & FD_CALLS and ASSERTING.search(c.source))
    ]
    # check_gradients raises GradientCheckError itself: it asserts.
    assert checks, f"{path.name}: no cell runs an asserting finite-difference check"
    assert any(has_image(c) for c in cells), f"{path.name}: no figure"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=NB_IDS)
def test_plotting_code_is_collapsed_and_package_source_is_not(path):
    """In the HTML a page reads as prose, math and figures (hide-input)."""
    for index, cell in enumerate(read(path).cells):
        if cell.cell_type != "code":
            continue
        tags = set(cell.metadata.get("tags", []))
        if has_image(cell):
            assert "hide-input" in tags, (
                f"{path.name} cell {index}: a plot, not hide-input"
            )
        if "getsource" in cell.source:
            hidden = tags & {"hide-input", "remove-input", "remove-cell"}
            assert not hidden, f"{path.name} cell {index}: package source is hidden"


def exercise_regions(nb):
    """{label: (exercise cells, solution cells)} of a notebook's exercises."""
    regions, current, where = {}, None, None
    start = re.compile(r"\{(exercise|solution)(-start)?\}\s*(\S*)")
    for cell in nb.cells:
        text = strip_macro_line(cell.source) if cell.cell_type == "markdown" else ""
        match = start.search(text)
        if match:
            kind = match.group(1)
            if kind == "exercise":
                label = re.search(r":label:\s*(\S+)", text)
                assert label, f"an exercise without a :label: ({text[:60]!r})"
                current, where = label.group(1), 0
                regions[current] = ([cell], [])
            else:
                current, where = match.group(3), 1
                assert current in regions, (
                    f"a solution to an unknown exercise {current!r}"
                )
                regions[current][1].append(cell)
            continue
        if current is not None:
            regions[current][where].append(cell)
        if re.search(r"\{(exercise|solution)-end\}", text):
            current = None
    return regions


@pytest.mark.parametrize("path", EXERCISE_CHAPTERS, ids=lambda p: p.name)
def test_chapter_ends_with_three_to_six_exercises_each_solved(path):
    regions = exercise_regions(read(path))
    assert 3 <= len(regions) <= 6, f"{path.name}: {len(regions)} exercises"
    for label, (exercise, solution) in regions.items():
        assert solution, f"{path.name}: exercise {label} has no solution"
        if any(c.cell_type == "code" for c in exercise):
            calls = set().union(
                *(called_names(c.source) for c in solution if c.cell_type == "code")
            )
            checkers = {n for n in calls if n.startswith("check_")}
            assert checkers, f"{path.name}: code exercise {label}: no checker runs"


def test_thirty_or_more_exercises():
    total = sum(len(exercise_regions(read(p))) for p in EXERCISE_CHAPTERS)
    assert total >= 30, total


def test_every_checker_has_a_test_that_rejects_a_wrong_answer():
    import backprop.exercises as package

    folder = Path(package.__file__).parent
    tests = {
        p: p.read_text(encoding="utf-8")
        for p in (REPO_ROOT / "tests").glob("test_exercises_ch*.py")
    }
    missing = []
    for module in sorted(folder.glob("ch*.py")):
        names = re.findall(
            r"^def (check_\w+)\(", module.read_text(encoding="utf-8"), re.M
        )
        for name in names:
            if not any(
                name in text and "ExerciseError" in text for text in tests.values()
            ):
                missing.append(f"{module.stem}.{name}")
    assert missing == [], f"checkers without a wrong-answer test: {missing}"
