"""Numbers and phrases for the prose, computed from the data and glued into the text."""

from __future__ import annotations

import pandas as pd
from myst_nb import glue

from indopacific_st import charts, findings, style, views
from indopacific_st.dataset import Dataset
from indopacific_st.display import Text


def partner_facts(ds: Dataset, partner: str) -> dict[str, object]:
    """What a partner chapter says in numbers."""
    own = views.for_partner(ds, partner)
    counts = views.partner_counts(ds)
    domains = views.domain_counts(ds, partner)
    signers = views.by_signatory(ds, partner)
    partner_side = signers[signers["country"] == partner]
    n = len(own)
    in_period = own[own["in_period"]]
    seed = own[own["seed_row"].notna()]
    facts = {
        "count": n,
        "count_words": style.plural(n, "agreement"),
        # The seed table is a fixed historical input; the dataset grows beyond it.
        "seed_count_words": style.plural(len(seed), "agreement"),
        "seed_count": len(seed),
        "added_count": n - len(seed),
        "added_names": findings.the_labels(own.loc[own["seed_row"].isna(), "label"]),
        "names": style.join_words(own["label"].tolist()) or "none",
        "first_name": own.iloc[0]["label"] if n else "none",
        "latest_name": own.iloc[-1]["label"] if n else "none",
        "top_domains": findings.partner_domains(ds, partner).facts["top_domains"],
        "total": ds.agreements["id"].nunique(),
        "share": style.share(n, ds.agreements["id"].nunique()),
        "rank_text": style.rank_text(counts, partner),
        "first": style.date_text(in_period["announced_date"].min(), "month")
        if len(in_period)
        else "none",
        "last": style.date_text(in_period["announced_date"].max(), "month")
        if len(in_period)
        else "none",
        "domains_covered": int((domains["agreements"] > 0).sum()),
        "domains_missing": int((domains["agreements"] == 0).sum()),
        "domains_total": len(domains),
        "binding": int(own["binding"].sum()),
        "leader_level": int(
            own["id"]
            .isin(partner_side[partner_side["category"] == "head-of-government"]["id"])
            .sum()
        ),
        "nsc_led": int(
            own["id"].isin(signers[signers["category"] == "national-security-council"]["id"]).sum()
        ),
        "commerce_led": int(
            own["id"].isin(signers[signers["category"] == "commerce-trade-industry"]["id"]).sum()
        ),
        "unsourced": int((~own["sourced"]).sum()),
        # Agreements the sources correct or qualify: every finding but a coding rule's.
        "corrected": int(
            ds.review[ds.review["agreement_id"].isin(own["id"]) & (ds.review["finding"] != "rule")][
                "agreement_id"
            ].nunique()
        ),
        "children": int((own["parent_id"] != "").sum()),
    }
    days = in_period[in_period["precision"] == "day"]["announced_date"].value_counts()
    facts["same_day_count"] = style.number_word(int(days.max())) if len(days) else "no"
    facts["same_day"] = style.date_text(days.idxmax(), "day") if len(days) else "none"
    everyone = views.by_signatory(ds)
    nsc = everyone[everyone["category"] == "national-security-council"]
    facts["nsc_partners"] = style.number_word(int(nsc["partner"].nunique()))
    facts["nsc_all"] = int(nsc["id"].nunique())
    binding_all = int(ds.agreements["binding"].sum())
    own_binding = int(own["binding"].sum())
    if own_binding and binding_all == own_binding == 1:
        facts["binding_phrase"] = "the only legally binding agreement in the dataset"
    elif own_binding == 0:
        facts["binding_phrase"] = (
            f"no legally binding agreement (the dataset holds {style.number_word(binding_all)})"
        )
    else:
        facts["binding_phrase"] = (
            f"{style.plural(own_binding, 'legally binding agreement')} of the "
            f"dataset's {style.number_word(binding_all)}"
        )
    peers = counts[(counts["agreements"] == n) & (counts["partner"] != partner)][
        "partner_label"
    ].tolist()
    facts["peers"] = " and ".join(peers) if peers else "no other partner"
    for code in ds.vocabulary.domains:
        facts[f"domain_{code.replace('-', '_')}"] = int(
            domains.loc[domains["domain"] == code, "agreements"].iloc[0]
        )
    facts.update(after_seed_facts(ds, partner))
    return facts


