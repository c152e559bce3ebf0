"""One bad-input test per rule of validation.RULES: each breaks a scratch copy of the data and
checks the exact message. Expected values are read from the data under test."""

from __future__ import annotations

import csv
import datetime as dt

from test_data import AGREEMENTS, problems, read_rows, set_cell, write_rows

import indopacific_st as ip
from indopacific_st import validation

INSTITUTIONS = "data/institutions.csv"
EVENTS = "data/events.csv"
REVIEW = "data/seed_review.csv"
INCLUSION = "data/inclusion.csv"
SCREENED = "data/screened.csv"


def cell(project, file: str, row_id: str, column: str) -> str:
    rows = list(csv.DictReader((project / file).open(encoding="utf-8")))
    return next(r[column] for r in rows if r[list(r)[0]] == row_id)


def review_row(project, agreement_id: str, field: str) -> tuple[int, list[str], list[str]]:
    """The spreadsheet row, header and cells of one seed-review row."""
    rows = read_rows(project / REVIEW)
    for number, row in enumerate(rows[1:], start=2):
        if row[0] == agreement_id and row[1] == field:
            return number, rows[0], row
    raise AssertionError((agreement_id, field))


def edit_review(project, agreement: str, field: str, **values: str) -> int:
    rows = read_rows(project / REVIEW)
    number, header, _ = review_row(project, agreement, field)
    for column, value in values.items():
        rows[number - 1][header.index(column)] = value
    write_rows(project / REVIEW, rows)
    return number


def append(project, file: str, values: list[str]) -> int:
    rows = read_rows(project / file)
    rows.append(values)
    write_rows(project / file, rows)
    return len(rows)


def test_every_rule_has_a_test():
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert {rule.__name__ for rule in validation.RULES} <= tested


def test_institution_countries(project):
    row = set_cell(project, INSTITUTIONS, "jp-mic", "id", "kr-mic")
    set_cell(project, AGREEMENTS, "jp-gdcp", "signatories", "us-state; kr-mic")
    assert (
        f"data/institutions.csv, row {row}, column 'id': 'kr-mic' should start with the country "
        "code 'jp-' of its country column." in problems(project)
    )


def test_institution_categories(project):
    row = set_cell(project, INSTITUTIONS, "jp-mic", "category", "telecoms")
    assert (
        f"data/institutions.csv, row {row}, column 'category': 'telecoms' is not an allowed "
        "ministry category code." in problems(project)
    )


def test_agreement_lists(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "domains", "quantum; quantum")
    assert (
        f"data/agreements.csv, row {row}, column 'domains': 'quantum; quantum' lists a domain "
        "twice; list each once." in problems(project)
    )


def test_agreement_types(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "type", "memorandum")
    assert f"row {row}, column 'type': 'memorandum' is not an allowed type code." in problems(
        project
    )


def test_agreement_dates(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "announced", "2020-12-31")
    assert (
        f"data/agreements.csv, row {row}, column 'announced': '2020-12-31' is before 1 January "
        "2021, outside the report's period (criterion #4)." in problems(project)
    )


def test_agreement_signatories(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "signatories", "us-president")
    assert (
        f"data/agreements.csv, row {row}, column 'signatories': 'us-president': no signatory "
        "belongs to a partner listed in 'partners' (JP)." in problems(project)
    )


def test_agreement_parents(project):
    row = set_cell(project, AGREEMENTS, "sg-ai", "parent_id", "sg-ai")
    assert (
        f"data/agreements.csv, row {row}, column 'parent_id': 'sg-ai': an agreement cannot be "
        "its own parent." in problems(project)
    )


def test_parent_cycles(project):
    row = set_cell(project, AGREEMENTS, "sg-cet", "parent_id", "sg-ai")
    assert (
        f"data/agreements.csv, row {row}, column 'parent_id': the parent links go round in a "
        "circle (sg-cet -> sg-ai -> sg-cet)" in problems(project)
    )


def test_known_agreements(project):
    row = edit_review(project, "jp-core", "name", agreement_id="jp-nothing")
    assert (
        f"data/seed_review.csv, row {row}, column 'agreement_id': 'jp-nothing' is not an id in "
        "data/agreements.csv." in problems(project)
    )


def test_event_dates(project):
    row = append(project, EVENTS, ["jp-core", "2023-02-30", "A meeting", "", "meeting", ""])
    assert (
        f"data/events.csv, row {row}, column 'date': '2023-02-30' is not a real date "
        "(February 2023 has no day 30)" in problems(project)
    )


def test_events_follow_announcement(project):
    announced = cell(project, AGREEMENTS, "jp-core", "announced")
    row = append(project, EVENTS, ["jp-core", "2019-05-01", "A meeting", "", "meeting", ""])
    assert (
        f"data/events.csv, row {row}, column 'date': '2019-05-01' is before jp-core was announced "
        f"({announced} in data/agreements.csv); an event must date from the announcement or later."
        in problems(project)
    )


