"""The report's charts. Each returns a Figure whose title states its finding, computed from the data."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import altair as alt
import pandas as pd

from indopacific_st import findings, style, views
from indopacific_st.dataset import Dataset
from indopacific_st.display import Figure

FOOTNOTE_SIZE = 10
FOOTNOTE_CHARS = 100
TITLE_CHARS = 75


def partner_scale(ds: Dataset, field: str = "partner_label") -> dict:
    """Colour and shape scales that give each partner the same look in every chart."""
    codes = list(ds.vocabulary.partners)
    labels = [ds.vocabulary.partners[c] for c in codes]
    return {
        "color": alt.Color(
            f"{field}:N",
            title="Partner",
            scale=alt.Scale(domain=labels, range=[style.PARTNER_COLOURS[c] for c in codes]),
        ),
        "shape": alt.Shape(
            f"{field}:N",
            title="Partner",
            scale=alt.Scale(domain=labels, range=[style.PARTNER_SHAPES[c] for c in codes]),
        ),
    }


def finish(
    chart: alt.Chart, ds: Dataset, title: str, subtitle: str, description: str, note: str = ""
) -> Figure:
    """Add the finding as title, what is shown as subtitle, and the source note underneath."""
    # Wrapped to the chart's width, so the figure does not widen (and print smaller) for its notes.
    lines = textwrap.wrap(note, FOOTNOTE_CHARS) if note else []
    lines += textwrap.wrap(f"Source: {ds.citation}.", FOOTNOTE_CHARS)
    footer = (
        alt.Chart(pd.DataFrame({"note": ["\n".join(lines)]}))
        .mark_text(
            align="left",
            baseline="top",
            fontSize=FOOTNOTE_SIZE,
            color=style.NEUTRAL,
            lineBreak="\n",
        )
        .encode(x=alt.value(0), y=alt.value(0), text="note:N")
        .properties(width=style.WIDTH, height=(FOOTNOTE_SIZE + 4) * len(lines))
    )
    combined = (
        alt.vconcat(chart, footer, spacing=6)
        .properties(
            title=alt.TitleParams(
                textwrap.wrap(title, TITLE_CHARS), subtitle=textwrap.wrap(subtitle, FOOTNOTE_CHARS)
            ),
            description=description,
        )
        .configure(**style.vega_config())
    )
    return Figure(combined, description)


def listing(intro: str, parts: Iterable[str]) -> str:
    """A description for screen readers: an opening phrase, then the chart's values one by one."""
    return intro + "; ".join(parts) + "."


def date_label(frame: pd.DataFrame, date: str = "date", precision: str = "precision") -> pd.Series:
    return pd.Series(
        [style.date_text(d, p) for d, p in zip(frame[date], frame[precision], strict=True)],
        index=frame.index,
        dtype=object,
    )


# --- Timelines ------------------------------------------------------------------------------


