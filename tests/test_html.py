"""The built HTML book: chapters, charts served locally, glued numbers, cited tables, hidden code."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
import vl_convert as vlc
from bs4 import BeautifulSoup
from conftest import toc_order
from test_prose import typed_facts

from indopacific_st import charts, display, icons, sphinx_ext, style, views


def page(html_dir, name: str) -> BeautifulSoup:
    return BeautifulSoup((html_dir / name).read_text(encoding="utf-8"), "html.parser")


PARTNER_PAGES = {
    "JP": "japan",
    "KR": "south-korea",
    "TW": "taiwan",
    "AU": "australia",
    "SG": "singapore",
    "IN": "india",
}
CHART_PAGES = {**{name: 3 for name in PARTNER_PAGES.values()}, "overview": 4, "intro": 1}


def chart_payloads(html_dir, soup: BeautifulSoup) -> dict[str, dict]:
    """The payloads the page's chart script queues for report-charts.js, by chart id."""
    script = soup.find("script", src=re.compile(r"_static/charts/.+\.js"))
    assert script is not None and script.has_attr("defer")
    path = (html_dir / "chapters" / script["src"].split("?")[0]).resolve()
    queued = re.findall(r'push\(\["(chart-[0-9a-f]+)", (\{.*\})\]\);$', path.read_text(), re.M)
    return {element: json.loads(payload) for element, payload in queued}


@pytest.mark.parametrize(("name", "minimum"), CHART_PAGES.items())
def test_page_has_its_charts(html_dir, name, minimum):
    soup = page(html_dir, f"chapters/{name}.html")
    charts = soup.select("div.report-chart")
    assert len(charts) >= minimum
    payloads = chart_payloads(html_dir, soup)
    assert set(payloads) == {chart["id"] for chart in charts}
    for chart in charts:
        assert chart.get("role") == "img" and len(chart["aria-label"]) > 40
        assert payloads[chart["id"]]["vega"]["$schema"].endswith("vega/v6.json")
    # The payloads are not in the page's HTML as well.
    assert "reportCharts" not in soup.get_text() + "".join(s.text for s in soup("script"))


def test_no_page_loads_a_script_or_style_from_the_network(html_dir):
    for path in html_dir.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        for tag in soup.find_all(["script", "link"]):
            url = tag.get("src") or (
                tag.get("href")
                if tag.name == "link" and "stylesheet" in (tag.get("rel") or [])
                else None
            )
            assert not (url and re.match(r"^(https?:)?//", url)), f"{path.name} loads {url}"


BUNDLE = re.compile(r"_static/vega-bundle\.js(\?|$)")


def test_vega_is_served_by_the_book(html_dir):
    """The Vega runtime and its tooltips, without Vega-Lite's compiler or vega-embed: charts
    arrive compiled to Vega."""
    bundle = (html_dir / "_static" / "vega-bundle.js").read_text(encoding="utf-8")
    assert "vega-tooltip" in bundle and "window.vegaTooltip" in bundle
    assert "vegaEmbed" not in bundle and "vega-lite" not in bundle.lower()
    soup = page(html_dir, "chapters/japan.html")
    script = soup.find("script", src=BUNDLE)
    assert script is not None and script.has_attr("defer")


def test_only_pages_with_charts_load_the_chart_library(html_dir):
    for path in html_dir.rglob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        has_charts = bool(soup.select("div.report-chart"))
        assert bool(soup.find("script", src=BUNDLE)) == has_charts, path.name


def test_chart_payload_carries_the_data_once(html_dir):
    """The table view and the CSV are built in the browser from the chart's own dataset: no
    CSV or table of the data is in the page beside the chart's script."""
    soup = page(html_dir, "chapters/japan.html")
    for figure in soup.select("figure.report-figure"):
        assert figure.select("table") == []
        link = figure.select_one("a.report-data-link")
        assert link is not None and not link.get("href")


