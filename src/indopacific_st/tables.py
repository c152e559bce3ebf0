"""Tables for the chapters, with each agreement's sources cited from references.bib."""

from __future__ import annotations

import pandas as pd

from indopacific_st import style, views
from indopacific_st.dataset import Dataset
from indopacific_st.display import LIST_SEPARATOR, Table, citations
from indopacific_st.validation import SOURCE_KINDS

ORIGIN = "Origin"

# How many rows a table shows before it shows only its latest rows and says where the rest are:
# at 100 times today's data a page stays within about twice its weight (issue 12), and the full
# data is one click away in the data files. Today's tables are well below both.
CHAPTER_ROWS = 25  # the tables of one partner's agreements
BOOK_ROWS = 100  # the tables across the dataset (data appendix, method, data quality)


def origin_column(ds: Dataset, ids: pd.Series) -> pd.Series:
    """Each agreement's origin as a table says it: 'Seed table' or 'Added since the seed'."""
    return ids.map(views.origin(ds)).map(views.ORIGIN_LABELS)


def signatory_names(ds: Dataset, ids: list[str]) -> str:
    names = ds.institutions.set_index("id")["name"]
    return "; ".join(names[i] for i in ids)


def sources_by_kind(ds: Dataset, keys: list[str]) -> str:
    """The cited sources grouped by kind, official ones first, each group labelled."""
    groups = [
        (label, [k for k in keys if ds.source_kinds.get(k) == kind])
        for kind, label in SOURCE_KINDS.items()
    ]
    cells = [f"{citations(group)} ({label})" for label, group in groups if group]
    return "; ".join(cells) or citations([])


def data_files(ds: Dataset, *resources: str) -> str:
    """Download links to data files, named as data/datapackage.json names them."""
    paths = {r["name"]: r["path"] for r in ds.descriptor["resources"]}
    return " and ".join(f"{{download}}`{paths[r]} </data/{paths[r]}>`" for r in resources)


def latest(rows: pd.DataFrame, limit: int) -> pd.DataFrame:
    """The last `limit` rows (the latest, for a table in order of announcement)."""
    return rows.tail(limit)


def partners_text(ds: Dataset, codes: list[str]) -> str:
    return LIST_SEPARATOR.join(ds.vocabulary.partners[c] for c in codes)


def agreements_table(ds: Dataset, partner: str | None = None) -> Table:
    """One line per agreement: name, date, type, who signed, domains and cited sources."""
    every = views.for_partner(ds, partner) if partner else ds.agreements
    table = latest(every, CHAPTER_ROWS if partner else BOOK_ROWS)
    rows = pd.DataFrame(
        {
            "Agreement": table["name"],
            "Announced": [
                style.date_text(d, p)
                for d, p in zip(table["announced_date"], table["precision"], strict=True)
            ],
            "Type": table["type_label"],
            "Signed or led by": table["signatories"].map(lambda ids: signatory_names(ds, ids)),
            "Domains": table["domains"].map(
                lambda codes: LIST_SEPARATOR.join(ds.vocabulary.domains[c] for c in codes)
            ),
            ORIGIN: origin_column(ds, table["id"]),
            "Sources": table["sources"].map(lambda keys: sources_by_kind(ds, keys)),
        }
    )
    widths = (28, 11, 10, 26, 18, 9, 15)
    if partner is None:
        rows.insert(1, "Partners", table["partners"].map(lambda c: partners_text(ds, c)))
        widths = (24, 10, 10, 10, 23, 16, 9, 14)
    return Table(
        rows,
        markdown_columns=("Sources",),
        widths=widths,
        caption=f"Agreements with {ds.vocabulary.partners[partner]}"
        if partner
        else "The agreements in the dataset",
        filters=("Type", "Domains") if partner else ("Partners", "Type", "Domains"),
        lists=("Domains",) if partner else ("Partners", "Domains"),
        dates=("Announced",),
        total=len(every),
        shown="latest by date of announcement",
        rest=f"The full list is in {data_files(ds, 'agreements')}.",
    )