def test_review_codes(project):
    row = edit_review(project, "jp-core", "name", rule="name-form")
    assert (
        f"data/seed_review.csv, row {row}, column 'rule': 'name-form' is allowed only with "
        "finding 'rule'; leave it empty for finding 'disagreement'." in problems(project)
    )


def test_silent_departures(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "signatories", "us-president; jp-pm; jp-mofa")
    assert (
        f"data/agreements.csv, row {row}, column 'signatories': 'jp-mofa; jp-pm; us-president' "
        "departs from the seed's 'jp-pm; us-president' (read from 'signatories_published' after "
        "repairing scanning damage) with no row for (jp-core, signatories) in data/seed_review.csv."
        in problems(project)
    )


def test_silent_departures_ignore_documented_scanning_damage(project):
    published = cell(project, AGREEMENTS, "jp-gdcp", "name_published")
    assert "U.SJapan" in published
    set_cell(project, AGREEMENTS, "jp-gdcp", "name", published.replace("U.SJapan", "U.S.-Japan"))
    ip.load(project, today=dt.date(2026, 11, 28))


def test_findings_mean_what_they_say(project):
    number = edit_review(project, "jp-core", "name", finding="correction")
    assert (
        f"data/seed_review.csv, row {number}, column 'finding': 'correction' does not fit: a "
        "correction changes the seed's value, but the seed's name is" in problems(project)
    )


def test_findings_precision_applies_only_to_finer_dates(project):
    number, _, _ = review_row(project, "jp-space-framework", "date")
    edit_review(project, "jp-space-framework", "date", finding="precision")
    assert (
        f"data/seed_review.csv, row {number}, column 'finding': 'precision' does not fit: added "
        "precision makes the seed's date finer (its month made a day, say), but the seed's date is "
        "'2023-01-11' and the verified one '2023-01-13'." in problems(project)
    )


def test_source_keys(project):
    row = append(
        project, EVENTS, ["jp-core", "2024-01-01", "A meeting", "nosuchkey2024", "meeting", ""]
    )
    assert (
        f"data/events.csv, row {row}, column 'sources': 'nosuchkey2024' has no entry in "
        "references.bib; add the entry there first." in problems(project)
    )


def add_entry(project, key: str, fields: str) -> None:
    bib = project / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8") + f"\n@misc{{{key},\n{fields}  title = {{T}},\n}}\n",
        encoding="utf-8",
    )


def test_entries_cited(project):
    add_entry(project, "orphan2024", "  kind = {news},\n  url = {https://example.org/a},\n")
    assert (
        "references.bib: entry 'orphan2024' is cited nowhere: no {cite:p} or {cite:t} in "
        "chapters/ and no 'sources' cell in data/ names it. Cite it, or delete the entry."
        in problems(project)
    )


def test_source_addresses(project):
    url = "https://stg.example.org/page?utm_source=feed"
    add_entry(project, "tracked2024", f"  kind = {{news}},\n  url = {{{url}}},\n")
    set_cell(project, AGREEMENTS, "jp-core", "sources", "mofa2021summit; tracked2024")
    assert (
        f"references.bib: entry 'tracked2024', field 'url': '{url}' carries the tracking "
        "parameter 'utm_source='; remove it." in problems(project)
    )


def test_source_addresses_staging_and_plain_http(project):
    add_entry(project, "staged2024", "  kind = {news},\n  url = {https://stg.example.org/a},\n")
    add_entry(project, "plain2024", "  kind = {news},\n  url = {http://example.org/a},\n")
    set_cell(project, AGREEMENTS, "jp-core", "sources", "staged2024; plain2024")
    message = problems(project)
    assert (
        "entry 'staged2024', field 'url': 'https://stg.example.org/a' is a staging, mobile or AMP "
        "page ('https://stg.')" in message
    )
    assert (
        "entry 'plain2024', field 'url': 'http://example.org/a' is not https; use the https:// "
        "address of the page." in message
    )


def test_source_kinds(project):
    add_entry(project, "unkinded2024", "  url = {https://example.org/a},\n")
    set_cell(project, AGREEMENTS, "jp-core", "sources", "unkinded2024")
    assert (
        "references.bib: entry 'unkinded2024', field 'kind': an empty cell is not an allowed kind. "
        "Allowed: official (official), repost (repost of an official text), news (news or other "
        "report), research (research compilation)." in problems(project)
    )


def test_event_kinds(project):
    row = append(project, EVENTS, ["jp-core", "2024-01-01", "A meeting", "", "summit", ""])
    assert (
        f"data/events.csv, row {row}, column 'kind': 'summit' is not an allowed kind code. "
        "Allowed: meeting (Meeting or dialogue round), signing (" in problems(project)
    )


