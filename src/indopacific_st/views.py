"""Tidy views of the dataset: one row per agreement and partner, domain, signatory or event."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd

from indopacific_st.dataset import Dataset
from indopacific_st.validation import HOME_COUNTRY, SUCCESSION_KINDS

US_LABEL = "United States"


def by_partner(ds: Dataset, partner: str | None = None) -> pd.DataFrame:
    """One row per agreement and partner (a trilateral agreement counts once for each partner),
    for every partner or only the one given."""
    table = ds.agreements.explode("partners").rename(columns={"partners": "partner"})
    if partner:
        check_partner(ds, partner)
        table = table[table["partner"] == partner]
    table["partner_label"] = table["partner"].map(ds.vocabulary.partners)
    return with_origin(ds, table).reset_index(drop=True)


def for_partner(ds: Dataset, partner: str) -> pd.DataFrame:
    """The agreements one partner takes part in, in order of announcement."""
    check_partner(ds, partner)
    mask = ds.agreements["partners"].map(lambda codes: partner in codes)
    return ds.agreements[mask].reset_index(drop=True)


def check_partner(ds: Dataset, partner: str) -> None:
    if partner not in ds.vocabulary.partners:
        allowed = ", ".join(ds.vocabulary.partners)
        raise ValueError(f"Unknown partner code {partner!r}; use one of {allowed}.")


def partner_counts(ds: Dataset) -> pd.DataFrame:
    """Agreements per partner, in the vocabulary's order, zero included."""
    counts = by_partner(ds).groupby("partner").size()
    table = pd.DataFrame({"partner": list(ds.vocabulary.partners)})
    table["partner_label"] = table["partner"].map(ds.vocabulary.partners)
    table["agreements"] = table["partner"].map(counts).fillna(0).astype(int)
    return table


def by_domain(ds: Dataset, partner: str | None = None) -> pd.DataFrame:
    """One row per agreement, partner and domain."""
    table = by_partner(ds, partner).explode("domains").rename(columns={"domains": "domain"})
    table["domain_label"] = table["domain"].map(ds.vocabulary.domains)
    return table.reset_index(drop=True)


def domain_counts(ds: Dataset, partner: str | None = None) -> pd.DataFrame:
    """Agreements per domain (every domain of criterion #5, zero included), for one partner or all."""
    counts = by_domain(ds, partner).groupby("domain")["id"].nunique()
    result = pd.DataFrame({"domain": list(ds.vocabulary.domains)})
    result["domain_label"] = result["domain"].map(ds.vocabulary.domains)
    result["agreements"] = result["domain"].map(counts).fillna(0).astype(int)
    return result


def by_signatory(ds: Dataset, partner: str | None = None) -> pd.DataFrame:
    """One row per agreement, partner and signing institution, with the institution's side."""
    table = (
        by_partner(ds, partner)
        .explode("signatories")
        .rename(columns={"signatories": "institution"})
    )
    institutions = ds.institutions.set_index("id")
    table["institution_name"] = table["institution"].map(institutions["name"])
    table["country"] = table["institution"].map(institutions["country"])
    table["category"] = table["institution"].map(institutions["category"])
    table["category_label"] = table["category"].map(ds.vocabulary.categories)
    labels = {HOME_COUNTRY: US_LABEL, **ds.vocabulary.partners}
    table["side"] = table["country"].map(labels)
    # A trilateral agreement's third country signs too; it is neither the U.S. nor this partner.
    table = table[(table["country"] == HOME_COUNTRY) | (table["country"] == table["partner"])]
    return table.reset_index(drop=True)


def category_counts(ds: Dataset, partner: str) -> pd.DataFrame:
    """For one partner: how many agreements each ministry category signed, per side."""
    table = by_signatory(ds, partner)
    counts = table.groupby(["side", "category"])["id"].nunique().rename("agreements").reset_index()
    counts["category_label"] = counts["category"].map(ds.vocabulary.categories)
    return counts


# What a timeline row says about its agreement, whether the row is the announcement or a later event.
AGREEMENT_COLUMNS = [
    "id",
    "name",
    "label",
    "summary",
    "partner",
    "partner_label",
    "type_label",
    "in_period",
    "origin",
    "origin_label",
]


def timeline(ds: Dataset, partner: str | None = None) -> pd.DataFrame:
    """Announcements and later events, one row per event and partner."""
    base = by_partner(ds, partner)
    agreement = base[AGREEMENT_COLUMNS]
    announced = agreement.assign(
        date=base["announced_date"],
        precision=base["precision"],
        event="Announced",
        kind="announcement",
    )
    events = ds.events.merge(agreement, left_on="agreement_id", right_on="id")
    events = events.assign(date=events["event_date"], kind="later event")[announced.columns]
    table = pd.concat([announced, events], ignore_index=True)
    return table.sort_values(["date", "id"]).reset_index(drop=True)


def lineage(ds: Dataset, partner: str | None = None) -> pd.DataFrame:
    """Parent -> child links between agreements in the dataset."""
    agreements = ds.agreements.set_index("id")
    links = ds.agreements[ds.agreements["parent_id"] != ""][["parent_id", "id", "name"]]
    links = links.rename(columns={"id": "child_id", "name": "child_name"})
    links["parent_name"] = links["parent_id"].map(agreements["name"])
    if partner:
        check_partner(ds, partner)
        involved = set(for_partner(ds, partner)["id"])
        links = links[links["child_id"].isin(involved) | links["parent_id"].isin(involved)]
    return links.reset_index(drop=True)