def review_table(
    ds: Dataset, findings: tuple[str, ...] | None = None, partner: str | None = None
) -> Table:
    """The seed review: what the seed says, what the sources say, and the sources."""
    review = ds.review if findings is None else ds.review[ds.review["finding"].isin(findings)]
    if partner:
        review = review[review["agreement_id"].isin(views.for_partner(ds, partner)["id"])]
    names = ds.agreements.set_index("id")["name"]
    rows = pd.DataFrame(
        {
            "Agreement": review["agreement_id"].map(names),
            "Field": review["field"].map(ds.vocabulary.review_fields),
            "Finding": [
                ds.vocabulary.findings[f] + (f": {ds.vocabulary.rules[r].lower()}" if r else "")
                for f, r in zip(review["finding"], review["rule"].fillna(""), strict=True)
            ],
            "The seed table says": review["seed_says"],
            "The sources say": review["sources_say"],
            "Sources": review["sources"].map(citations),
        }
    )
    return Table(
        rows.reset_index(drop=True),
        markdown_columns=("Sources",),
        widths=(20, 10, 12, 20, 30, 15),
        caption=review_caption(ds, findings, partner),
        filters=("Field",),
    )


def review_caption(ds: Dataset, findings: tuple[str, ...] | None, partner: str | None) -> str:
    """Which part of the seed review a table shows, in words."""
    if partner:
        return f"The seed review of the {ds.vocabulary.partners[partner]} rows"
    if findings:
        kinds = [ds.vocabulary.findings[f].lower() for f in findings]
        return "Seed review findings: " + LIST_SEPARATOR.join(kinds)
    return "What the seed table says and what the sources say"


