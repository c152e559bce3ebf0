"""Data edits at the edges still give a report that builds and says the right thing: a partner with
no agreement, a partner's first multi-partner agreement, a tie for first place, an agreement dated
this month. Each case edits a scratch copy of the data and runs every computation a chapter runs."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from unittest import mock

import pytest

import indopacific_st as ip
from indopacific_st import charts, facts, findings, guards, tables, views
from indopacific_st.display import Figure


def edit_agreements(project, change) -> None:
    """Apply change(rows) to the scratch copy's agreements.csv (rows as dicts, header kept)."""
    path = project / "data" / "agreements.csv"
    reader = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8")))
    rows = change(list(reader))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=reader.fieldnames, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    add_inclusion(project, [r for r in rows if not r["seed_row"]])


def add_inclusion(project, added: list[dict]) -> None:
    """Give each added agreement that has none its five inclusion rows, as a maintainer must."""
    path = project / "data" / "inclusion.csv"
    text = path.read_text(encoding="utf-8")
    listed = {line.split(",")[0] for line in text.splitlines()[1:]}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in added:
        if row["id"] not in listed:
            writer.writerows([row["id"], n, "A test row.", row["sources"]] for n in range(1, 6))
    path.write_text(text + buffer.getvalue(), encoding="utf-8")


def drop_linked(project, removed: set[str]) -> None:
    """Remove the events, seed-review and inclusion lines of removed agreements, as updating.md says."""
    for name in ("events.csv", "seed_review.csv", "inclusion.csv"):
        path = project / "data" / name
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = [lines[0]] + [line for line in lines[1:] if line.split(",")[0] not in removed]
        path.write_text("".join(kept), encoding="utf-8")


def drop_uncited_entries(project) -> None:
    """Delete the bibliography entries that the check reports as cited nowhere, as a maintainer
    would after removing the rows that cited them."""
    try:
        ip.load(project, today=dt.date.today())
    except ip.DataError as error:
        keys = re.findall(r"entry '([^']+)' is cited nowhere", str(error))
        path = project / "references.bib"
        text = path.read_text(encoding="utf-8")
        for key in keys:
            text = re.sub(r"@\w+\{" + re.escape(key) + r",.*?\n\}\n", "", text, flags=re.S)
        path.write_text(text, encoding="utf-8")


def new_row(template: dict, **values) -> dict:
    return {**template, "seed_row": "", "parent_id": "", "parent": "", **values}


def run_every_chapter(ds, partners=None) -> dict:
    """What the notebooks compute, through the functions the notebooks call: every fact, chart and
    table of the overview and of each partner chapter (all partners, or those named)."""
    glued: dict[str, object] = {}

    def collect(name, value, display=False):
        glued[name] = value

    computed = {"overview": facts.overview_facts(ds)}
    with mock.patch.object(facts, "glue", collect):
        facts.glue_overview(ds)
        facts.glue_method(ds)
        for code in partners or ds.vocabulary.partners:
            computed[code] = facts.partner_facts(ds, code)
            facts.glue_partner_chapter(ds, code)
            tables.agreements_table(ds, code).markdown()
            tables.status_table(ds, code).markdown()
    for name, value in glued.items():
        if isinstance(value, Figure):
            assert value.title and value.spec["$schema"], name
        else:
            assert str(value), name
    guards.all_guards(ds)
    return computed


def load(project):
    return ip.load(project, today=dt.date.today())


def test_a_partner_with_no_agreement(project, ds):
    gone = set(views.for_partner(ds, "AU")["id"])

    def remove(rows):
        return [r for r in rows if "AU" not in r["partners"].split("; ")]

    edit_agreements(project, remove)
    drop_linked(project, gone)
    drop_uncited_entries(project)
    edited = load(project)
    computed = run_every_chapter(edited, ["AU"])
    assert computed["AU"]["count_words"] == "no agreements"
    assert computed["AU"]["first"] == "none"
    assert (
        charts.timeline_chart(edited, "AU").title == "Australia: no agreement announced since 2021"
    )
    assert computed["overview"]["bottom"] == "Australia (no agreements)"