def parents_outside(ds: Dataset, partner: str | None = None) -> pd.DataFrame:
    """Agreements whose documented parent is not itself in the dataset."""
    table = for_partner(ds, partner) if partner else ds.agreements
    mask = table["parent"].fillna("").ne("") & table["parent_id"].eq("")
    return table[mask][["id", "name", "parent"]].reset_index(drop=True)


# --- After the seed table: activity, status and the selection of added agreements -------------

# The change of U.S. administration: activity on or after this day counts as "since 2025".
ADMINISTRATION_CHANGE = dt.date(2025, 1, 20)
# Whether an agreement is a row of the seed table or was added since: every chart and table says it.
ORIGIN_LABELS = {"seed": "Seed table", "added": "Added since the seed"}
STATUS_LABELS = {
    "replaced": "Renamed or replaced",
    "active-since-2025": "Activity recorded since 20 January 2025",
    "no-activity-since-2025": "No activity recorded since 20 January 2025",
}


def origin(ds: Dataset) -> pd.Series:
    """'seed' or 'added' for each agreement id."""
    seed = ds.agreements["seed_row"].notna()
    return pd.Series(seed.map({True: "seed", False: "added"}).values, index=ds.agreements["id"])


def with_origin(ds: Dataset, table: pd.DataFrame, id_column: str = "id") -> pd.DataFrame:
    """The table with each row's 'origin' ('seed' or 'added') and its 'origin_label'."""
    codes = table[id_column].map(origin(ds))
    return table.assign(origin=codes, origin_label=codes.map(ORIGIN_LABELS))


def seed_only(ds: Dataset) -> Dataset:
    """The dataset cut back to the seed table's rows and their events: what the seed alone gives."""
    agreements = ds.agreements[ds.agreements["seed_row"].notna()].reset_index(drop=True)
    events = ds.events[ds.events["agreement_id"].isin(agreements["id"])].reset_index(drop=True)
    return dataclasses.replace(ds, agreements=agreements, events=events)


def since_change(dates: pd.Series) -> pd.Series:
    """Whether each date falls on or after the change of administration. A month or a year counts
    only when it begins on or after that day, so a coarse date is never read as later than it is."""
    # A coarse date is stored as the first day it covers, so comparing that day is enough.
    return dates.ge(pd.Timestamp(ADMINISTRATION_CHANGE))


def activity(ds: Dataset) -> pd.DataFrame:
    """One row per announcement or later event: date, agreement, partners, kind, seed or added."""
    agreements = ds.agreements.set_index("id")
    announced = pd.DataFrame(
        {
            "agreement_id": ds.agreements["id"],
            "date": ds.agreements["announced_date"],
            "precision": ds.agreements["precision"],
            "kind": "announcement",
            "what": "Announced",
            "successor_id": "",
            "sources": ds.agreements["sources"],
        }
    )
    events = ds.events.drop(columns="date").rename(columns={"event_date": "date", "event": "what"})
    table = pd.concat([announced, events[announced.columns]], ignore_index=True)
    table["label"] = table["agreement_id"].map(agreements["label"])
    table["partners"] = table["agreement_id"].map(agreements["partners"])
    table["partner_labels"] = table["partners"].map(
        lambda codes: "; ".join(ds.vocabulary.partners[c] for c in codes)
    )
    kinds = {"announcement": "Announcement", **ds.vocabulary.event_kinds}
    table["kind_label"] = table["kind"].map(kinds)
    table = with_origin(ds, table, "agreement_id")
    table["since_change"] = since_change(table["date"])
    return table.sort_values(["date", "agreement_id"]).reset_index(drop=True)


def status(ds: Dataset) -> pd.DataFrame:
    """One row per agreement: its last recorded activity, its successor if it was renamed or
    replaced, and its status as of the data date."""
    table = activity(ds)
    last = table.groupby("agreement_id").tail(1).set_index("agreement_id")
    succession = table[table["kind"].isin(SUCCESSION_KINDS)].groupby("agreement_id").tail(1)
    successors = succession.set_index("agreement_id")["successor_id"]
    active = table.groupby("agreement_id")["since_change"].any()
    result = with_origin(ds, ds.agreements[["id", "label", "partners"]])
    result["last_date"] = result["id"].map(last["date"])
    result["last_precision"] = result["id"].map(last["precision"])
    result["last_kind"] = result["id"].map(last["kind"])
    result["last_activity"] = result["id"].map(last["what"])
    result["successor_id"] = result["id"].map(successors).fillna("")
    labels = ds.agreements.set_index("id")["label"]
    result["successor_label"] = result["successor_id"].map(labels).fillna("")
    result["status"] = "no-activity-since-2025"
    result.loc[result["id"].map(active), "status"] = "active-since-2025"
    result.loc[result["successor_id"].ne(""), "status"] = "replaced"
    result["status_label"] = result["status"].map(STATUS_LABELS)
    return result.reset_index(drop=True)


def selection_flow(ds: Dataset) -> pd.DataFrame:
    """The selection as a flow, each number counted from the rows: seed rows, candidates found
    after the seed table (all screened), included, borderline and excluded."""
    added = int(ds.agreements["seed_row"].isna().sum())
    verdicts = ds.screened["verdict"].value_counts()
    stages = [
        ("seed", "Seed table rows", int(ds.agreements["seed_row"].notna().sum())),
        ("candidates", "Candidates found and screened", added + len(ds.screened)),
        ("included", "Included (meet all five criteria)", added),
        *(
            (code, label, int(verdicts.get(code, 0)))
            for code, label in ds.vocabulary.verdicts.items()
        ),
    ]
    return pd.DataFrame(stages, columns=["stage", "label", "agreements"])
