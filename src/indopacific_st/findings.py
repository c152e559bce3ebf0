"""Findings across partners, each computed once: a chart's title and the prose beside it read the
same Finding. Ties are stated as ties, in the vocabulary's order, so no sort decides a winner."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from indopacific_st import style, views
from indopacific_st.dataset import Dataset


@dataclass(frozen=True)
class Finding:
    """A finding as a chart title (a full sentence) and the facts the prose glues from it."""

    title: str
    facts: dict[str, object] = field(default_factory=dict)


def leaders(counts: pd.Series, fewest: bool = False) -> list:
    """Every label that shares the highest count, or the lowest (all of them in a tie), in the
    series' order; none when nothing is counted."""
    if counts.empty or counts.max() <= 0:
        return []
    edge = counts.min() if fewest else counts.max()
    return counts[counts == edge].index.tolist()


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def busiest_year(ds: Dataset) -> Finding:
    """Which year saw the most announcements since 2021."""
    in_period = ds.agreements[ds.agreements["in_period"]]
    years = in_period["year"].value_counts().sort_index()
    top = leaders(years)
    names = style.join_words([str(y) for y in top])
    verb = "was the busiest year" if len(top) == 1 else "tie as the busiest years"
    count = int(years.max()) if len(years) else 0
    total = len(in_period)
    title = f"{names} {verb}: {count} of the {total} agreements announced since 2021" + (
        "" if len(top) == 1 else " each"
    )
    return Finding(
        title,
        {
            "busiest_year": names or "none",
            "busiest_count": count,
            "busiest_sentence": (
                f"The busiest year was {names}, with {style.number_word(count)} of the "
                f"{style.number_word(total)} agreements announced since 2021."
                if len(top) == 1
                else f"{names} tie as the busiest years, with {style.number_word(count)} of the "
                f"{style.number_word(total)} agreements announced since 2021 each."
            ),
        },
    )


def domain_reach(ds: Dataset) -> Finding:
    """Which domains reach the most partners, which are covered by the most agreements, and
    which no agreement covers."""
    labels = ds.vocabulary.domains
    table = views.by_domain(ds)
    reach = table.groupby("domain")["partner"].nunique().reindex(list(labels), fill_value=0)
    covered = table.groupby("domain")["id"].nunique().reindex(list(labels), fill_value=0)
    widest = [style.lower_first(labels[c]) for c in leaders(reach)]
    most = [style.lower_first(labels[c]) for c in leaders(covered)]
    absent = [style.lower_first(labels[c]) for c in labels if covered[c] == 0]
    partners = len(ds.vocabulary.partners)
    reach_count = int(reach.max()) if len(widest) else 0
    verb = "reaches" if len(widest) == 1 else "reach"
    share = (
        f"all {style.number_word(partners)}"
        if reach_count == partners
        else f"{reach_count} of the {partners}"
    )
    title = capitalised(f"{style.join_words(widest)} {verb} {share} partners")
    most_count = int(covered.max())
    if len(most) == 1:
        most_text = f"{most[0]} is covered by the most agreements ({style.number_word(most_count)})"
    else:
        most_text = (
            f"{style.join_words(most)} each cover {style.plural(most_count, 'agreement')}, "
            "more than any other domain"
        )
    return Finding(
        title,
        {
            "domain_reach": title,
            "domain_reach_lower": style.lower_first(title) if widest else "no domain",
            "widest_domains": style.join_words(widest) or "none",
            "widest_reach": reach_count,
            "most_covered": most_text if most else "no domain is covered",
            "absent_domains": style.join_words(absent, "or") or "none",
            "absent_count": len(absent),
            "absent_sentence": (
                f"No agreement covers {style.join_words(absent, 'or')}."
                if absent
                else "Every domain of the criterion is covered by at least one agreement."
            ),
        },
    )


def most_common(ds: Dataset, dimension: str) -> Finding:
    """The most common type of agreement, or the partner-side ministry category that signs most."""
    if dimension == "type":
        totals = (
            ds.agreements["type"].value_counts().reindex(list(ds.vocabulary.types), fill_value=0)
        )
        names = [style.lower_first(ds.vocabulary.types[c]) for c in leaders(totals)]
        plural_names = style.join_words([style.plural_noun(n) for n in names])
        verb = "are the most common type" if len(names) == 1 else "are the most common types"
        title = capitalised(
            f"{plural_names} {verb}: {int(totals.max())} of {len(ds.agreements)} agreements"
            + ("" if len(names) == 1 else " each")
        )
        return Finding(title, {"top_type": plural_names, "top_type_count": int(totals.max())})
    signers = views.by_signatory(ds)
    partner_side = signers[signers["country"] == signers["partner"]]
    totals = (
        partner_side.groupby("category")[["partner", "id"]]
        .apply(lambda g: len(g.drop_duplicates()))
        .reindex(list(ds.vocabulary.categories), fill_value=0)
    )
    names = [style.lower_first(ds.vocabulary.categories[c]) for c in leaders(totals)]
    title = (
        f"On the partners' side, {style.join_words(names)} ministries sign most often: "
        f"{style.plural(int(totals.max()), 'agreement')}" + ("" if len(names) == 1 else " each")
    )
    return Finding(title, {"top_category": style.join_words(names)})