def test_a_partner_gains_its_first_multi_partner_agreement(project, ds):
    def add(rows):
        au = next(r for r in rows if r["id"] == "au-quantum")
        return rows + [
            new_row(
                au,
                id="au-jp-trilateral",
                name="Test trilateral with Japan",
                short_name="Test trilateral",
                partners="AU; JP",
                signatories=f"{au['signatories']}; jp-mofa",
                announced="2024-02-01",
            )
        ]

    edit_agreements(project, add)
    edited = load(project)
    computed = run_every_chapter(edited, ["AU", "JP"])
    assert computed["AU"]["count"] == len(views.for_partner(ds, "AU")) + 1
    assert "Test trilateral appears for Australia and Japan" in findings.multi_partner(edited).title
    before = facts.overview_facts(ds)
    assert computed["overview"]["multi_partner"] == before["multi_partner"] + 1
    assert computed["overview"]["partner_total"] == before["partner_total"] + 2


def test_a_tie_for_first_place_is_stated_as_a_tie(project, ds):
    counts = views.partner_counts(ds).set_index("partner")["agreements"]
    runner = counts[counts < counts.max()].idxmin()  # raise a short list to the top
    needed = int(counts.max() - counts[runner])
    template_id = views.for_partner(ds, runner)["id"].iloc[0]

    def add(rows):
        source = next(r for r in rows if r["id"] == template_id)
        return rows + [
            new_row(source, id=f"{runner.lower()}-extra-{n}", name=f"Extra {n}", short_name="")
            for n in range(needed)
        ]

    edit_agreements(project, add)
    edited = load(project)
    computed = run_every_chapter(edited, [runner])
    new_counts = views.partner_counts(edited).set_index("partner")["agreements"]
    tied = [edited.vocabulary.partners[c] for c in findings.leaders(new_counts)]
    assert len(tied) >= 2
    assert computed["overview"]["top_partners"].endswith("each")
    for name in tied:
        assert name in computed["overview"]["top_partners"]
    assert computed[runner]["rank_text"].startswith("the joint most")


def test_an_agreement_dated_this_month(project, ds):
    today = dt.date.today()
    month = f"{today:%Y-%m}"

    def add(rows):
        source = next(r for r in rows if r["id"] == "sg-ai")
        return rows + [new_row(source, id="sg-this-month", name="This month", announced=month)]

    edit_agreements(project, add)
    edited = load(project)
    computed = run_every_chapter(edited, ["SG"])
    assert computed["SG"]["last"] == f"{today:%B %Y}"
    assert computed["overview"]["last"] == f"{today:%B %Y}"
    assert guards.measure(edited, "latest") == "sg-this-month"


@pytest.mark.parametrize("partner", ["AU", "SG"])
def test_adding_an_agreement_makes_the_partners_guarded_paragraphs_stale(project, ds, partner):
    """The acceptance case of updating.md: the chapter's list paragraphs are reported."""
    template_id = views.for_partner(ds, partner)["id"].iloc[0]

    def add(rows):
        source = next(r for r in rows if r["id"] == template_id)
        return rows + [new_row(source, id=f"{partner.lower()}-added", name="An added agreement")]

    edit_agreements(project, add)
    edited = load(project)
    # A condition already stale in the real data counts when the new row changes its value again.
    before = {(g.where, c.measure, c.current) for g, c in guards.stale(ds)}
    became = [
        (g, c)
        for g, c in guards.stale(edited, project)
        if (g.where, c.measure, c.current) not in before
    ]
    measures = {c.measure for _, c in became}
    assert f"agreements {partner}" in measures
    # Only conditions that involve the partner's list or the dataset as a whole change.
    for guard, condition in became:
        assert condition.measure.split()[0] in {
            "agreements",
            "counts",
            "latest",
            "announced",
            "domain",
            "type",
            "category",
            "signed-by",
            "binding",
        }, f"{guard.where}: {condition.measure} should not change"
