"""The PDF: every chapter with its charts as vector figures, and no code."""

from __future__ import annotations

import subprocess

import pytest
from pypdf import PdfReader

from indopacific_st import charts

CODE_MARKERS = [
    "import indopacific_st",
    "glue(",
    "ds = ip.load",
    "tables.agreements_table",
    "charts.",
]


@pytest.fixture(scope="module")
def pdf_text(pdf_path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return " ".join(result.stdout.split())


def test_pdf_holds_the_japan_chapter_and_its_chart_titles(pdf_text, ds):
    assert "Japan" in pdf_text and "One summit, then the working level" in pdf_text
    for make in (
        charts.timeline_chart,
        charts.domain_chart,
        charts.ministry_chart,
        charts.partner_share_chart,
    ):
        title = make(ds, "JP").title
        assert " ".join(title.split()) in pdf_text, f"chart title missing from the PDF: {title}"


def test_pdf_has_no_code(pdf_text):
    for marker in CODE_MARKERS:
        assert marker not in pdf_text, f"code in the PDF: {marker}"


def test_charts_are_embedded_as_vector_figures(pdf_path):
    reader = PdfReader(str(pdf_path))
    forms = 0
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        for xobject in xobjects.values():
            if xobject.get_object().get("/Subtype") == "/Form":
                forms += 1
    assert forms >= 4


def test_pdf_cites_sources_in_print(pdf_text):
    assert "Bibliography" in pdf_text
    assert "Ministry of Foreign Affairs of Japan" in pdf_text