def timeline_chart(ds: Dataset, partner: str | None = None) -> Figure:
    """Announcements over time: all partners on one axis, or one partner's agreements row by row."""
    table = views.timeline(ds, partner)
    table["when"] = date_label(table)
    table["event_date_iso"] = table["date"].dt.strftime("%Y-%m-%d")
    outside = table[(table["kind"] == "announcement") & ~table["in_period"]]
    table = table[table["date"] >= pd.Timestamp(2021, 1, 1)]
    scales = partner_scale(ds)
    tooltip = [
        alt.Tooltip("name:N", title="Agreement"),
        alt.Tooltip("partner_label:N", title="Partner"),
        alt.Tooltip("event:N", title="Event"),
        alt.Tooltip("when:N", title="Date"),
        alt.Tooltip("type_label:N", title="Type"),
        alt.Tooltip("summary:N", title="What it is"),
    ]
    end = max(
        ds.agreements["announced_date"].max(),
        ds.events["event_date"].max() if len(ds.events) else pd.Timestamp(2021, 1, 1),
    )
    x = alt.X(
        "date:T",
        title=None,
        axis=alt.Axis(format="%Y", tickCount="year", grid=True),
        scale=alt.Scale(
            domain=[
                pd.Timestamp(2021, 1, 1).isoformat(),
                (end + pd.DateOffset(months=3)).isoformat(),
            ]
        ),
    )
    announced = table[table["kind"] == "announcement"]
    note = ""
    if len(outside):
        names = "; ".join(
            f"{r['name']} ({style.date_text(r['date'], r['precision'])})"
            for _, r in outside.iterrows()
        )
        note = f"Announced before 2021 and not plotted: {names}."

    if partner is None:
        years = announced["date"].dt.year.value_counts().sort_index()
        total = announced["id"].nunique()
        title = findings.busiest_year(ds).title
        base = alt.Chart(announced).encode(
            x=x,
            y=alt.Y("partner_label:N", title=None, sort=list(ds.vocabulary.partners.values())),
            color=scales["color"],
            shape=scales["shape"],
            tooltip=tooltip,
        )
        chart = base.mark_point(
            size=140, filled=True, opacity=0.85, stroke="white", strokeWidth=0.8
        )
        chart = chart.properties(width=style.WIDTH, height=style.ROW_HEIGHT * 6 + 20)
        subtitle = findings.multi_partner(ds).title
        description = listing(
            f"Timeline of {total} agreements announced from 2021, one row per partner. ",
            (f"{y}: {n}" for y, n in years.items()),
        )
        return finish(chart, ds, title, subtitle, description, note)

    label = ds.vocabulary.partners[partner]
    order = announced.sort_values("date")["label"].tolist()
    order += [n for n in table["label"].unique() if n not in order]
    first, last = announced["date"].min(), announced["date"].max()
    count = len(announced)
    if count:
        span = (
            f"between {style.date_text(first, 'month')} and {style.date_text(last, 'month')}"
            if first != last
            else f"in {style.date_text(first, 'month')}"
        )
        title = f"{label}: {count} agreement{'s' if count != 1 else ''} announced {span}"
    else:
        title = f"{label}: no agreement announced since 2021"
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=330))
    spans = table.groupby("label")["date"].agg(["min", "max"]).reset_index()
    rules = (
        alt.Chart(spans)
        .mark_rule(color=style.LIGHT, strokeWidth=2)
        .encode(x=alt.X("min:T"), x2="max:T", y=y)
    )
    marks = (
        alt.Chart(table)
        .mark_point(size=130, strokeWidth=2)
        .encode(
            x=x,
            y=y,
            shape=scales["shape"].legend(None),
            color=alt.value(style.PARTNER_COLOURS[partner]),
            fill=alt.condition(
                alt.datum.kind == "announcement",
                alt.value(style.PARTNER_COLOURS[partner]),
                alt.value("white"),
            ),
            tooltip=tooltip,
        )
    )
    chart = (rules + marks).properties(
        width=style.WIDTH - 200, height=style.ROW_HEIGHT * max(len(order), 2)
    )
    subtitle = (
        "Filled marks: announcement. Open marks: later rounds, first meetings, entry into force."
    )
    description = listing(
        f"Timeline of {label}'s agreements. ",
        (f"{r['name']}: {style.lower_first(r['event'])} {r['when']}" for _, r in table.iterrows()),
    )
    return finish(chart, ds, title, subtitle, description, note)


# --- Domains --------------------------------------------------------------------------------


def domain_chart(ds: Dataset, partner: str) -> Figure:
    """How many of one partner's agreements cover each domain of criterion #5, zeros shown."""
    label = ds.vocabulary.partners[partner]
    counts = domain_counts_sorted(ds, partner)
    total = len(views.for_partner(ds, partner))
    missing = int((counts["agreements"] == 0).sum())
    title = findings.partner_domains(ds, partner).title
    bars = alt.Chart(counts).encode(
        y=alt.Y("domain_label:N", title=None, sort=counts["domain_label"].tolist()),
        x=alt.X(
            "agreements:Q",
            title="Agreements covering the domain",
            axis=alt.Axis(tickMinStep=1, format="d"),
            scale=alt.Scale(domain=[0, max(total, 1)]),
        ),
        tooltip=[
            alt.Tooltip("domain_label:N", title="Domain"),
            alt.Tooltip("agreements:Q", title="Agreements"),
        ],
    )
    chart = bars.mark_bar(color=style.PARTNER_COLOURS[partner], height=14) + bars.mark_text(
        align="left", dx=4, color="#222222"
    ).encode(text="agreements:Q")
    chart = chart.properties(width=style.WIDTH - 200, height=style.ROW_HEIGHT * len(counts))
    subtitle = (
        f"Agreements covering each technology domain of criterion #5; one agreement can cover "
        f"several. {style.plural(missing, 'domain').capitalize()} with none."
    )
    description = listing(
        f"Bar chart of {label}'s agreements by domain: ",
        (f"{r['domain_label']} {r['agreements']}" for _, r in counts.iterrows()),
    )
    return finish(chart, ds, title, subtitle, description)


