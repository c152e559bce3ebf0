"""The views of what happened after the seed table: activity, status and the selection flow.
Expected values are computed from the data under test; only the seed table's facts are pinned."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from test_data import read_rows, write_rows

import indopacific_st as ip
from indopacific_st import findings, style, views


def test_the_change_of_administration_is_20_january_2025():
    assert views.ADMINISTRATION_CHANGE == dt.date(2025, 1, 20)


def test_activity_has_one_row_per_announcement_and_event(ds):
    table = views.activity(ds)
    assert len(table) == len(ds.agreements) + len(ds.events)
    assert (table["kind"] == "announcement").sum() == len(ds.agreements)
    seed_ids = set(ds.agreements.loc[ds.agreements["seed_row"].notna(), "id"])
    seed_rows = len(seed_ids) + ds.events["agreement_id"].isin(seed_ids).sum()
    assert (table["origin"] == "seed").sum() == seed_rows
    assert table["kind_label"].notna().all() and table["date"].is_monotonic_increasing


def test_status_gives_the_last_activity_of_every_agreement(ds):
    table = views.status(ds).set_index("id")
    assert sorted(table.index) == sorted(ds.agreements["id"])
    for agreement in ds.agreements.itertuples():
        dates = ds.events.loc[ds.events["agreement_id"] == agreement.id, "event_date"]
        assert table.loc[agreement.id, "last_date"] == max([agreement.announced_date, *dates])


def test_status_codes_follow_the_events(ds):
    table = views.status(ds).set_index("id")
    succession = ds.events[ds.events["kind"].isin(["renamed", "replaced"])]
    successors = dict(zip(succession["agreement_id"], succession["successor_id"], strict=True))
    start = pd.Timestamp(views.ADMINISTRATION_CHANGE)
    for agreement_id, row in table.iterrows():
        if agreement_id in successors:
            assert (row["status"], row["successor_id"]) == ("replaced", successors[agreement_id])
        else:
            expected = (
                "active-since-2025" if row["last_date"] >= start else "no-activity-since-2025"
            )
            assert (row["status"], row["successor_id"]) == (expected, "")
    assert set(table["status_label"]) <= set(views.STATUS_LABELS.values())


def test_a_renaming_gives_the_successor(project):
    rows = read_rows(project / "data/events.csv")
    header = rows[0]
    event = dict.fromkeys(header, "")
    event.update(
        agreement_id="jp-core",
        date="2025-03-01",
        event="Renamed",
        kind="renamed",
        successor_id="jp-gdcp",
    )
    write_rows(project / "data/events.csv", [*rows, [event[c] for c in header]])
    edited = ip.load(project, today=dt.date(2026, 11, 28))
    row = views.status(edited).set_index("id").loc["jp-core"]
    assert (row["status"], row["successor_id"], row["last_kind"]) == (
        "replaced",
        "jp-gdcp",
        "renamed",
    )
    assert row["successor_label"] == edited.agreements.set_index("id").loc["jp-gdcp", "label"]


def test_selection_flow_counts_rows(ds):
    flow = views.selection_flow(ds).set_index("stage")["agreements"]
    added = ds.agreements["seed_row"].isna().sum()
    assert flow["seed"] == 23  # the seed table's fixed size
    assert flow["included"] == added
    assert flow["candidates"] == added + len(ds.screened)
    assert flow["borderline"] + flow["excluded"] == len(ds.screened)


def test_every_view_of_agreements_says_seed_or_added(ds):
    expected = views.origin(ds)
    for table in (views.by_partner(ds), views.by_domain(ds), views.timeline(ds), views.status(ds)):
        assert (table["origin"] == table["id"].map(expected)).all()
        assert (table["origin_label"] == table["origin"].map(views.ORIGIN_LABELS)).all()
    assert set(views.ORIGIN_LABELS.values()) == {"Seed table", "Added since the seed"}


def test_seed_only_keeps_the_seed_rows_and_their_events(ds):
    seed = views.seed_only(ds)
    assert list(seed.agreements["id"]) == list(
        ds.agreements.loc[ds.agreements["seed_row"].notna(), "id"]
    )
    assert set(seed.events["agreement_id"]) <= set(seed.agreements["id"])
    assert len(seed.events) == ds.events["agreement_id"].isin(seed.agreements["id"]).sum()


def test_facts_give_the_flow_and_status_numbers_the_figures_draw(ds):
    from indopacific_st import facts, findings

    flow = views.selection_flow(ds).set_index("stage")["agreements"]
    numbers = facts.flow_facts(ds)
    for stage in flow.index:
        assert numbers[f"flow_{stage}"] == flow[stage]
    assert numbers["flow_dataset"] == len(ds.agreements)
    status = views.status(ds)
    overview = facts.overview_facts(ds)
    assert overview["active_count"] == (status["status"] == "active-since-2025").sum()
    assert overview["quiet_count"] == (status["status"] == "no-activity-since-2025").sum()
    assert overview["status_title"] == findings.status_summary(ds).title
    india = facts.partner_facts(ds, "IN")
    mine = status[status["partners"].map(lambda codes: "IN" in codes)]
    assert india["replaced_count"] == (mine["status"] == "replaced").sum()
    for successor in mine.loc[mine["status"] == "replaced", "successor_label"]:
        assert successor in india["replaced_names"]


def test_domain_reach_says_all_when_a_domain_reaches_every_partner(ds):
    """The finding counts partners reached; reaching every partner reads "all", not "6 of the 6"."""
    finding = findings.domain_reach(ds)
    partners = len(ds.vocabulary.partners)
    reach = finding.facts["widest_reach"]
    if reach == partners:
        assert f"all {style.number_word(partners)} partners" in finding.title
    else:
        assert f"{reach} of the {partners} partners" in finding.title
    assert f" {partners} of the {partners} " not in finding.title


def test_a_long_list_of_names_is_summarised_beyond_the_limit():
    """At real data every list is named in full; a list longer than the limit names the first
    ones and counts the rest, so a sentence stays a sentence at 100x data."""
    labels = [f"Dialogue {n}" for n in range(style.LISTED + 95)]
    text = style.the_named(labels)
    assert text.startswith("the Dialogue 0, the Dialogue 1,")
    assert text.endswith(f"the Dialogue {style.LISTED - 1}, and 95 others")
    assert style.the_named(labels[: style.LISTED]).endswith(f"and the Dialogue {style.LISTED - 1}")
