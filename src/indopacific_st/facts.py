"""Numbers and phrases for the prose, computed from the data and glued into the text."""

from __future__ import annotations

from myst_nb import glue

from indopacific_st import style, views
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
    facts = {
        "count": n,
        "count_words": style.plural(n, "agreement"),
        "total": ds.agreements["id"].nunique(),
        "share": style.share(n, ds.agreements["id"].nunique()),
        "rank_text": style.rank_text(counts, partner),
        "first": style.date_text(in_period["announced_date"].min(), "month") if len(in_period) else "none",
        "last": style.date_text(in_period["announced_date"].max(), "month") if len(in_period) else "none",
        "domains_covered": int((domains["agreements"] > 0).sum()),
        "domains_missing": int((domains["agreements"] == 0).sum()),
        "domains_total": len(domains),
        "binding": int(own["binding"].sum()),
        "leader_level": int(own["id"].isin(
            partner_side[partner_side["category"] == "head-of-government"]["id"]).sum()),
        "nsc_led": int(own["id"].isin(
            signers[signers["category"] == "national-security-council"]["id"]).sum()),
        "commerce_led": int(own["id"].isin(
            signers[signers["category"] == "commerce-trade-industry"]["id"]).sum()),
        "unsourced": int((~own["sourced"]).sum()),
        "corrected": int(ds.review[ds.review["agreement_id"].isin(own["id"])]["agreement_id"].nunique()),
        "children": int((own["parent_id"] != "").sum()),
    }
    for code in ds.vocabulary.domains:
        facts[f"domain_{code.replace('-', '_')}"] = int(
            domains.loc[domains["domain"] == code, "agreements"].iloc[0])
    return facts


def glue_all(facts: dict[str, object]) -> None:
    """Glue every fact under its own name, for {glue:text} in the chapter's prose."""
    for name, value in facts.items():
        glue(name, Text(value), display=False)
