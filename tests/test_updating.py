"""chapters/updating.md, followed as a maintainer would on a copy of the project: add an agreement,
see exactly the statements it makes stale (in `make check`, in `make book`'s output, as notices on
the pages and in the PDF), revise, `make reviewed`, and every test of data, charts, prose and HTML
passes again on the copy."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest
from project_copy import TEST_AGREEMENT as NEW
from project_copy import ProjectCopy
from pypdf import PdfReader

from indopacific_st import guards

pytestmark = pytest.mark.slow

NOTICE = "Check this paragraph against the data"
STALE_LINE = re.compile(
    r'^\s+- (chapters/\S+?)(?:, cell (\d+))?, paragraph "(.*?)": \'(.*?)\' (?:was|now|no longer)',
    re.M,
)


def measures_the_row_changes(root: Path) -> set[str]:
    """The guard measures an added row changes, read off the row itself (not computed by the
    package): its partner's list, the counts, its signatories, domains, type, ministry
    categories and its year and month."""
    with (root / "data" / "institutions.csv").open(encoding="utf-8") as handle:
        category = {row["id"]: row["category"] for row in csv.DictReader(handle)}
    signatories = NEW["signatories"].split("; ")
    return {
        f"agreements {NEW['partners']}",
        "counts",
        f"type {NEW['type']}",
        f"announced {NEW['announced'][:4]}",
        f"announced {NEW['announced'][:7]}",
        *(f"domain {d}" for d in NEW["domains"].split("; ")),
        *(f"signed-by {s}" for s in signatories),
        *(f"category {category[s]}" for s in signatories),
    }


def expected_stale(root: Path) -> set[tuple[str, str, str]]:
    """Every guarded paragraph with a condition on one of those measures."""
    changed = measures_the_row_changes(root)
    found = set()
    for path, cell, text in guards.chapter_texts(root):
        for guard in guards.guards_in(text, str(path.relative_to(root)), cell):
            if any(c.measure in changed for c in guard.conditions):
                found.add((guard.file, "" if cell is None else str(cell), guard.paragraph))
    return found


def reported(output: str) -> set[tuple[str, str, str]]:
    return {(f, c or "", p) for f, c, p, _ in STALE_LINE.findall(output)}


def run(copy: ProjectCopy, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*args], cwd=copy.root, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def edited(edited_copy):
    """The shared project copy (conftest.py): the agreement added (and hostile text, which
    changes no guarded paragraph's measures), `make check`, `make book` and `make pdf` run."""
    return edited_copy


@pytest.fixture(scope="module")
def site(edited) -> ProjectCopy:
    return edited.site


def test_make_check_names_exactly_the_statements_the_new_row_makes_stale(site, edited):
    result = edited.check
    assert result.returncode != 0, "make check must fail while statements are stale"
    assert reported(result.output) == expected_stale(site.root)
    assert "then run `make reviewed`" in result.output


def test_make_book_builds_lists_them_and_shows_notices(site, edited):
    result = edited.book
    assert result.returncode == 0, result.output[-3000:]
    assert reported(result.output) == expected_stale(site.root)
    chapters = {Path(f).stem for f, _, _ in expected_stale(site.root)}
    assert "australia" in chapters
    for chapter in chapters:
        notices = site.page(chapter).select("div.stale-statement")
        stale_here = {p for f, _, p in expected_stale(site.root) if Path(f).stem == chapter}
        assert len(notices) == len(stale_here), chapter
        assert all(NOTICE in n.get_text() for n in notices)
        # The notice stands right before the paragraph it is about.
        for notice in notices:
            following = notice.find_next_sibling()
            assert following is not None and following.name in {"p", "ul", "ol"}
    for page in sorted((site.html / "chapters").glob("*.html")):
        if page.stem not in chapters:
            assert not site.page(page.stem).select("div.stale-statement"), page.stem


def test_the_pdf_shows_the_notices_too(site, edited):
    result = edited.pdf
    assert result.returncode == 0, result.output[-3000:]
    text = " ".join(
        page.extract_text() or "" for page in PdfReader(site.root / "_build/pdf/report.pdf").pages
    )
    assert " ".join(text.split()).count(NOTICE) == len(expected_stale(site.root))


def test_after_make_reviewed_the_copy_passes_every_data_chart_prose_and_html_test(edited, tmp_path):
    # On a clone: test_safety.py may still be reading the shared copy's hostile text, which the
    # maintainer's data does not have.
    site = edited.clone(tmp_path / "project")
    site.restore_data(edited.data_without_hostile_text)
    result = site.make("reviewed")
    assert result.returncode == 0, result.output
    assert site.make("check").returncode == 0
    build = site.make("book")
    assert build.returncode == 0, build.output[-3000:]
    assert not site.page("australia").select("div.stale-statement")
    tests = run(
        site,
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "-m",
        "not slow",
        # The tests at 100 times the data grow synthetic rows: they are about scale, not this row.
        "-k",
        "not 100x",
        "tests/test_data.py",
        "tests/test_validation.py",
        "tests/test_charts.py",
        "tests/test_prose.py",
        "tests/test_edge_cases.py",
        "tests/test_html.py",
    )
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
