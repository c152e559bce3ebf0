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


CHAPTERS = [
    "Scope and method",
    "Overview across partners",
    "Japan",
    "South Korea",
    "Taiwan",
    "Australia",
    "Singapore",
    "India",
    "Data quality",
    "Data appendix",
    "Updating the data",
    "Bibliography",
]
PARTNER_CHARTS = (
    charts.timeline_chart,
    charts.domain_chart,
    charts.ministry_chart,
    charts.partner_share_chart,
)


def test_pdf_holds_every_chapter(pdf_path):
    outline = [
        item.title for item in PdfReader(str(pdf_path)).outline if not isinstance(item, list)
    ]
    for chapter in CHAPTERS:
        assert chapter in outline, f"chapter missing from the PDF: {chapter}"


@pytest.mark.parametrize("partner", ["JP", "KR", "TW", "AU", "SG", "IN"])
def test_pdf_holds_each_partner_chart(pdf_text, ds, partner):
    for make in PARTNER_CHARTS:
        title = make(ds, partner).title
        assert " ".join(title.split()) in pdf_text, f"chart title missing from the PDF: {title}"


def test_pdf_holds_the_overview_charts(pdf_text, ds):
    figures = [charts.timeline_chart(ds), charts.lineage_chart(ds)]
    figures += [charts.partner_matrix(ds, d) for d in ("domain", "type", "category")]
    for figure in figures:
        assert " ".join(figure.title.split()) in pdf_text, figure.title


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
    assert forms >= 6 * 3 + 4


def test_pdf_cites_sources_in_print(pdf_text):
    assert "Bibliography" in pdf_text
    assert "Ministry of Foreign Affairs of Japan" in pdf_text
