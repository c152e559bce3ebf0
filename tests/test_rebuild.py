"""When the data changes: rebuilds follow it, bad data stops them, and the last good book survives.

The tests work, in the order below, on one clone of the project copy test_safety.py builds with
the real Makefile (`edited_copy` in conftest.py): the project's data with an agreement added, and
hostile text in Japanese rows that these tests do not read.
"""

from __future__ import annotations

import json

import nbformat
import pytest
from project_copy import ROOT, ProjectCopy
from project_copy import TEST_AGREEMENT as NEW_AGREEMENT

import indopacific_st as ip
from indopacific_st import style, views

# Builds copies of the project: minutes, not seconds.
pytestmark = pytest.mark.slow


def table_names(site: ProjectCopy, chapter: str) -> list[str]:
    """The agreement names in a chapter's table of agreements."""
    return [
        row.find("td").get_text(strip=True)
        for table in site.page(chapter).find_all("table")
        if "Signed or led by" in table.get_text()
        for row in table.find("tbody").find_all("tr")
    ]


def notebooks(site: ProjectCopy) -> int:
    """How many notebooks the book executes when the data changes: all of them."""
    return len(list((site.root / "chapters").glob("*.ipynb")))


def partner_agreements(site: ProjectCopy, partner: str):
    """The agreements of one partner in the copy's data, as the chapters count them."""
    return views.for_partner(ip.load(site.root), partner)


@pytest.fixture(scope="module")
def site(edited_copy, tmp_path_factory) -> ProjectCopy:
    build = edited_copy.book
    assert build.returncode == 0, build.output[-3000:]
    assert build.executed == notebooks(edited_copy.site)
    return edited_copy.clone(tmp_path_factory.mktemp("rebuild") / "project")


def test_added_agreement_appears_in_chapter_table_charts_and_counts(site):
    """The copy holds the project's data and one more Australian agreement."""
    project = ip.load(ROOT)
    before = views.for_partner(project, "AU")
    assert NEW_AGREEMENT["id"] not in set(project.agreements["id"])

    assert style.plural(len(before) + 1, "agreement") in site.glued("australia")
    assert str(len(project.agreements) + 1) in site.glued("intro")
    assert NEW_AGREEMENT["name"] in table_names(site, "australia")
    chart_data = json.dumps(site.specs("australia"))
    assert NEW_AGREEMENT["name"] in chart_data and NEW_AGREEMENT["short_name"] in chart_data
    domain_spec = next(s for s in site.specs("australia") if "domain" in json.dumps(s["datasets"]))
    counts = {
        row["domain"]: row["agreements"]
        for rows in domain_spec["datasets"].values()
        for row in rows
        if "domain" in row
    }
    assert counts["ai"] == before["domains"].map(lambda d: "ai" in d).sum() + 1
    assert NEW_AGREEMENT["name"] in site.text("data-appendix")


def test_rebuild_with_nothing_changed_executes_nothing(site):
    before = site.fingerprint()
    build = site.make("book")
    assert build.returncode == 0, build.output[-3000:]
    assert build.executed == 0
    assert site.fingerprint().keys() == before.keys()


def test_same_data_gives_the_same_charts_and_text(site):
    chapters = ["intro", "overview", "japan", "india", "data-quality"]
    before = {c: (site.specs(c), site.text(c)) for c in chapters}
    for path in (site.root / "data").glob("*.csv"):
        path.write_bytes(path.read_bytes())  # same content, new modification time
    build = site.make("book")
    assert build.returncode == 0, build.output[-3000:]
    assert build.executed == notebooks(site), (
        "a data edit must re-execute every notebook that reads the data"
    )
    for chapter, (specs, text) in before.items():
        assert site.specs(chapter) == specs, chapter
        assert site.text(chapter) == text, chapter


def test_removed_agreement_disappears(site):
    before = partner_agreements(site, "SG").set_index("id")
    removed = before.loc["sg-ai"]
    assert style.plural(len(before), "agreement") in site.glued("singapore")
    site.remove_agreement("sg-ai")
    build = site.make("book")
    assert build.returncode == 0, build.output[-3000:]
    assert style.plural(len(before) - 1, "agreement") in site.glued("singapore")
    assert removed["name"] not in table_names(site, "singapore")
    assert removed["name"] not in table_names(site, "data-appendix")
    assert removed["label"] not in json.dumps(site.specs("singapore"))
    assert removed["label"] not in json.dumps(site.specs("overview"))


def test_bad_data_stops_the_build_and_keeps_the_last_good_book(site):
    before = site.fingerprint()
    announced = ip.load(site.root).agreements.set_index("id").loc["jp-core", "announced"]
    site.set_cell("agreements.csv", "jp-core", "announced", "2023-02-30")
    build = site.make("book")
    assert build.returncode != 0
    assert "data/agreements.csv, row" in build.output
    assert "column 'announced': '2023-02-30' is not a real date" in build.output
    assert site.fingerprint() == before
    site.set_cell("agreements.csv", "jp-core", "announced", announced)


def test_failing_cell_stops_the_build_and_keeps_the_last_good_book(site):
    before = site.fingerprint()
    path = site.root / "chapters" / "japan.ipynb"
    notebook = nbformat.read(path, as_version=4)
    cell = nbformat.v4.new_code_cell('raise RuntimeError("deliberate failure in a chart cell")')
    cell["id"] = "cell-failing"
    notebook.cells.append(cell)
    nbformat.write(notebook, path)
    build = site.make("book")
    assert build.returncode != 0
    assert "deliberate failure in a chart cell" in build.output
    assert site.fingerprint() == before