def after_seed_facts(ds: Dataset, partner: str | None = None) -> dict[str, object]:
    """What happened after the seed table, for one partner or all: status counts and names
    (the same finding the status chart's title states), the date the data runs to and the
    latest recorded activity."""
    status = findings.status_summary(ds, partner)
    table = views.activity(ds)
    if partner:
        table = table[table["partners"].map(lambda codes: partner in codes)]
    latest = table.iloc[-1] if len(table) else None
    return {
        **status.facts,
        "status_title": status.title,
        "change_date": findings.CHANGE_TEXT,
        "data_date": style.date_text(pd.Timestamp(ds.updated), "day"),
        "latest_activity": style.date_text(latest["date"], latest["precision"])
        if latest is not None
        else "none",
        "latest_activity_name": f"the {latest['label']}" if latest is not None else "none",
        "latest_activity_what": latest["what"] if latest is not None else "none",
    }


def flow_facts(ds: Dataset) -> dict[str, object]:
    """The selection flow's numbers, as the method chapter's figure draws them."""
    flow = views.selection_flow(ds).set_index("stage")["agreements"]
    return {
        "flow_seed": int(flow["seed"]),
        "flow_candidates": int(flow["candidates"]),
        # Every candidate found was screened against the five criteria.
        "flow_screened": int(flow["candidates"]),
        "flow_included": int(flow["included"]),
        "flow_borderline": int(flow.get("borderline", 0)),
        "flow_excluded": int(flow.get("excluded", 0)),
        "flow_dataset": int(flow["seed"] + flow["included"]),
    }


def glue_all(facts: dict[str, object]) -> None:
    """Glue every fact under its own name, for {glue:text} in the prose; counts as house-style words."""
    for name, value in facts.items():
        shown = (
            style.number_word(value)
            if isinstance(value, int) and not isinstance(value, bool)
            else value
        )
        glue(name, Text(shown), display=False)


def partners_phrase(ds: Dataset, codes: list[str], count: int) -> str:
    """'Japan and India, with six agreements each' or 'Australia (one agreement)'."""
    return style.tied([ds.vocabulary.partners[c] for c in codes], count, "agreement")


