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
        "corrected": int(
            ds.review[ds.review["agreement_id"].isin(own["id"])]["agreement_id"].nunique()
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
    else:
        facts["binding_phrase"] = (
            f"{style.plural(own_binding, 'legally binding agreement')} of "
            f"{binding_all} in the dataset"
        )
    peers = counts[(counts["agreements"] == n) & (counts["partner"] != partner)][
        "partner_label"
    ].tolist()
    facts["peers"] = " and ".join(peers) if peers else "no other partner"
    for code in ds.vocabulary.domains:
        facts[f"domain_{code.replace('-', '_')}"] = int(
            domains.loc[domains["domain"] == code, "agreements"].iloc[0]
        )
    return facts


def glue_all(facts: dict[str, object]) -> None:
    """Glue every fact under its own name, for {glue:text} in the prose; counts as house-style words."""
    for name, value in facts.items():
        shown = (
            style.number_word(value)
            if isinstance(value, int) and not isinstance(value, bool)
            else value
        )
        glue(name, Text(shown), display=False)
