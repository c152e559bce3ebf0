"""Tables for the chapters, with each agreement's sources cited from references.bib."""

from __future__ import annotations

import pandas as pd

from indopacific_st import style, views
from indopacific_st.dataset import Dataset
from indopacific_st.display import Table, citations
from indopacific_st.validation import SOURCE_KINDS

ORIGIN = "Origin"


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


def agreements_table(ds: Dataset, partner: str | None = None) -> Table:
    """One line per agreement: name, date, type, who signed, domains and cited sources."""
    table = views.for_partner(ds, partner) if partner else ds.agreements
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
                lambda codes: ", ".join(ds.vocabulary.domains[c] for c in codes)
            ),
            ORIGIN: origin_column(ds, table["id"]),
            "Sources": table["sources"].map(lambda keys: sources_by_kind(ds, keys)),
        }
    )
    widths = (28, 11, 10, 26, 18, 9, 15)
    if partner is None:
        rows.insert(
            1,
            "Partners",
            table["partners"].map(
                lambda codes: ", ".join(ds.vocabulary.partners[c] for c in codes)
            ),
        )
        widths = (24, 10, 10, 10, 23, 16, 9, 14)
    return Table(
        rows,
        markdown_columns=("Sources",),
        widths=widths,
        caption=f"Agreements with {ds.vocabulary.partners[partner]}"
        if partner
        else "Every agreement in the dataset",
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
        caption="What the seed table says and what the sources say",
    )


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
        partners = ", ".join(ds.vocabulary.partners[c] for c in r["partners"])
        checks.append(
            (
                r["name"],
                "Partners (criterion #3)",
                f"Involves {partners}: one seed row, counted for each partner here.",
            )
        )
    for _, r in a[~a["sourced"]].iterrows():
        checks.append(
            (r["name"], "Sources", "No public record was found; the row rests on the seed alone.")
        )
    rows = pd.DataFrame(checks, columns=["Agreement", "Check", "What the data shows"])
    rows.insert(1, ORIGIN, rows["Agreement"].map(origins))
    return Table(rows, caption="Rows that strain the seed table's own criteria")


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
    return Table(frame, caption="Institutions that signed or led the agreements")


def dictionary_table(ds: Dataset, resource: str) -> Table:
    """The data dictionary of one CSV file, from data/datapackage.json."""
    entry = next(r for r in ds.descriptor["resources"] if r["name"] == resource)
    rows = []
    for field in entry["schema"]["fields"]:
        allowed = ", ".join(c["value"] for c in field.get("categories", []))
        required = "yes" if field.get("constraints", {}).get("required") else "no"
        kind = field["type"] if field["type"] != "list" else "list (separated by ';')"
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
    return Table(frame, caption=f"Data dictionary: {resource}")


def status_table(ds: Dataset, partner: str | None = None) -> Table:
    """Each agreement's status as of the data date: last recorded activity, successor, and the
    sources of that activity."""
    table = views.status(ds)
    if partner:
        table = table[table["partners"].map(lambda codes: partner in codes)]
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
        caption="Each agreement's status as of the data date",
    )


def screened_table(ds: Dataset, verdicts: tuple[str, ...] | None = None) -> Table:
    """The candidates screened out or left borderline: the criterion each fails, why, and the
    sources."""
    screened = ds.screened
    if verdicts:
        screened = screened[screened["verdict"].isin(verdicts)]
    criteria = ds.vocabulary.criteria
    rows = pd.DataFrame(
        {
            "Candidate": screened["name"],
            "Partners": screened["partners"].map(
                lambda codes: ", ".join(ds.vocabulary.partners[c] for c in codes)
            ),
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
    )