def domain_counts_sorted(ds: Dataset, partner: str | None = None) -> pd.DataFrame:
    counts = views.domain_counts(ds, partner)
    counts["order"] = range(len(counts))
    return counts.sort_values(["agreements", "order"], ascending=[False, True]).reset_index(
        drop=True
    )


# --- Ministries -----------------------------------------------------------------------------


def ministry_chart(ds: Dataset, partner: str) -> Figure:
    """Which ministry categories sign one partner's agreements, U.S. side beside the partner's."""
    label = ds.vocabulary.partners[partner]
    counts = views.category_counts(ds, partner)
    total = len(views.for_partner(ds, partner))
    categories = list(ds.vocabulary.categories.values())
    sides = [views.US_LABEL, label]
    own = counts[counts["side"] == label].sort_values("agreements", ascending=False)
    top = own[own["agreements"] == own["agreements"].max()]
    k = int(top["agreements"].iloc[0]) if len(top) else 0
    if total == 0:
        title = f"{label}: no agreement, so no signing ministry to show"
    elif len(top) > 2:
        title = (
            f"{label}'s signatures are spread: {len(top)} ministry categories each sign "
            f"{style.portion(k, total, label)}"
        )
    else:
        title = (
            f"{label}'s most frequent signator{'ies' if len(top) > 1 else 'y'}: "
            f"{' and '.join(style.lower_first(c) for c in top['category_label'])} "
            f"({style.portion(k, total, label)}{' each' if len(top) > 1 else ''})"
        )
    full = pd.MultiIndex.from_product([sides, categories], names=["side", "category_label"])
    grid = counts.set_index(["side", "category_label"])["agreements"].reindex(full, fill_value=0)
    grid = grid.reset_index()
    colour = alt.Color(
        "side:N",
        title=None,
        scale=alt.Scale(domain=sides, range=[style.US_COLOUR, style.PARTNER_COLOURS[partner]]),
    )
    base = alt.Chart(grid).encode(
        y=alt.Y("category_label:N", title=None, sort=categories, axis=alt.Axis(labelLimit=330)),
        yOffset=alt.YOffset("side:N", sort=sides),
        x=alt.X(
            "agreements:Q",
            title="Agreements signed",
            axis=alt.Axis(tickMinStep=1, format="d"),
            scale=alt.Scale(domain=[0, max(total, 1)]),
        ),
        tooltip=[
            alt.Tooltip("side:N", title="Side"),
            alt.Tooltip("category_label:N", title="Ministry"),
            alt.Tooltip("agreements:Q", title="Agreements"),
        ],
    )
    chart = base.mark_bar(height=9).encode(color=colour) + base.transform_filter(
        alt.datum.agreements > 0
    ).mark_text(align="left", dx=3, fontSize=9, color="#222222").encode(text="agreements:Q")
    chart = chart.properties(
        width=style.WIDTH - 230, height=style.ROW_HEIGHT * 1.6 * len(categories)
    )
    subtitle = (
        f"Agreements each ministry category signed or co-led, for the United States (dark) and "
        f"{label} (colour); categories follow the seed's criterion #2."
    )
    description = listing(
        f"Grouped bar chart of signing ministries for {label}'s agreements: ",
        (
            f"{r['side']} {r['category_label']} {r['agreements']}"
            for _, r in grid.iterrows()
            if r["agreements"]
        ),
    )
    return finish(chart, ds, title, subtitle, description)


# --- Comparisons across partners ------------------------------------------------------------


