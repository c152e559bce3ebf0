"""The dataset loads as documented, and every kind of bad input stops with a message a maintainer can act on."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

import indopacific_st as ip
from indopacific_st.validation import DataError

AGREEMENTS = "data/agreements.csv"


def read_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def set_cell(project: Path, file: str, agreement_id: str, column: str, value: str) -> int:
    """Change one cell of the row whose first column is agreement_id; return its spreadsheet row."""
    path = project / file
    rows = read_rows(path)
    col = rows[0].index(column)
    for number, row in enumerate(rows[1:], start=2):
        if row[0] == agreement_id:
            row[col] = value
            write_rows(path, rows)
            return number
    raise AssertionError(f"{agreement_id} not in {file}")


def problems(project: Path) -> str:
    with pytest.raises(DataError) as caught:
        ip.load(project, today=dt.date(2026, 11, 28))
    return str(caught.value)


# --- The real data ----------------------------------------------------------------------------


def test_dataset_holds_all_seed_agreements(ds):
    # The seed table is a fixed historical input: its 23 rows and their partners are pinned; rows a
    # maintainer adds (with an empty seed_row) are not.
    seed = ds.agreements[ds.agreements["seed_row"].notna()]
    assert sorted(seed["seed_row"].astype(int)) == list(range(1, 24))
    per_partner = seed.explode("partners")["partners"].value_counts().to_dict()
    assert per_partner == {"JP": 6, "KR": 3, "TW": 4, "AU": 1, "SG": 4, "IN": 6}


def test_trilateral_dialogue_counts_for_both_partners(ds):
    trilateral = ds.agreements.set_index("id").loc["in-kr-trilateral"]
    assert trilateral["partners"] == ["IN", "KR"]
    assert trilateral["parent_id"] == "kr-cet"


def test_verified_values_replace_seed_values_and_both_are_kept(ds):
    space = ds.agreements.set_index("id").loc["jp-space-framework"]
    assert space["announced_published"] == "January 11, 2023"
    assert space["announced_date"] == dt.datetime(2023, 1, 13)
    names = ds.agreements.set_index("id")["name"]
    assert not names.str.contains(r"U\.S[A-Z]", regex=True).any(), "OCR damage left in a name"


def test_dates_carry_their_precision(ds):
    by_id = ds.agreements.set_index("id")
    assert by_id.loc["in-ict-wg", "precision"] == "month"
    assert by_id.loc["jp-core", "precision"] == "day"
    assert not by_id.loc["in-ict-wg", "in_period"]
    assert by_id.loc["in-ict-wg", "scope_exception"]


def test_types_outside_criterion_1_are_flagged(ds):
    flagged = set(ds.agreements.loc[ds.agreements["type_outside_criterion_1"], "type_published"])
    assert flagged == {"Meeting", "Collaboration", "Seminar", "MoU", "Working Group"}


def test_an_agreement_is_unsourced_exactly_when_it_cites_nothing(ds):
    cites_nothing = ds.agreements["sources"].map(len) == 0
    assert (ds.agreements["sourced"] == ~cites_nothing).all()


def test_check_command_reports_counts(ds):
    result = subprocess.run(
        [sys.executable, "-m", "indopacific_st", "check", "--allow-stale"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    japan = len(ip.views.for_partner(ds, "JP"))
    assert f"{len(ds.agreements)} agreements" in result.stdout
    assert f"Japan {japan}" in result.stdout


# --- Bad input --------------------------------------------------------------------------------


def test_ragged_row(project):
    path = project / AGREEMENTS
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3] + ",extra"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = problems(project)
    assert "data/agreements.csv, row 4" in message
    columns = len(lines[0].split(","))
    assert f"more cells than the {columns} columns of the header" in message


def test_short_row(project):
    path = project / AGREEMENTS
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append("jp-new,,A name")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = problems(project)
    assert f"data/agreements.csv, row {len(lines)}, column 'name_published'" in message
    assert "ends before this column" in message


def test_wrong_encoding(project):
    path = project / AGREEMENTS
    text = path.read_text(encoding="utf-8").replace("CoRe Partnership,", "CoRé Partnership,", 1)
    path.write_bytes(text.encode("latin-1"))
    message = problems(project)
    assert "data/agreements.csv, row 2" in message
    assert "not UTF-8" in message


def test_byte_order_mark(project):
    path = project / AGREEMENTS
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    message = problems(project)
    assert "data/agreements.csv, row 1" in message and "byte-order mark" in message


def test_missing_column(project):
    path = project / AGREEMENTS
    rows = read_rows(path)
    col = rows[0].index("domain_reason")
    write_rows(path, [r[:col] + r[col + 1 :] for r in rows])
    message = problems(project)
    assert "data/agreements.csv, row 1" in message
    assert "The columns must be, in this order:" in message and "domain_reason" in message


def test_renamed_column(project):
    path = project / AGREEMENTS
    rows = read_rows(path)
    rows[0][rows[0].index("announced")] = "date"
    write_rows(path, rows)
    message = problems(project)
    assert "data/agreements.csv, row 1, column" in message and "announced" in message


def test_badly_written_date(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "announced", "16/04/2021")
    message = problems(project)
    assert (
        f"data/agreements.csv, row {row}, column 'announced': '16/04/2021' is not a date" in message
    )
    assert "YYYY-MM-DD, YYYY-MM or YYYY" in message


def test_impossible_date(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "announced", "2023-02-30")
    message = problems(project)
    assert f"row {row}, column 'announced': '2023-02-30' is not a real date" in message
    assert "February 2023 has no day 30" in message


def test_date_in_the_future(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "announced", "2031-01-01")
    assert f"row {row}, column 'announced': '2031-01-01' is in the future" in problems(project)


def test_date_before_2021_needs_an_exception(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "announced", "2019-05-01")
    message = problems(project)
    assert f"row {row}, column 'announced': '2019-05-01' is before 1 January 2021" in message
    assert "scope_exception" in message


def test_unknown_partner(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "partners", "JP; XX")
    message = problems(project)
    assert (
        f"row {row}, column 'partners': 'XX' is not an ISO 3166-1 alpha-2 country code" in message
    )
    assert (
        "JP (Japan), KR (South Korea), TW (Taiwan), AU (Australia), SG (Singapore), IN (India)"
        in message
    )


def test_partner_outside_scope(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "partners", "CN")
    message = problems(project)
    assert f"row {row}, column 'partners': 'CN' (China) is outside the report's scope" in message


def test_unknown_domain(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "domains", "quantum; nanotech")
    message = problems(project)
    assert f"row {row}, column 'domains': 'nanotech' is not an allowed domain code" in message
    assert "quantum (Quantum)" in message


def test_unknown_type(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "type", "memorandum")
    message = problems(project)
    assert f"row {row}, column 'type': 'memorandum' is not an allowed type code" in message
    assert "treaty (Treaty)" in message


def test_duplicate_id(project):
    row = set_cell(project, AGREEMENTS, "jp-gdcp", "id", "jp-core")
    message = problems(project)
    assert f"row {row}, column 'id': the value 'jp-core' is used twice" in message


def test_parent_cycle(project):
    set_cell(project, AGREEMENTS, "tw-ttic", "parent_id", "tw-cyber-forum")
    message = problems(project)
    assert "column 'parent_id': the parent links go round in a circle" in message
    assert "tw-ttic" in message and "tw-cyber-forum" in message


def test_dangling_parent(project):
    row = set_cell(project, AGREEMENTS, "sg-ai", "parent_id", "sg-nothing")
    message = problems(project)
    assert (
        f"row {row}, column 'parent_id': 'sg-nothing' is not an id in data/agreements.csv"
        in message
    )


def test_bib_key_without_entry(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "sources", "mofa2021summit; nosuchkey2024")
    message = problems(project)
    assert f"row {row}, column 'sources': 'nosuchkey2024' has no entry in references.bib" in message


def test_empty_name(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "name", "")
    message = problems(project)
    assert f"row {row}, column 'name': this column must not be empty" in message


def test_wrong_type_in_number_and_boolean_columns(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "seed_row", "first")
    set_cell(project, AGREEMENTS, "jp-core", "binding", "yes")
    message = problems(project)
    assert f"row {row}, column 'seed_row': 'first' is not a whole number" in message
    assert f"row {row}, column 'binding': 'yes' is not 'true' or 'false'" in message


def test_unknown_signatory(project):
    row = set_cell(project, AGREEMENTS, "jp-core", "signatories", "us-president; jp-cabinet")
    message = problems(project)
    assert (
        f"row {row}, column 'signatories': 'jp-cabinet' is not an id in data/institutions.csv"
        in message
    )


def test_institution_with_bad_category_and_country(project):
    row = set_cell(project, "data/institutions.csv", "jp-mic", "category", "telecoms")
    set_cell(project, "data/institutions.csv", "jp-mic", "country", "FR")
    message = problems(project)
    assert (
        f"data/institutions.csv, row {row}, column 'category': 'telecoms' is not an allowed"
        in message
    )
    assert (
        f"data/institutions.csv, row {row}, column 'country': 'FR' (France) is outside" in message
    )


def test_event_for_unknown_agreement(project):
    path = project / "data/events.csv"
    rows = read_rows(path)
    rows.append(["jp-missing", "2024-01-01", "Something", "", "meeting", ""])
    write_rows(path, rows)
    message = problems(project)
    assert (
        f"data/events.csv, row {len(rows)}, column 'agreement_id': 'jp-missing' is not an id"
        in message
    )


def test_every_problem_is_reported_at_once(project):
    set_cell(project, AGREEMENTS, "jp-core", "announced", "2023-13-01")
    set_cell(project, AGREEMENTS, "kr-cet", "domains", "robots")
    message = problems(project)
    assert message.startswith("The data has 2 problems")


def test_check_command_fails_with_the_message(project):
    set_cell(project, AGREEMENTS, "jp-core", "announced", "2023-13-01")
    result = subprocess.run(
        [sys.executable, "-m", "indopacific_st", "check", "--root", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert (
        "column 'announced': '2023-13-01' is not a real date (month 13 does not exist)"
        in result.stderr
    )


def test_schema_documents_every_column(ds):
    descriptor = json.loads((ds.root / "data" / "datapackage.json").read_text(encoding="utf-8"))
    for resource in descriptor["resources"]:
        header = read_rows(ds.root / "data" / resource["path"])[0]
        fields = resource["schema"]["fields"]
        assert header == [f["name"] for f in fields], resource["path"]
        assert all(f.get("description") or f.get("title") for f in fields)


def test_source_link_must_be_a_web_address(project):
    bib = project / "references.bib"
    text = bib.read_text(encoding="utf-8")
    bib.write_text(
        text.replace("https://www.mofa.go.jp/page4e_001123.html", "javascript:alert(1)", 1),
        encoding="utf-8",
    )
    message = problems(project)
    assert (
        "references.bib: entry 'mofa2021summit', field 'url': 'javascript:alert(1)' is not a web address"
        in message
    )


def test_unreadable_bibliography(project):
    bib = project / "references.bib"
    bib.write_text(
        bib.read_text(encoding="utf-8") + "\n@misc{broken,\n  title = {no end\n", encoding="utf-8"
    )
    assert "references.bib: cannot be read" in problems(project)


def test_added_agreements_say_how_they_meet_each_criterion(ds):
    added = set(ds.agreements.loc[ds.agreements["seed_row"].isna(), "id"])
    per_agreement = ds.inclusion.groupby("agreement_id")["criterion"].apply(sorted).to_dict()
    assert set(per_agreement) == added
    assert all(criteria == [1, 2, 3, 4, 5] for criteria in per_agreement.values())


def test_screened_candidates_are_not_agreements(ds):
    assert not set(ds.screened["id"]) & set(ds.agreements["id"])
    assert set(ds.screened["verdict"]) <= set(ds.vocabulary.verdicts)