def test_every_icon_shown_is_in_the_icon_subset(html_dir):
    """Each Font Awesome icon a page names keeps its rule and its glyph in the subset font."""
    from fontTools.ttLib import TTFont
    from pydata_sphinx_theme import __file__ as theme

    original = (
        Path(theme).parent / "theme/pydata_sphinx_theme/static/styles/pydata-sphinx-theme.css"
    ).read_text(encoding="utf-8")
    glyphs = {
        name.split(":")[0].lstrip("."): int(code, 16)
        for selectors, code in icons.ICON_RULE.findall(original)
        for name in selectors.split(",")
        if name
    }
    served = (html_dir / "_static" / icons.STYLESHEET).read_text(encoding="utf-8")
    fonts = sorted((html_dir / "_static" / icons.FONTS).glob(f"*{icons.SUBSET_SUFFIX}"))
    cmap = {code for font in fonts for code in TTFont(font).getBestCmap() or {}}
    used = icons.used_classes(html_dir) & set(glyphs)
    assert used and fonts
    for name in used:
        assert f".{name}:before" in served, name
        assert glyphs[name] in cmap, name
    assert all(font.stat().st_size < 20_000 for font in fonts)
    assert ".woff2" not in served and ".ttf" not in served


@pytest.mark.parametrize(("code", "name"), PARTNER_PAGES.items())
def test_prose_numbers_are_glued_from_the_data(html_dir, ds, code, name):
    glued = [
        s.get_text() for s in page(html_dir, f"chapters/{name}.html").select("span.pasted-text")
    ]
    count = len(views.for_partner(ds, code))
    assert style.plural(count, "agreement") in glued
    assert str(len(ds.agreements)) in glued


@pytest.mark.parametrize("name", [*PARTNER_PAGES.values(), "overview", "intro", "data-quality"])
def test_code_is_one_link_away(html_dir, name):
    """No code toggle in a reader's way; one link to the notebook, which holds the code."""
    soup = page(html_dir, f"chapters/{name}.html")
    assert soup.select("div.cell_input") == []
    links = soup.select("p.report-computed a")
    assert len(links) == 1
    notebook = (html_dir / "chapters" / links[0]["href"]).resolve()
    assert notebook.suffix == ".ipynb"
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    assert any(c["cell_type"] == "code" and c["source"] for c in cells)


def plain_quotes(text: str) -> str:
    """Sphinx typesets straight quotes as curly ones; compare names with the data's straight ones."""
    return text.translate(
        str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
    )


def agreement_rows(soup):
    table = next(t for t in soup.find_all("table") if "Signed or led by" in t.get_text())
    return table.find("tbody").find_all("tr")


@pytest.mark.parametrize(("code", "name"), PARTNER_PAGES.items())
def test_agreement_table_lists_each_agreement_with_citations(html_dir, ds, code, name):
    rows = agreement_rows(page(html_dir, f"chapters/{name}.html"))
    agreements = views.for_partner(ds, code).set_index("name")
    assert {plain_quotes(r.find("td").get_text(strip=True)) for r in rows} == set(agreements.index)
    for row in rows:
        name_cell = plain_quotes(row.find("td").get_text(strip=True))
        links = row.find_all("a", href=re.compile(r"bibliography\.html#"))
        if agreements.loc[name_cell, "sourced"]:
            assert links, f"no citation for {name_cell}"
        else:
            assert "no source found" in row.get_text(), (
                f"{name_cell} is unsourced but not said to be"
            )


def test_data_appendix_holds_the_whole_dataset(html_dir, ds):
    soup = page(html_dir, "chapters/data-appendix.html")
    assert len(agreement_rows(soup)) == len(ds.agreements)
    text = soup.get_text(" ")
    for column in ds.agreements.columns.intersection(
        ["announced", "domains", "signatories", "parent_id"]
    ):
        assert column in text


def test_data_quality_lists_every_seed_review_finding(html_dir, ds):
    soup = page(html_dir, "chapters/data-quality.html")
    review_rows = sum(
        len(t.find("tbody").find_all("tr"))
        for t in soup.find_all("table")
        if "The seed table says" in t.get_text()
    )
    assert review_rows == len(ds.review)


def test_every_agreement_with_sources_is_cited_in_the_bibliography(html_dir, ds):
    cited = set()
    for name in PARTNER_PAGES.values():
        for link in page(html_dir, f"chapters/{name}.html").find_all(
            "a", href=re.compile(r"bibliography\.html#")
        ):
            cited.add(link["href"].split("#")[1])
    bibliography = page(html_dir, "chapters/bibliography.html")
    anchors = {tag.get("id") for tag in bibliography.find_all(id=True)}
    assert cited and cited <= anchors


