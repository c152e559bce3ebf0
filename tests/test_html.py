"""The built HTML book: chapters, charts served locally, glued numbers, cited tables, hidden code."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from indopacific_st import style, views


def page(html_dir, name: str) -> BeautifulSoup:
    return BeautifulSoup((html_dir / name).read_text(encoding="utf-8"), "html.parser")


def test_japan_page_has_its_charts(html_dir):
    soup = page(html_dir, "chapters/japan.html")
    charts = soup.select("div.report-chart")
    assert len(charts) >= 4
    for chart in charts:
        assert chart.get("role") == "img" and len(chart["aria-label"]) > 40
        script = chart.find_next_sibling("script")
        assert script is not None and "vegaEmbed" in script.text


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


def test_vega_is_served_by_the_book(html_dir):
    bundle = (html_dir / "_static" / "vega-bundle.js").read_text(encoding="utf-8")
    assert "window.vegaEmbed" in bundle and len(bundle) > 500_000
    soup = page(html_dir, "chapters/japan.html")
    assert soup.find("script", src=re.compile(r"_static/vega-bundle\.js(\?|$)"))


def test_prose_numbers_are_glued_from_the_data(html_dir, ds):
    text = " ".join(page(html_dir, "chapters/japan.html").get_text(" ").split())
    count = len(views.for_partner(ds, "JP"))
    assert f"lists {style.plural(count, 'agreement')} between the United States and Japan" in text


def test_code_is_behind_a_toggle(html_dir):
    soup = page(html_dir, "chapters/japan.html")
    sources = soup.select("div.cell_input")
    assert sources, "the chapter has code cells"
    for source in sources:
        assert source.find_parent("details") is not None, "code cell shown without a toggle"


def test_agreement_table_lists_each_agreement_with_citations(html_dir, ds):
    soup = page(html_dir, "chapters/japan.html")
    table = next(t for t in soup.find_all("table") if "Signed or led by" in t.get_text())
    rows = table.find("tbody").find_all("tr")
    names = set(views.for_partner(ds, "JP")["name"])
    assert {r.find("td").get_text(strip=True) for r in rows} == names
    for row in rows:
        links = row.find_all("a", href=re.compile(r"bibliography\.html#"))
        assert links, f"no citation for {row.find('td').get_text(strip=True)}"


def test_bibliography_lists_every_cited_source(html_dir, ds):
    text = page(html_dir, "chapters/bibliography.html").get_text(" ")
    assert "Ministry of Foreign Affairs of Japan" in text
    assert "commerce.gov" in text