def partner_share_chart(ds: Dataset, partner: str) -> Figure:
    """Agreements per partner with one partner highlighted."""
    counts = views.partner_counts(ds)
    label = ds.vocabulary.partners[partner]
    mine = int(counts.loc[counts["partner"] == partner, "agreements"].iloc[0])
    total = ds.agreements["id"].nunique()
    title = f"{label} takes part in {mine} of the {total} agreements, {style.rank_text(counts, partner)}"
    counts["highlight"] = counts["partner"].eq(partner)
    base = alt.Chart(counts).encode(
        y=alt.Y("partner_label:N", title=None, sort=list(ds.vocabulary.partners.values())),
        x=alt.X("agreements:Q", title="Agreements", axis=alt.Axis(tickMinStep=1, format="d")),
        tooltip=[
            alt.Tooltip("partner_label:N", title="Partner"),
            alt.Tooltip("agreements:Q", title="Agreements"),
        ],
    )
    chart = base.mark_bar(height=16).encode(
        color=alt.condition(
            alt.datum.highlight, alt.value(style.PARTNER_COLOURS[partner]), alt.value(style.LIGHT)
        )
    ) + base.mark_text(align="left", dx=4, color="#222222").encode(text="agreements:Q")
    chart = chart.properties(width=style.WIDTH - 160, height=style.ROW_HEIGHT * 6 + 10)
    subtitle = findings.multi_partner(ds).facts["counts_note"]
    description = listing(
        "Bar chart of agreements per partner: ",
        (f"{r['partner_label']} {r['agreements']}" for _, r in counts.iterrows()),
    )
    return finish(chart, ds, title, subtitle, description)


MATRIX_DIMENSIONS = {
    "domain": ("Technology domain", "domains"),
    "type": ("Type of agreement", "types"),
    "category": ("Partner's signing ministry", "categories"),
}


def partner_matrix(ds: Dataset, dimension: str) -> Figure:
    """Partner x domain, type or ministry category: how many agreements fall in each cell."""
    heading, vocabulary_name = MATRIX_DIMENSIONS[dimension]
    labels = getattr(ds.vocabulary, vocabulary_name)
    if dimension == "domain":
        long = views.by_domain(ds).rename(columns={"domain": "code"})
    elif dimension == "type":
        long = views.by_partner(ds).rename(columns={"type": "code"})
    else:
        long = views.by_signatory(ds)
        long = long[long["country"] == long["partner"]].rename(columns={"category": "code"})
    counts = long.groupby(["partner", "code"])["id"].nunique().rename("agreements")
    full = pd.MultiIndex.from_product(
        [list(ds.vocabulary.partners), list(labels)], names=["partner", "code"]
    )
    grid = counts.reindex(full, fill_value=0).reset_index()
    grid["partner_label"] = grid["partner"].map(ds.vocabulary.partners)
    grid["label"] = grid["code"].map(labels)
    gap = ""
    if dimension == "domain":
        finding = findings.domain_reach(ds)
        gap = finding.facts["absent_sentence"] + " "
    else:
        finding = findings.most_common(ds, dimension)
    title = finding.title
    present = [labels[c] for c in labels]
    base = alt.Chart(grid).encode(
        x=alt.X(
            "partner_label:N",
            title=None,
            sort=list(ds.vocabulary.partners.values()),
            axis=alt.Axis(orient="top", labelAngle=0),
        ),
        y=alt.Y("label:N", title=None, sort=present, axis=alt.Axis(labelLimit=330)),
        tooltip=[
            alt.Tooltip("partner_label:N", title="Partner"),
            alt.Tooltip("label:N", title=heading),
            alt.Tooltip("agreements:Q", title="Agreements"),
        ],
    )
    top_count = max(int(grid["agreements"].max()), 1)
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color(
            "agreements:Q",
            title="Agreements",
            legend=None,
            scale=alt.Scale(domain=[0, top_count], range=["#F2F2F2", "#08306B"]),
        )
    )
    text = base.mark_text(fontSize=11).encode(
        text=alt.condition(alt.datum.agreements > 0, "agreements:Q", alt.value("·")),
        color=alt.condition(
            alt.datum.agreements > top_count / 2, alt.value("white"), alt.value("#222222")
        ),
    )
    chart = (cells + text).properties(
        width=style.WIDTH - 220, height=style.ROW_HEIGHT * 1.2 * len(present)
    )
    subtitle = gap + (
        f"Agreements per partner and {heading.lower()}; darker cells hold more agreements."
    )
    description = listing(
        f"Matrix of agreements by partner and {heading.lower()}: ",
        (
            f"{r['partner_label']} {r['label']} {r['agreements']}"
            for _, r in grid.iterrows()
            if r["agreements"]
        ),
    )
    return finish(chart, ds, title, subtitle, description)


