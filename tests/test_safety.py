"""Text from the data is shown literally everywhere: never run as script, markup or LaTeX.

A copy of the project gets hostile values in every kind of text field, then the HTML book and the
PDF are built from it and read back: in Chromium for the web edition, as text for the PDF. The copy
(`edited_copy` in conftest.py) is shared with test_rebuild.py and test_updating.py, which edit
clones of it.
"""

from __future__ import annotations

import json
import subprocess

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright
from project_copy import (
    HOSTILE_INSTITUTION,
    HOSTILE_NAME,
    HOSTILE_REVIEW,
    HOSTILE_SHORT,
    HOSTILE_SUMMARY,
    ProjectCopy,
)
from test_browser import CHROMIUM, FLAGS

# Builds copies of the project: minutes, not seconds.
pytestmark = pytest.mark.slow

NAME, SHORT, SUMMARY = HOSTILE_NAME, HOSTILE_SHORT, HOSTILE_SUMMARY
INSTITUTION, REVIEW = HOSTILE_INSTITUTION, HOSTILE_REVIEW


@pytest.fixture(scope="module")
def hostile(edited_copy) -> ProjectCopy:
    """The shared project copy (conftest.py): hostile text in the data, book and PDF built."""
    for build in (edited_copy.book, edited_copy.pdf):
        assert build.returncode == 0, build.output[-3000:]
    return edited_copy.site


@pytest.fixture(scope="module")
def page_in_browser(hostile):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)

        def open_page(chapter: str):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            dialogs: list[str] = []
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto((hostile.html / "chapters" / f"{chapter}.html").as_uri(), wait_until="load")
            page.wait_for_function(
                "() => [...document.querySelectorAll('.report-chart')]"
                ".every(c => c.classList.contains('report-chart-drawn'))",
                timeout=15_000,
            )
            return page, dialogs

        yield open_page
        browser.close()


@pytest.mark.parametrize("chapter", ["japan", "data-appendix", "data-quality", "overview"])
def test_nothing_from_the_data_runs_in_the_browser(page_in_browser, chapter):
    page, dialogs = page_in_browser(chapter)
    assert page.evaluate("window.__pwned") is None
    assert dialogs == []
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("iframe").count() == 0
    assert page.locator("a[href^='javascript']").count() == 0
    page.close()


def test_hostile_text_is_shown_literally_in_tables(page_in_browser):
    page, _ = page_in_browser("japan")
    cells = page.locator("table td").all_inner_texts()
    assert NAME in cells
    assert any(INSTITUTION in cell for cell in cells)
    page.close()
    page, _ = page_in_browser("data-quality")
    assert any(REVIEW in cell for cell in page.locator("table td").all_inner_texts())
    page.close()


def test_hostile_text_is_shown_literally_in_tooltips(page_in_browser):
    page, _ = page_in_browser("japan")
    chart = page.locator(".report-chart").first
    chart.scroll_into_view_if_needed()
    marks = chart.locator("svg .mark-symbol:not(.role-legend-symbol) path")
    tooltip = page.locator("#vg-tooltip-element")
    for index in range(marks.count()):
        marks.nth(index).hover()
        try:
            tooltip.wait_for(state="visible", timeout=1_500)
        except PlaywrightTimeout:
            continue  # a symbol of the chart's key, which carries no tooltip
        if NAME in tooltip.inner_text():
            assert SUMMARY in tooltip.inner_text()
            break
    else:
        pytest.fail("no tooltip showed the hostile agreement name")
    assert page.evaluate("window.__pwned") is None
    page.close()


def test_chart_labels_carry_the_literal_text(hostile):
    specs = json.dumps(hostile.specs("japan"))
    assert json.dumps(SHORT)[1:-1] in specs


def test_hostile_text_is_literal_in_the_pdf(hostile):
    pdf = hostile.root / "_build" / "pdf" / "report.pdf"
    text = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    # Table columns interleave in extracted text, so each piece is looked for on its own: LaTeX
    # would have swallowed or choked on every one of them had it been interpreted.
    for piece in [*NAME.split(), *INSTITUTION.split(), SHORT]:
        assert piece in text, f"{piece!r} is not shown literally in the PDF"