def overview_facts(ds: Dataset) -> dict[str, object]:
    """What the front page and the overview say in numbers; the cross-partner findings come from
    findings.py, which the charts' titles read too."""
    a = ds.agreements
    in_period = a[a["in_period"]]
    years = in_period["year"].value_counts().sort_index()
    counts = views.partner_counts(ds).set_index("partner")["agreements"]
    top = findings.leaders(counts)
    bottom = findings.leaders(counts, fewest=True)
    signers = views.by_signatory(ds)
    category_ids = signers.groupby("category")["id"].nunique()
    review = ds.review
    nsc_ids = signers[signers["category"] == "national-security-council"]["id"]
    leader_ids = signers[signers["category"] == "head-of-government"]["id"]
    leader_years = sorted(a[a["id"].isin(leader_ids)]["year"].unique())
    day_precise = in_period[in_period["precision"] == "day"]
    days = day_precise["announced_date"].value_counts()
    busiest_days = sorted(findings.leaders(days))
    same_day = day_precise[day_precise["announced_date"].isin(busiest_days)]
    latest = in_period[in_period["announced_date"] == in_period["announced_date"].max()]
    seed = a[a["seed_row"].notna()]
    facts = {
        "total": len(a),
        "seed_total": len(seed),
        "added_total": len(a) - len(seed),
        "added_phrase": "none added beyond it"
        if len(a) == len(seed)
        else f"{style.plural(len(a) - len(seed), 'agreement')} added beyond it under the same "
        "criteria",
        "partners": len(ds.vocabulary.partners),
        "in_period": len(in_period),
        "first": style.date_text(in_period["announced_date"].min(), "month"),
        "last": style.date_text(in_period["announced_date"].max(), "month"),
        "latest_sentence": (
            f"The latest in the dataset, {style.the_named(latest['label'])}, "
            f"{'dates' if len(latest) == 1 else 'date'} from "
            f"{style.date_text(in_period['announced_date'].max(), 'month')}"
        ),
        "first_two_years": int(years[years.index <= years.index.min() + 1].sum()),
        "first_two_years_label": style.join_words(
            [str(y) for y in years.index if y <= years.index.min() + 1]
        ),
        "top_us_sentence": top_us_signatory(signers),
        "top_partners": partners_phrase(ds, top, int(counts.max())),
        "lists_sentence": lists_sentence(ds, counts, top, bottom, len(a)),
        "bottom": partners_phrase(ds, bottom, int(counts.min())),
        "nsc_all": int(category_ids.get("national-security-council", 0)),
        "nsc_first": style.date_text(a[a["id"].isin(nsc_ids)]["announced_date"].min(), "month")
        if len(nsc_ids)
        else "none",
        "nsc_partners": style.join_words(
            [
                ds.vocabulary.partners[c]
                for c in ds.vocabulary.partners
                if c in set(signers[signers["id"].isin(nsc_ids)]["partner"])
            ]
        )
        or "none",
        "leader_level": int(category_ids.get("head-of-government", 0)),
        "leader_years": style.join_words([str(y) for y in leader_years]) or "none",
        "commerce_all": int(category_ids.get("commerce-trade-industry", 0)),
        "foreign_all": int(category_ids.get("foreign-affairs", 0)),
        "binding_all": int(a["binding"].sum()),
        "binding_sentence": binding_sentence(a),
        "same_day_count": int(days.max()) if len(days) else 0,
        "same_day_dates": style.join_words([style.date_text(d, "day") for d in busiest_days])
        or "none",
        "same_day_names": findings.the_labels(same_day["label"]),
        "corrected_agreements": int(
            review[review["finding"] == "correction"]["agreement_id"].nunique()
        ),
        "corrections": int((review["finding"] == "correction").sum()),
        "disagreements": int((review["finding"] == "disagreement").sum()),
        "criteria_findings": int((review["finding"] == "criteria").sum()),
        "precision_findings": int((review["finding"] == "precision").sum()),
        "rule_findings": int((review["finding"] == "rule").sum()),
        "rule_agreements": int(review[review["finding"] == "rule"]["agreement_id"].nunique()),
        "correction_fields": correction_fields(ds),
        "outside_criterion_1": int(a["type_outside_criterion_1"].sum()),
        "unsourced_all": int((~a["sourced"]).sum()),
        "sourced_all": int(a["sourced"].sum()),
        "links": int((a["parent_id"] != "").sum()),
        "parents_outside": len(views.parents_outside(ds)),
        "before_period": int((~a["in_period"]).sum()),
        "version": ds.version,
        "updated": style.date_text(pd.Timestamp(ds.updated), "day"),
        "dataset_title": ds.title,
        "added_names": findings.the_labels(
            a.loc[a["seed_row"].isna(), "label"]
            + " ("
            + a.loc[a["seed_row"].isna(), "partners"].map(
                lambda codes: ", ".join(ds.vocabulary.partners[c] for c in codes)
            )
            + ")"
        ),
        **after_seed_facts(ds),
        **flow_facts(ds),
    }
    activity = findings.activity_since_change(ds)
    facts.update(activity.facts)
    facts["activity_title"] = activity.title
    for name, finding in {
        "busiest": findings.busiest_year(ds),
        "domain": findings.domain_reach(ds),
        "type": findings.most_common(ds, "type"),
        "category": findings.most_common(ds, "category"),
        "multi": findings.multi_partner(ds),
    }.items():
        facts.update(finding.facts)
        facts[f"{name}_title"] = finding.title.rstrip(".")
    return facts


def lists_sentence(ds: Dataset, counts: pd.Series, top: list, bottom: list, total: int) -> str:
    """'Japan, with thirteen agreements, takes part in 30% of the agreements; at the other end
    stand Taiwan and Australia, with four agreements each' (ties said as ties)."""
    names = style.join_words([ds.vocabulary.partners[c] for c in top])
    each = " each" if len(top) > 1 else ""
    share = style.share(int(views.by_partner(ds).query("partner in @top")["id"].nunique()), total)
    return (
        f"{names}, with {style.plural(int(counts.max()), 'agreement')}{each}, "
        f"{'takes' if len(top) == 1 else 'take'} part in {share} of the agreements; at the other "
        f"end {'stands' if len(bottom) == 1 else 'stand'} "
        f"{partners_phrase(ds, bottom, int(counts.min()))}"
    )