def test_bibliography_lists_every_cited_source(html_dir, ds):
    text = page(html_dir, "chapters/bibliography.html").get_text(" ")
    assert "Ministry of Foreign Affairs of Japan" in text
    assert "commerce.gov" in text


def payload_cells(payload: dict) -> list[list[str]]:
    """The table's cells as report-charts.js builds them from a chart's payload."""
    table = payload["table"]
    if "rows" in table:
        return table["rows"]
    dataset = payload["datasets"][table["dataset"]]
    index = [dataset["columns"].index(field) for field in table["fields"]]
    return [[display.js_text(row[i]) for i in index] for row in dataset["rows"]]


def test_chart_payload_table_is_the_plotted_data(ds):
    """Table view and CSV come from one copy of the data: the chart's dataset where it holds
    the same text as the CSV of what is plotted, the cells themselves where not."""
    figures = [
        charts.timeline_chart(ds),
        charts.partner_matrix(ds, "domain"),
        charts.activity_chart(ds),
        charts.domain_chart(ds, "JP"),
        charts.flow_chart(ds),
    ]
    by_reference = 0
    for figure in figures:
        payload = figure.payload()
        header, *rows = csv.reader(io.StringIO(figure.csv()))
        assert payload["table"]["titles"] == header
        assert payload_cells(payload) == rows
        by_reference += "dataset" in payload["table"]
    assert by_reference >= 3


def test_chart_compiles_to_the_same_vega_without_its_data(ds):
    """The build compiles each chart's spec with its datasets left empty (they travel in
    columns beside it): the Vega is the same as from the whole spec, less the values."""
    figure = charts.timeline_chart(ds, "JP")
    version = sphinx_ext.vega_lite_version()
    whole = vlc.vegalite_to_vega(figure.web_spec, vl_version=version)
    built = sphinx_ext.compiled(figure.payload())["vega"]
    for entry in whole["data"]:
        if "values" in entry:
            entry["values"] = []
    whole.pop("description")
    assert built == whole


def book_tables(html_dir) -> list[tuple[str, str, object]]:
    """(number, title, table) of every table of the web edition, in the order of the book. A
    chart's own data table belongs to its figure and is not one of them."""
    found = []
    for name in toc_order():
        for table in page(html_dir, f"chapters/{name}.html").select("article table"):
            if "report-data-table" in table.get("class", []):
                continue
            caption = table.find("caption")
            number = caption.select_one(".caption-number") if caption else None
            title = caption.select_one(".caption-text") if caption else None
            found.append(
                (
                    number.get_text(" ", strip=True) if number else "",
                    plain_quotes(title.get_text(" ", strip=True)) if title else "",
                    table,
                )
            )
    return found


def test_every_table_has_a_numbered_caption_in_book_order(html_dir):
    found = book_tables(html_dir)
    assert found
    assert [number for number, _, _ in found] == [f"Table {n}" for n in range(1, len(found) + 1)]
    titles = [title for _, title, _ in found]
    assert all(titles) and len(set(titles)) == len(titles), titles


def test_table_captions_state_no_typed_fact(html_dir):
    """Captions are neutral or computed: the prose lint finds nothing in them."""
    for _, title, _ in book_tables(html_dir):
        assert typed_facts(title, guarded=False) == [], title


def test_data_dictionary_lists_every_field_of_every_file(html_dir, ds):
    dictionaries = {
        title: table for _, title, table in book_tables(html_dir) if "Data dictionary" in title
    }
    for resource in ds.descriptor["resources"]:
        [table] = [t for title, t in dictionaries.items() if f": {resource['path']} " in title]
        listed = [row.find("td").get_text(strip=True) for row in table.find("tbody").find_all("tr")]
        assert listed == [field["name"] for field in resource["schema"]["fields"]]


def test_only_pages_with_sortable_tables_load_the_table_library(html_dir):
    for path in (html_dir / "chapters").glob("*.html"):
        soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
        sortable = soup.select("table.report-sortable")
        library = soup.find("script", src=re.compile(r"simple-datatables[^/]*/simple-datatables"))
        assert bool(library) == bool(sortable), path.name
    assert page(html_dir, "chapters/data-appendix.html").select("table.report-sortable")