def criteria_table(ds: Dataset) -> Table:
    """Rows that strain the seed's own criteria, found by rule from the data."""
    a = ds.agreements
    checks = []
    origins = origin_column(ds, a.set_index("name", drop=False)["id"])
    for _, r in a[a["type_outside_criterion_1"]].iterrows():
        checks.append(
            (
                r["name"],
                "Type (criterion #1)",
                f"Published as '{r['type_published']}', a type criterion #1 does not name; "
                f"coded as {r['type_label'].lower()}.",
            )
        )
    for _, r in a[~a["in_period"]].iterrows():
        checks.append(
            (
                r["name"],
                "Date (criterion #4)",
                f"Dates from {style.date_text(r['announced_date'], r['precision'])}, before 2021.",
            )
        )
    for _, r in a[a["partners"].map(len) > 1].iterrows():
        checks.append(
            (
                r["name"],
                "Partners (criterion #3)",
                f"Involves {partners_text(ds, r['partners'])}: one seed row, counted for each "
                "partner here.",
            )
        )
    for _, r in a[~a["sourced"]].iterrows():
        checks.append(
            (r["name"], "Sources", "No public record was found; the row rests on the seed alone.")
        )
    every = pd.DataFrame(checks, columns=["Agreement", "Check", "What the data shows"])
    # Each check lists its agreements in order of announcement: a long table keeps the latest.
    rows = every.groupby("Check", sort=False).tail(BOOK_ROWS // 4).reset_index(drop=True)
    rows.insert(1, ORIGIN, rows["Agreement"].map(origins))
    return Table(
        rows,
        caption="Rows that strain the seed table's own criteria",
        filters=("Check", ORIGIN),
        total=len(every),
        shown="latest of each check by date of announcement",
        rest=f"Every check is computed from {data_files(ds, 'agreements')}.",
    )


def institutions_table(ds: Dataset) -> Table:
    """Every institution with its country and ministry category."""
    countries = {"US": "United States", **ds.vocabulary.partners}
    frame = pd.DataFrame(
        {
            "Institution": ds.institutions["name"],
            "Country": ds.institutions["country"].map(countries),
            "Ministry category": ds.institutions["category"].map(ds.vocabulary.categories),
        }
    )
    return Table(
        frame.head(BOOK_ROWS),
        caption="Institutions that signed or led the agreements",
        filters=("Country", "Ministry category"),
        total=len(frame),
        shown="first in the data file",
        rest=f"The full list is in {data_files(ds, 'institutions')}.",
    )


def dictionary_table(ds: Dataset, resource: str) -> Table:
    """The data dictionary of one CSV file, from data/datapackage.json."""
    entry = next(r for r in ds.descriptor["resources"] if r["name"] == resource)
    rows = []
    for field in entry["schema"]["fields"]:
        allowed = ", ".join(str(c["value"]) for c in field.get("categories", []))
        required = "yes" if field.get("constraints", {}).get("required") else "no"
        kind = field["type"]
        if kind == "list":
            kind = f"list (separated by '{field.get('delimiter', ';')}')"
        rows.append(
            (
                field["name"],
                field.get("title", ""),
                kind,
                required,
                field.get("description", ""),
                allowed,
            )
        )
    frame = pd.DataFrame(
        rows, columns=["Column", "Title", "Type", "Required", "Meaning", "Allowed codes"]
    )
    return Table(
        frame,
        # Room for the longest column name and for "Required" and "boolean" unbroken in print.
        widths=(23, 13, 11, 11, 28, 14),
        caption=f"Data dictionary: {entry['path']} ({entry['title']})",
    )


def status_table(ds: Dataset, partner: str | None = None) -> Table:
    """Each agreement's status as of the data date: last recorded activity, successor, and the
    sources of that activity."""
    every = views.status(ds)
    if partner:
        every = every[every["partners"].map(lambda codes: partner in codes)]
    table = latest(every, CHAPTER_ROWS if partner else BOOK_ROWS)
    activity = views.activity(ds).groupby("agreement_id").tail(1).set_index("agreement_id")
    names = ds.agreements.set_index("id")["name"]
    rows = pd.DataFrame(
        {
            "Agreement": table["id"].map(names),
            ORIGIN: table["origin_label"],
            "Status": table["status_label"],
            "Last recorded activity": [
                f"{what} ({style.date_text(d, p)})"
                for what, d, p in zip(
                    table["last_activity"], table["last_date"], table["last_precision"], strict=True
                )
            ],
            "Successor": table["successor_id"].map(names).fillna(""),
            "Sources": table["id"].map(activity["sources"]).map(citations),
        }
    )
    return Table(
        rows.reset_index(drop=True),
        markdown_columns=("Sources",),
        widths=(26, 10, 16, 26, 14, 12),
        caption=f"Status of the agreements with {ds.vocabulary.partners[partner]} at the data date"
        if partner
        else "Status of the agreements at the data date",
        filters=(ORIGIN, "Status"),
        total=len(every),
        shown="latest by date of announcement",
        rest=f"It is computed from {data_files(ds, 'agreements', 'events')}.",
    )


def screened_table(ds: Dataset, verdicts: tuple[str, ...] | None = None) -> Table:
    """The candidates screened out or left borderline: the criterion each fails, why, and the
    sources."""
    every = ds.screened
    if verdicts:
        every = every[every["verdict"].isin(verdicts)]
    screened = latest(every, BOOK_ROWS)
    criteria = ds.vocabulary.criteria
    rows = pd.DataFrame(
        {
            "Candidate": screened["name"],
            "Partners": screened["partners"].map(lambda codes: partners_text(ds, codes)),
            "Announced": [
                style.date_text(d, p)
                for d, p in zip(screened["announced_date"], screened["precision"], strict=True)
            ],
            "Verdict": screened["verdict"].map(ds.vocabulary.verdicts),
            "Failing criterion": screened["failing_criterion"].map(
                lambda numbers: "; ".join(
                    f"#{n} {style.lower_first(criteria[str(n)])}" for n in numbers
                )
            ),
            "Reason": screened["reason"],
            "Sources": screened["sources"].map(citations),
        }
    )
    return Table(
        rows.reset_index(drop=True),
        markdown_columns=("Sources",),
        widths=(22, 9, 9, 8, 14, 28, 10),
        caption="Candidates screened after the seed table",
        filters=("Partners", "Verdict"),
        lists=("Partners",),
        dates=("Announced",),
        total=len(every),
        shown="latest by date of announcement",
        rest=f"The full list is in {data_files(ds, 'screened')}.",
    )