def binding_sentence(a: pd.DataFrame) -> str:
    """How many agreements bind in law, and which (a sentence without its full stop)."""
    binding = a[a["binding"]]
    total = style.number_word(len(a))
    if binding.empty:
        return f"None of the {total} agreements is legally binding"
    verb = "is" if len(binding) == 1 else "are"
    return (
        f"Of the {total} agreements, {style.number_word(len(binding))} {verb} legally binding: "
        f"{style.the_named(binding['name'])}"
    )


def correction_fields(ds: Dataset) -> str:
    """The fields the sources correct, most corrected first (ties in the vocabulary's order):
    'date (ten), signatories (six) and type (four)'."""
    corrections = ds.review[ds.review["finding"] == "correction"]
    counts = corrections["field"].value_counts()
    order = sorted(
        counts.index, key=lambda f: (-counts[f], list(ds.vocabulary.review_fields).index(f))
    )
    return (
        style.join_words(
            [
                f"{style.lower_first(ds.vocabulary.review_fields[f])} "
                f"({style.number_word(int(counts[f]))})"
                for f in order
            ]
        )
        or "none"
    )


def top_us_signatory(signers: pd.DataFrame) -> str:
    """The U.S. institution that signs the most agreements below leader level (all, in a tie)."""
    us = signers[(signers["country"] == "US") & (signers["category"] != "head-of-government")]
    counts = us.groupby("institution_name")["id"].nunique()
    names = sorted(findings.leaders(counts))
    if not names:
        return "No U.S. institution below leader level signs an agreement."
    verb = "is" if len(names) == 1 else "are"
    return (
        f"Below leader level, the U.S. signatory with the most agreements {verb} "
        f"{style.tied(names, int(counts.max()), 'agreement')}."
    )


def glue_partner_chapter(ds: Dataset, partner: str) -> None:
    """Glue what a partner chapter shows: its facts under their own names and its charts as
    '<code>-timeline', '-share', '-domains', '-ministries', '-lineage' and '-status' (code in
    lower case: 'jp-timeline'). The lineage chart is glued even without links, so a chapter that shows it
    still builds when a data edit removes its last link."""
    glue_all(partner_facts(ds, partner))
    prefix = partner.lower()
    figures = {
        "timeline": charts.timeline_chart(ds, partner),
        "share": charts.partner_share_chart(ds, partner),
        "domains": charts.domain_chart(ds, partner),
        "ministries": charts.ministry_chart(ds, partner),
        "lineage": charts.lineage_chart(ds, partner),
        "status": charts.status_chart(ds, partner),
    }
    for name, figure in figures.items():
        glue(f"{prefix}-{name}", figure, display=False)


def glue_overview(ds: Dataset) -> None:
    """Glue what the overview shows: its facts and its charts as 'ov-timeline' and 'ov-domains'
    (with the seed/all switch), 'ov-types', 'ov-ministries', 'ov-lineage', 'ov-activity' (the
    change of administration marked) and 'ov-status'."""
    glue_all(overview_facts(ds))
    figures = {
        "timeline": charts.timeline_chart(ds),
        "domains": charts.partner_matrix(ds, "domain"),
        "types": charts.partner_matrix(ds, "type"),
        "ministries": charts.partner_matrix(ds, "category"),
        "lineage": charts.lineage_chart(ds),
        "activity": charts.activity_chart(ds),
        "status": charts.status_chart(ds),
    }
    for name, figure in figures.items():
        glue(f"ov-{name}", figure, display=False)


def glue_method(ds: Dataset) -> None:
    """Glue what the method chapter shows: the selection flow's numbers and its figure as
    'method-flow'."""
    glue_all(flow_facts(ds))
    glue("method-flow", charts.flow_chart(ds), display=False)