def test_event_successors(project):
    row = append(project, EVENTS, ["jp-core", "2024-01-01", "Renamed", "", "renamed", ""])
    assert (
        f"data/events.csv, row {row}, column 'successor_id': kind 'renamed' needs the id in "
        "data/agreements.csv of the agreement that took its place." in problems(project)
    )


def test_event_successors_only_for_renamed_or_replaced(project):
    row = append(project, EVENTS, ["jp-core", "2024-01-01", "A meeting", "", "meeting", "jp-gdcp"])
    assert (
        f"data/events.csv, row {row}, column 'successor_id': 'jp-gdcp' is allowed only with kind "
        "'renamed' or 'replaced'; leave it empty." in problems(project)
    )


def test_event_successors_are_agreements_announced_by_then(project):
    announced = cell(project, AGREEMENTS, "sg-ai", "announced")
    unknown = append(project, EVENTS, ["jp-core", "2024-01-01", "Gone", "", "replaced", "jp-x"])
    early = append(project, EVENTS, ["jp-core", "2022-01-01", "Gone", "", "replaced", "sg-ai"])
    message = problems(project)
    assert (
        f"data/events.csv, row {unknown}, column 'successor_id': 'jp-x' is not an id in "
        "data/agreements.csv; add the successor there first." in message
    )
    assert (
        f"data/events.csv, row {early}, column 'successor_id': 'sg-ai' was announced on "
        f"{announced}, after this event (2022-01-01); a successor must be announced on or before "
        "the event's date." in message
    )


def added_agreement(project) -> str:
    """The first agreement of inclusion.csv: one added after the seed table."""
    return read_rows(project / INCLUSION)[1][0]


def test_inclusion_codes(project):
    added = added_agreement(project)
    seed = append(project, INCLUSION, ["jp-core", "1", "A reason.", "mofa2021summit"])
    bad = append(project, INCLUSION, [added, "6", "A reason.", "mofa2021summit"])
    message = problems(project)
    assert (
        f"data/inclusion.csv, row {seed}, column 'agreement_id': 'jp-core' is a seed-table "
        "agreement (seed_row 1 in data/agreements.csv); only added agreements (seed_row empty) "
        "have inclusion rows. Delete this row." in message
    )
    assert (
        f"data/inclusion.csv, row {bad}, column 'criterion': '6' is not an allowed criterion "
        "code. Allowed: 1 (Type of agreement), 2 (Signing ministry)" in message
    )


def test_inclusion_complete(project):
    added = added_agreement(project)
    rows = read_rows(project / INCLUSION)
    write_rows(project / INCLUSION, [r for r in rows if not (r[0] == added and r[1] == "3")])
    row = set_cell(project, AGREEMENTS, added, "seed_row", "")
    assert (
        f"data/agreements.csv, row {row}, column 'seed_row': {added} is an added agreement "
        "(seed_row empty), but data/inclusion.csv has no row for criterion 3. Add one row per "
        "criterion (1 to 5) saying how it meets it." in problems(project)
    )


def first_screened(project) -> str:
    return read_rows(project / SCREENED)[1][0]


def test_screened_codes(project):
    row = set_cell(project, SCREENED, first_screened(project), "verdict", "maybe")
    assert (
        f"data/screened.csv, row {row}, column 'verdict': 'maybe' is not an allowed verdict code. "
        "Allowed: borderline (Borderline), excluded (Excluded)." in problems(project)
    )


def test_screened_dates(project):
    row = set_cell(project, SCREENED, first_screened(project), "announced", "2025-13")
    assert (
        f"data/screened.csv, row {row}, column 'announced': '2025-13' is not a real date "
        "(month 13 does not exist)" in problems(project)
    )


def test_screened_not_included(project):
    first = first_screened(project)
    name = cell(project, AGREEMENTS, "sg-ai", "name")
    row = set_cell(project, SCREENED, first, "name", name)
    second = read_rows(project / SCREENED)[2][0]
    other = set_cell(project, SCREENED, second, "id", "jp-core")
    message = problems(project)
    assert (
        f"data/screened.csv, row {row}, column 'name': '{name}' is the name of sg-ai in "
        "data/agreements.csv; a candidate is either added or screened out, not both." in message
    )
    assert (
        f"data/screened.csv, row {other}, column 'id': 'jp-core' is an agreement in "
        "data/agreements.csv; a candidate is either added or screened out, not both." in message
    )


def test_source_keys_in_inclusion_and_screened(project):
    row = set_cell(project, SCREENED, first_screened(project), "sources", "nosuchkey2024")
    assert (
        f"data/screened.csv, row {row}, column 'sources': 'nosuchkey2024' has no entry in "
        "references.bib; add the entry there first." in problems(project)
    )
