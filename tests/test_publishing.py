"""What readers take away: the dataset downloads, the citation, licences and link metadata."""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from indopacific_st import publishing

ROOT = Path(__file__).resolve().parents[1]
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def page(html_dir: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((html_dir / name).read_text(encoding="utf-8"), "html.parser")


def test_downloads_hold_every_data_file(html_dir):
    frames = publishing.resource_frames(ROOT)
    stem = publishing.file_stem(ROOT)
    folder = html_dir / publishing.DOWNLOADS
    with zipfile.ZipFile(folder / f"{stem}-csv.zip") as archive:
        for resource in publishing.datapackage(ROOT)["resources"]:
            assert archive.read(resource["path"]) == (ROOT / "data" / resource["path"]).read_bytes()
    sheets = pd.read_excel(folder / f"{stem}.xlsx", sheet_name=None, dtype=str).items()
    assert {name: len(frame) for name, frame in sheets} == {n: len(f) for n, f in frames.items()}
    for name, sheet in sheets:
        pd.testing.assert_frame_equal(sheet.fillna(""), frames[name])
    package = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
    for resource in package["resources"]:
        assert pd.DataFrame(resource["data"]).equals(frames[resource["name"]])


@pytest.mark.parametrize("name", ["chapters/intro.html", "chapters/data-appendix.html"])
def test_front_page_and_appendix_offer_the_data_and_a_citation(html_dir, name):
    soup = page(html_dir, name)
    links = {a["href"].split("/")[-1] for a in soup.select(".report-take-away a[download]")}
    stem = publishing.file_stem(ROOT)
    assert links == {f"{stem}-csv.zip", f"{stem}.xlsx", f"{stem}.json", "references.bib"}
    for link in soup.select(".report-take-away a[download]"):
        assert (html_dir / "chapters" / link["href"]).resolve().is_file()
    bib = html_dir / publishing.DOWNLOADS / "references.bib"
    assert bib.read_bytes() == (ROOT / "references.bib").read_bytes()
    # One "How to cite" and one downloads section a page: the chapter's own are print-only.
    headings = [h.get_text(" ", strip=True) for h in soup.select("article h2, article .rubric")]
    assert headings.count("How to cite") == 1, headings
    assert not any(h.startswith("Downloads") for h in headings), headings
    text = soup.select_one(".report-take-away").get_text()
    version = publishing.datapackage(ROOT)["version"]
    assert CONFIG["html"]["baseurl"] in text and f"dataset version {version}" in text
    assert "@techreport{" in soup.select_one("pre.report-bibtex").get_text()


def test_every_page_has_its_title_description_and_link_preview(html_dir):
    titles = set()
    for path in sorted((html_dir / "chapters").glob("*.html")):
        soup = page(html_dir, str(path.relative_to(html_dir)))
        title = soup.title.get_text()
        assert title not in titles
        titles.add(title)
        meta = {m.get("property") or m.get("name"): m.get("content") for m in soup.find_all("meta")}
        assert len(meta["description"]) > 40 and meta["og:description"]
        assert meta["og:title"] and meta["twitter:card"] == "summary_large_image"
        assert meta["og:url"] == CONFIG["html"]["baseurl"] + str(path.relative_to(html_dir))
        assert meta["og:image"].startswith(CONFIG["html"]["baseurl"])
    assert CONFIG["title"] + "</title>" in (html_dir / "chapters" / "intro.html").read_text()
    image = html_dir / "_static" / "preview.png"
    assert image.read_bytes().startswith(b"\x89PNG")


def test_sitemap_lists_every_chapter(html_dir):
    sitemap = (html_dir / "sitemap.xml").read_text(encoding="utf-8")
    for path in (html_dir / "chapters").glob("*.html"):
        assert f"<loc>{CONFIG['html']['baseurl']}chapters/{path.name}</loc>" in sitemap


@pytest.mark.slow
def test_citation_file_is_valid_and_names_the_data_version():
    found = os.environ.get("CFFCONVERT") or next(
        iter(sorted(ROOT.glob(".tools/cffconvert-*/bin/cffconvert"))), ""
    )
    if not found or not Path(found).exists():
        pytest.fail("cffconvert is missing: `make test` installs it.")
    result = subprocess.run(
        [found, "--validate", "-i", str(ROOT / "CITATION.cff")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["version"] == publishing.datapackage(ROOT)["version"]
    assert citation["url"] == CONFIG["html"]["baseurl"]
    assert str(citation["date-released"]) == publishing.datapackage(ROOT)["updated"]
    assert citation["authors"] == [{"name": CONFIG["author"]}]
    assert (ROOT / "LICENSE").read_text().count("CC BY 4.0") >= 1


def test_chart_csv_parses(ds):
    from indopacific_st import charts

    assert len(pd.read_csv(io.StringIO(charts.flow_chart(ds).csv()))) == len(charts.FLOW_BOXES)