def multi_partner(ds: Dataset) -> Finding:
    """Agreements with more than one partner, which every per-partner count includes once per
    partner."""
    multi = ds.agreements[ds.agreements["partners"].map(len) > 1]
    text = "Each mark is one agreement, placed at the date it was announced"
    note = "Agreements per partner"

    def each(verb: str) -> str:
        return style.join_words(
            [
                f"the {r.label} {verb} "
                + style.join_words([ds.vocabulary.partners[p] for p in r.partners])
                for r in multi.itertuples()
            ]
        )

    if not multi.empty:
        text += f"; {each('appears for')}"
        note += f"; {each('counts for')}"
    text += "."
    return Finding(
        text,
        {
            "counts_note": note + ".",
            "multi_partner": len(multi),
            "multi_partner_names": style.join_words(multi["label"].tolist()) or "none",
            "partner_total": int(views.partner_counts(ds)["agreements"].sum()),
        },
    )


def partner_domains(ds: Dataset, partner: str) -> Finding:
    """The domain (or tied domains) covered by most of one partner's agreements."""
    label = ds.vocabulary.partners[partner]
    counts = views.domain_counts(ds, partner).set_index("domain")["agreements"]
    total = len(views.for_partner(ds, partner))
    top = [style.lower_first(ds.vocabulary.domains[c]) for c in leaders(counts)]
    names = style.join_words(top)
    k = int(counts.max()) if len(counts) else 0
    if total == 0:
        title = f"{label}: no agreement, so no domain covered"
    elif total == 1:
        title = f"{label}'s only agreement covers {names}"
    else:
        verb = "leads" if len(top) == 1 else "lead"
        each = " each" if len(top) > 1 else ""
        title = capitalised(f"{names} {verb}: {style.portion(k, total, label)}{each}")
    return Finding(title, {"top_domains": style.tied(top, k, "agreement")})


# --- After the seed table -------------------------------------------------------------------

CHANGE_TEXT = style.date_text(pd.Timestamp(views.ADMINISTRATION_CHANGE), "day")


def status_summary(ds: Dataset, partner: str | None = None) -> Finding:
    """How many agreements (all, or one partner's) show activity since the change of
    administration, how many were renamed or replaced and by what, and how many show none."""
    table = views.status(ds)
    if partner:
        table = table[table["partners"].map(lambda codes: partner in codes)]
    owner = f"{ds.vocabulary.partners[partner]}'s" if partner else "the"
    groups = {code: table[table["status"] == code] for code in views.STATUS_LABELS}
    active, replaced, quiet = (
        groups["active-since-2025"],
        groups["replaced"],
        groups["no-activity-since-2025"],
    )
    names = table.set_index("id")["label"]
    if partner is None:  # across partners, a label such as 'Quantum joint statement' repeats
        partners = table.set_index("id")["partners"].map(
            lambda codes: ", ".join(ds.vocabulary.partners[c] for c in codes)
        )
        names = names + " (" + partners + ")"
    successions = [
        f"the {r.label} (succeeded by the {r.successor_label})" for r in replaced.itertuples()
    ]
    total = len(table)
    if total == 0:
        title = f"{capitalised(owner)} list holds no agreement, so none shows activity"
    else:
        parts = [
            f"{len(active)} of {owner} {total} agreements {verb(len(active), 'shows', 'show')} "
            "recorded activity"
        ]
        if len(replaced):
            parts.append(
                f"{len(replaced)} {verb(len(replaced), 'was', 'were')} renamed or replaced"
            )
        parts.append(f"{len(quiet)} {verb(len(quiet), 'shows', 'show')} none")
        title = f"Since {CHANGE_TEXT}, {style.join_words(parts)}"
    seed = table[table["origin"] == "seed"]
    seed_active = int((seed["status"] == "active-since-2025").sum())
    return Finding(
        title,
        {
            "active_count": len(active),
            "active_names": the_labels(names[active["id"]]),
            "replaced_count": len(replaced),
            "replaced_names": style.join_words(successions) or "none",
            "quiet_count": len(quiet),
            "quiet_names": the_labels(names[quiet["id"]]),
            "seed_active_count": seed_active,
            "seed_quiet_count": int((seed["status"] == "no-activity-since-2025").sum()),
            "seed_replaced_count": int((seed["status"] == "replaced").sum()),
        },
    )


def activity_since_change(ds: Dataset) -> Finding:
    """What the data records on and after the change of administration: new agreements, later
    events, and the agreements they concern."""
    table = views.activity(ds)
    since = table[table["since_change"]]
    announced = since[since["kind"] == "announcement"]
    events = since[since["kind"] != "announcement"]
    agreements = since["agreement_id"].nunique()
    title = (
        f"Since {CHANGE_TEXT} the data records {style.plural(len(announced), 'new agreement')} "
        f"and {style.plural(len(events), 'later event')}, for "
        f"{style.plural(agreements, 'agreement')} in all"
    )
    return Finding(
        capitalised(title),
        {
            "since_change_announced": len(announced),
            "since_change_events": len(events),
            "since_change_agreements": agreements,
        },
    )


def verb(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def the_labels(labels) -> str:
    """'the CoRe Partnership and the TRUST initiative', or 'none'."""
    return style.the_named(labels) or "none"