# --- Lineage --------------------------------------------------------------------------------


def lineage_chart(ds: Dataset, partner: str | None = None) -> Figure:
    """Agreements that grew out of an earlier agreement in the dataset, drawn parent to child."""
    links = views.lineage(ds, partner)
    agreements = ds.agreements.set_index("id")
    depth: dict[str, int] = {}

    def level(node: str) -> int:
        parent = agreements.at[node, "parent_id"]
        if node not in depth:
            depth[node] = 0 if not parent else level(parent) + 1
        return depth[node]

    nodes = sorted(set(links["parent_id"]) | set(links["child_id"]))
    for node in nodes:
        level(node)
    # Order rows so that children sit under their parent.
    rows: list[str] = []

    def place(node: str) -> None:
        rows.append(node)
        for child in sorted(links.loc[links["parent_id"] == node, "child_id"]):
            if child in nodes:
                place(child)

    for root in [n for n in nodes if depth[n] == 0 or agreements.at[n, "parent_id"] not in nodes]:
        place(root)
    frame = pd.DataFrame({"id": rows})
    frame["row"] = range(len(rows))
    frame["level"] = frame["id"].map(depth)
    frame["name"] = frame["id"].map(agreements["name"])
    frame["label"] = frame["id"].map(agreements["label"])
    frame["partner_label"] = frame["id"].map(
        lambda i: " and ".join(ds.vocabulary.partners[p] for p in agreements.at[i, "partners"])
    )
    frame["first_partner"] = frame["id"].map(
        lambda i: ds.vocabulary.partners[agreements.at[i, "partners"][0]]
    )
    frame["when"] = frame["id"].map(
        lambda i: style.date_text(agreements.at[i, "announced_date"], agreements.at[i, "precision"])
    )
    frame["caption"] = frame["label"] + " (" + frame["partner_label"] + ")"
    position = frame.set_index("id")
    edges = links.assign(
        x=links["parent_id"].map(position["level"]),
        y=links["parent_id"].map(position["row"]),
        x2=links["child_id"].map(position["level"]),
        y2=links["child_id"].map(position["row"]),
    )
    count = len(links)
    where = f" for {ds.vocabulary.partners[partner]}" if partner else ""
    title = (
        f"{style.plural(count, 'agreement').capitalize()}{where} grew out of an earlier one in the dataset"
        if count != 1
        else f"One agreement{where} grew out of an earlier one in the dataset"
    )
    height = style.ROW_HEIGHT * 1.4 * max(len(rows), 2)
    x_scale = alt.Scale(domain=[-0.1, max(frame["level"].max(), 1) + 1.6])
    y_scale = alt.Scale(domain=[-0.6, max(len(rows) - 0.4, 1)], reverse=True)
    x = alt.X("level:Q", axis=None, scale=x_scale)
    y = alt.Y("row:Q", axis=None, scale=y_scale)
    lines = (
        alt.Chart(edges)
        .mark_rule(color=style.NEUTRAL, strokeWidth=1.5)
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=None),
            y=alt.Y("y:Q", scale=y_scale, axis=None),
            x2="x2:Q",
            y2="y2:Q",
        )
    )
    scales = partner_scale(ds, "first_partner")
    points = (
        alt.Chart(frame)
        .mark_point(size=150, filled=True)
        .encode(
            x=x,
            y=y,
            color=scales["color"].legend(None),
            shape=scales["shape"].legend(None),
            tooltip=[
                alt.Tooltip("name:N", title="Agreement"),
                alt.Tooltip("partner_label:N", title="Partner"),
                alt.Tooltip("when:N", title="Announced"),
            ],
        )
    )
    labels = (
        alt.Chart(frame)
        .mark_text(align="left", dx=10, fontSize=11)
        .encode(x=x, y=y, text="caption:N")
    )
    chart = (lines + points + labels).properties(width=style.WIDTH, height=height)
    subtitle = "A line joins each agreement (right) to the one it grew out of (left)."
    description = listing(
        "Lineage diagram: ",
        (f"{r['child_name']} grew out of {r['parent_name']}" for _, r in links.iterrows()),
    )
    return finish(chart, ds, title, subtitle, description)
