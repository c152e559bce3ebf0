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
    colours = alt.Scale(domain=labels, range=[style.PARTNER_COLOURS[c] for c in codes])
    return {
        "color": alt.Color(f"{field}:N", title="Partner", scale=colours),
        # The outline of a hollow (added) mark: the same scale, so the legend is one.
        "stroke": alt.Stroke(f"{field}:N", title="Partner", scale=colours),
        "shape": alt.Shape(
            f"{field}:N",
            title="Partner",
            scale=alt.Scale(domain=labels, range=[style.PARTNER_SHAPES[c] for c in codes]),
        ),
    }


def finish(
    chart: alt.Chart,
    ds: Dataset,
    title: str,
    subtitle: str,
    description: str,
    note: str = "",
    key: str | None = None,
    data: pd.DataFrame | None = None,
) -> Figure:
    """Add the finding as title, what is shown as subtitle, a key above the chart if given, and
    the source note underneath. key: "point" or "bar", the look of the seed/added key. The print figure carries them all at a fixed width; the web
    figure shows title, subtitle and notes as page text, which wraps to any column."""
    # Wrapped to the chart's width, so the figure does not widen (and print smaller) for its notes.
    notes = [n for n in (note, f"Source: {ds.citation}.") if n]
    lines = [line for n in notes for line in textwrap.wrap(n, FOOTNOTE_CHARS)]
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
    keyed = [*([origin_key(key)] if key is not None else []), chart]
    printed = (
        alt.vconcat(*keyed, footer, spacing=6)
        .properties(
            title=alt.TitleParams(
                textwrap.wrap(title, TITLE_CHARS), subtitle=textwrap.wrap(subtitle, FOOTNOTE_CHARS)
            ),
            description=description,
        )
        .configure(**style.vega_config())
    )
    web = chart.properties(description=description).configure(**style.vega_config())
    opacity = style.ORIGIN_FILL_OPACITY if key == "point" else style.ORIGIN_BAR_OPACITY
    return Figure(
        printed,
        description,
        web=web,
        title=title,
        subtitle=subtitle,
        notes=notes,
        key=[(label, o, key) for label, o in zip(ORIGIN_DOMAIN, opacity.values(), strict=True)]
        if key
        else [],
        data=plotted_data(chart) if data is None else data,
    )


def plotted_data(chart: alt.TopLevelMixin) -> pd.DataFrame:
    """What a chart plots, one row per mark: the columns its tooltip shows, under the tooltip's
    titles, from the first layer that has a tooltip."""
    shared = getattr(chart, "data", alt.Undefined)  # Altair moves data all layers share up
    for layer in [chart, *getattr(chart, "layer", [])]:
        tooltip = getattr(getattr(layer, "encoding", alt.Undefined), "tooltip", alt.Undefined)
        frame = getattr(layer, "data", alt.Undefined)
        frame = shared if frame is alt.Undefined else frame
        if tooltip is alt.Undefined or not isinstance(frame, pd.DataFrame):
            continue
        fields = [t.to_dict() for t in tooltip]
        columns = {f["field"]: f.get("title", f["field"]) for f in fields}
        if set(columns) <= set(frame.columns):
            return frame[list(columns)].rename(columns=columns).reset_index(drop=True)
    raise ValueError("the chart has no layer whose tooltip names its data's columns")


def listing(intro: str, parts: Iterable[str]) -> str:
    """A description for screen readers: an opening phrase, then the chart's values one by one."""
    return intro + "; ".join(parts) + "."


def date_label(frame: pd.DataFrame, date: str = "date", precision: str = "precision") -> pd.Series:
    return pd.Series(
        [style.date_text(d, p) for d, p in zip(frame[date], frame[precision], strict=True)],
        index=frame.index,
        dtype=object,
    )


# --- Seed and added rows, the seed/all switch, the change of administration -----------------

ORIGIN_DOMAIN = list(views.ORIGIN_LABELS.values())
SWITCH = "shown"


def origin_fill() -> alt.FillOpacity:
    """Points: a seed row filled, an added one hollow (its outline keeps the partner's colour)."""
    return alt.FillOpacity(
        "origin_label:O",
        sort=ORIGIN_DOMAIN,
        scale=alt.Scale(domain=ORIGIN_DOMAIN, range=list(style.ORIGIN_FILL_OPACITY.values())),
        legend=None,
    )


def origin_opacity() -> alt.Opacity:
    """Bars and cells: a seed row in full colour, an added one in a lighter tint."""
    return alt.Opacity(
        "origin_label:O",
        sort=ORIGIN_DOMAIN,
        scale=alt.Scale(domain=ORIGIN_DOMAIN, range=list(style.ORIGIN_BAR_OPACITY.values())),
        legend=None,
    )


def origin_key(mark: str = "point") -> alt.LayerChart:
    """The legend entry for seed and added rows, drawn the same above every chart (Vega-Lite
    draws no legend for fill opacity)."""
    opacity = style.ORIGIN_FILL_OPACITY if mark == "point" else style.ORIGIN_BAR_OPACITY
    key = pd.DataFrame(
        {"origin_label": ORIGIN_DOMAIN, "x": [0, 110], "opacity": list(opacity.values())}
    )
    base = alt.Chart(key).encode(x=alt.X("x:Q", scale=None, axis=None), y=alt.value(6))
    symbol = base.mark_point(
        shape="circle" if mark == "point" else "square",
        size=110,
        filled=True,
        color=style.NEUTRAL,
        stroke=style.NEUTRAL,
        strokeWidth=1.5,
    ).encode(fillOpacity=alt.FillOpacity("opacity:Q", scale=None))
    text = base.mark_text(align="left", dx=10, color="#222222").encode(text="origin_label:N")
    return (symbol + text).properties(width=style.WIDTH, height=12)


def origin_switch(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """The chart with radio buttons in HTML that show all agreements or the seed table's only.
    The PDF (vl-convert) draws the first option. Filter each data source before it is counted."""
    options = list(style.SWITCH_OPTIONS.values())
    return chart.add_params(
        alt.param(
            name=SWITCH,
            value=options[0],
            bind=alt.binding_radio(options=options, name="Show: "),
        )
    )


def switch_filter() -> str:
    """The filter that keeps a row under the switch's current option."""
    return f"{SWITCH} == '{style.SWITCH_OPTIONS['all']}' || datum.origin == 'seed'"


def change_rule() -> alt.LayerChart:
    """20 January 2025, the change of U.S. administration, as a labelled rule on a time axis."""
    frame = pd.DataFrame(
        {
            "date": [pd.Timestamp(views.ADMINISTRATION_CHANGE).isoformat()],
            "label": [f"Change of administration, {findings.CHANGE_TEXT}"],
        }
    )
    base = alt.Chart(frame).encode(x="date:T")
    rule = base.mark_rule(color=style.NEUTRAL, strokeDash=[4, 3], strokeWidth=1.2)
    text = base.mark_text(
        align="right", baseline="bottom", dx=4, dy=-3, fontSize=FOOTNOTE_SIZE, color=style.NEUTRAL
    ).encode(text="label:N", y=alt.value(0))
    return rule + text


def origin_counts(long: pd.DataFrame, keys: dict[str, list]) -> pd.DataFrame:
    """Agreements per combination of keys and origin, every combination included (zeros too),
    in the order given (seed before added): the order bars stack in."""
    names = [*keys, "origin"]
    counts = long.groupby(names)["id"].nunique()
    full = pd.MultiIndex.from_product([*keys.values(), list(views.ORIGIN_LABELS)], names=names)
    table = counts.reindex(full, fill_value=0).rename("agreements").reset_index()
    table["origin_label"] = table["origin"].map(views.ORIGIN_LABELS)
    table["stack_order"] = range(len(table))
    return table


def origin_bars(
    counts: pd.DataFrame,
    field: str,
    heading: str,
    sort: list,
    colour,
    x_title: str,
    x_max: int | None = None,
    extra: tuple = (),
) -> alt.LayerChart:
    """Horizontal bars, one per value of field in the order given, stacked by origin (seed
    first, in full colour; added after, lighter), each bar's total written at its end."""
    y = alt.Y(f"{field}:N", title=None, sort=sort, axis=alt.Axis(labelLimit=330))
    x = alt.X(
        "agreements:Q",
        title=x_title,
        stack="zero",
        axis=alt.Axis(tickMinStep=1, format="d"),
        scale=alt.Scale(domain=[0, max(x_max or 0, 1)]) if x_max is not None else alt.Undefined,
    )
    bars = (
        alt.Chart(counts)
        .mark_bar(height=14)
        .encode(
            y=y,
            x=x,
            color=colour,
            opacity=origin_opacity(),
            order=alt.Order("stack_order:Q"),
            tooltip=[
                alt.Tooltip(f"{field}:N", title=heading),
                *extra,
                alt.Tooltip("origin_label:N", title="Origin"),
                alt.Tooltip("agreements:Q", title="Agreements"),
            ],
        )
    )
    totals = (
        alt.Chart(counts)
        .transform_aggregate(total="sum(agreements)", groupby=[field])
        .mark_text(align="left", dx=4, color="#222222")
        .encode(y=y, x=alt.X("total:Q"), text="total:Q")
    )
    return bars + totals


# --- Timelines ------------------------------------------------------------------------------


def time_axis(ds: Dataset) -> alt.X:
    """The shared time axis of timelines: from 2021 to a little after the latest record."""
    end = views.activity(ds)["date"].max()
    return alt.X(
        "date:T",
        title=None,
        # Flush: the last year's label stays inside a narrow chart.
        axis=alt.Axis(format="%Y", tickCount="year", grid=True, labelFlush=True),
        scale=alt.Scale(
            domain=[
                pd.Timestamp(2021, 1, 1).isoformat(),
                (end + pd.DateOffset(months=3)).isoformat(),
            ]
        ),
    )


def record_size() -> alt.Size:
    """Announcements drawn large, later events small."""
    return alt.Size(
        "record:O",
        sort=RECORDS,
        title=None,
        scale=alt.Scale(domain=RECORDS, range=[140, 50]),
        legend=alt.Legend(symbolFillColor=style.NEUTRAL, symbolStrokeColor=style.NEUTRAL),
    )


RECORDS = ["Announcement", "Later event"]


def with_records(table: pd.DataFrame) -> pd.DataFrame:
    """A timeline's rows with their date as readers write it and whether each is an announcement."""
    record = table["kind"].map({"announcement": RECORDS[0]}).fillna(RECORDS[1])
    return table.assign(when=date_label(table), record=record)


def partner_points(ds: Dataset, frame: pd.DataFrame, y: alt.Y, tooltip: list) -> alt.Chart:
    """One point per row in its partner's colour and shape, hollow when the agreement was added
    since the seed, large for an announcement and small for a later event."""
    scales = partner_scale(ds)
    return (
        alt.Chart(frame)
        .mark_point(filled=True, strokeWidth=1.6, opacity=0.9)
        .encode(
            x=time_axis(ds),
            y=y,
            color=scales["color"],
            stroke=scales["stroke"],
            shape=scales["shape"],
            fillOpacity=origin_fill(),
            size=record_size(),
            tooltip=tooltip,
        )
    )


def timeline_chart(ds: Dataset, partner: str | None = None) -> Figure:
    """Announcements over time: all partners on one axis (with the seed/all switch), or one
    partner's agreements row by row with their later events."""
    table = with_records(views.timeline(ds, partner))
    outside = table[(table["kind"] == "announcement") & ~table["in_period"]]
    table = table[table["date"] >= pd.Timestamp(2021, 1, 1)]
    tooltip = [
        alt.Tooltip("name:N", title="Agreement"),
        alt.Tooltip("partner_label:N", title="Partner"),
        alt.Tooltip("event:N", title="Event"),
        alt.Tooltip("when:N", title="Date"),
        alt.Tooltip("type_label:N", title="Type"),
        alt.Tooltip("origin_label:N", title="Origin"),
        alt.Tooltip("summary:N", title="What it is"),
    ]
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
        y = alt.Y("partner_label:N", title=None, sort=list(ds.vocabulary.partners.values()))
        points = partner_points(ds, announced, y, tooltip).encode(size=alt.value(140))
        chart = origin_switch(points.transform_filter(switch_filter()) + change_rule()).properties(
            width=style.WIDTH, height=style.ROW_HEIGHT * 6 + 20
        )
        subtitle = (
            f"{findings.multi_partner(ds).title} Seed table alone: "
            f"{findings.busiest_year(views.seed_only(ds)).title}."
        )
        description = listing(
            f"Timeline of {total} agreements announced from 2021, one row per partner. ",
            (f"{y}: {n}" for y, n in years.items()),
        )
        return finish(chart, ds, title, subtitle, description, note, key="point")

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
        .encode(x=alt.X("min:T", title=None, axis=time_axis(ds).to_dict()["axis"]), x2="max:T", y=y)
    )
    marks = partner_points(ds, table, y, tooltip).encode(
        shape=alt.value(style.PARTNER_SHAPES[partner]),
        color=alt.value(style.PARTNER_COLOURS[partner]),
        stroke=alt.value(style.PARTNER_COLOURS[partner]),
    )
    chart = (rules + change_rule() + marks).properties(
        width=style.WIDTH - 200, height=style.ROW_HEIGHT * max(len(order), 2)
    )
    subtitle = (
        "Large marks: announcement. Small marks: later rounds, first meetings, entry into force, "
        "renaming. The dashed line marks the change of U.S. administration."
    )
    description = listing(
        f"Timeline of {label}'s agreements. ",
        (
            f"{r['name']} ({r['origin_label'].lower()}): {style.lower_first(r['event'])} {r['when']}"
            for _, r in table.iterrows()
        ),
    )
    return finish(chart, ds, title, subtitle, description, note, key="point")


def activity_chart(ds: Dataset) -> Figure:
    """Every announcement and later event since 2021, one row per partner, with the change of
    administration marked."""
    table = views.activity(ds).explode("partners").rename(columns={"partners": "partner"})
    table = table[table["date"] >= pd.Timestamp(2021, 1, 1)].reset_index(drop=True)
    table = with_records(table.assign(partner_label=table["partner"].map(ds.vocabulary.partners)))
    finding = findings.activity_since_change(ds)
    y = alt.Y("partner_label:N", title=None, sort=list(ds.vocabulary.partners.values()))
    tooltip = [
        alt.Tooltip("label:N", title="Agreement"),
        alt.Tooltip("partner_label:N", title="Partner"),
        alt.Tooltip("what:N", title="What happened"),
        alt.Tooltip("when:N", title="Date"),
        alt.Tooltip("origin_label:N", title="Origin"),
    ]
    points = partner_points(ds, table, y, tooltip).transform_filter(switch_filter())
    chart = origin_switch(points + change_rule()).properties(
        width=style.WIDTH, height=style.ROW_HEIGHT * 6 + 20
    )
    subtitle = (
        "Announcements (large marks) and later events such as meetings, signings and renamings "
        f"(small marks), by partner. {findings.status_summary(ds).title}."
    )
    since = table[table["since_change"]]
    description = listing(
        f"Timeline of {len(table)} announcements and later events by partner; since "
        f"{findings.CHANGE_TEXT}: ",
        (
            f"{r['partner_label']} {r['label']}, {r['what'].lower()} {r['when']}"
            for _, r in since.iterrows()
        ),
    )
    return finish(chart, ds, finding.title, subtitle, description, key="point")


# --- Status as of the data date ---------------------------------------------------------------


def status_chart(ds: Dataset, partner: str | None = None) -> Figure:
    """Each agreement's status as of the data date, one bar per partner (or per status for one
    partner), seed and added agreements stacked."""
    table = views.status(ds).explode("partners").rename(columns={"partners": "partner"})
    if partner:
        table = table[table["partner"] == partner]
    statuses = list(views.STATUS_LABELS)
    field, heading, rows = "partner_label", "Partner", list(ds.vocabulary.partners)
    if partner:
        field, heading, rows = "status_label", "Status", statuses
    keys = {"partner": [partner]} if partner else {"partner": rows}
    counts = origin_counts(table, {**keys, "status": statuses})
    counts["partner_label"] = counts["partner"].map(ds.vocabulary.partners)
    counts["status_label"] = counts["status"].map(views.STATUS_LABELS)
    colour = alt.Color(
        "status_label:N",
        title=None,
        sort=list(views.STATUS_LABELS.values()),
        scale=alt.Scale(
            domain=list(views.STATUS_LABELS.values()), range=list(style.STATUS_COLOURS.values())
        ),
        legend=None if partner else alt.Legend(columns=1, labelLimit=400),
    )
    sort = (
        [views.STATUS_LABELS[c] for c in statuses]
        if partner
        else list(ds.vocabulary.partners.values())
    )
    chart = origin_bars(
        counts,
        field,
        heading,
        sort,
        colour,
        "Agreements",
        extra=() if partner else (alt.Tooltip("status_label:N", title="Status"),),
    ).properties(width=style.WIDTH - 230, height=style.ROW_HEIGHT * (len(sort) + 1))
    finding = findings.status_summary(ds, partner)
    seed = finding.facts
    subtitle = (
        f"Status as of {style.date_text(pd.Timestamp(ds.updated), 'day')}: renamed or replaced "
        f"(a successor is in the data), activity recorded since {findings.CHANGE_TEXT}, or "
        f"none recorded since. Seed table alone: {seed['seed_active_count']} active, "
        f"{seed['seed_replaced_count']} renamed or replaced, {seed['seed_quiet_count']} with none."
    )
    totals = counts.groupby([field, "status_label"], sort=False)["agreements"].sum()
    description = listing(
        "Bar chart of agreements by status: ",
        (f"{row} {status.lower()} {n}" for (row, status), n in totals.items() if n),
    )
    return finish(chart, ds, finding.title, subtitle, description, key="bar")


# --- Domains --------------------------------------------------------------------------------


def domain_chart(ds: Dataset, partner: str) -> Figure:
    """How many of one partner's agreements cover each domain of criterion #5, zeros shown,
    seed and added agreements stacked."""
    label = ds.vocabulary.partners[partner]
    order = domain_counts_sorted(ds, partner)
    counts = origin_counts(views.by_domain(ds, partner), {"domain": order["domain"].tolist()})
    counts["domain_label"] = counts["domain"].map(ds.vocabulary.domains)
    total = len(views.for_partner(ds, partner))
    missing = int((order["agreements"] == 0).sum())
    title = findings.partner_domains(ds, partner).title
    chart = origin_bars(
        counts,
        "domain_label",
        "Domain",
        order["domain_label"].tolist(),
        alt.value(style.PARTNER_COLOURS[partner]),
        "Agreements covering the domain",
        total,
    ).properties(width=style.WIDTH - 200, height=style.ROW_HEIGHT * len(order))
    subtitle = (
        f"Agreements covering each technology domain of criterion #5; one agreement can cover "
        f"several. {style.plural(missing, 'domain').capitalize()} with none."
    )
    description = listing(
        f"Bar chart of {label}'s agreements by domain: ",
        (f"{r['domain_label']} {r['agreements']}" for _, r in order.iterrows()),
    )
    return finish(chart, ds, title, subtitle, description, key="bar")


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
    # The same counts split by origin, stacked: seed in full colour, added lighter.
    signers = views.by_signatory(ds, partner)
    signers["category_label"] = signers["category"].map(ds.vocabulary.categories)
    stacked = origin_counts(signers, {"side": sides, "category_label": categories})
    base = alt.Chart(stacked).encode(
        y=alt.Y("category_label:N", title=None, sort=categories, axis=alt.Axis(labelLimit=330)),
        yOffset=alt.YOffset("side:N", sort=sides),
    )
    bars = base.mark_bar(height=9).encode(
        x=alt.X(
            "agreements:Q",
            title="Agreements signed",
            stack="zero",
            axis=alt.Axis(tickMinStep=1, format="d"),
            scale=alt.Scale(domain=[0, max(total, 1)]),
        ),
        color=colour,
        opacity=origin_opacity(),
        order=alt.Order("stack_order:Q"),
        tooltip=[
            alt.Tooltip("side:N", title="Side"),
            alt.Tooltip("category_label:N", title="Ministry"),
            alt.Tooltip("origin_label:N", title="Origin"),
            alt.Tooltip("agreements:Q", title="Agreements"),
        ],
    )
    totals = (
        base.transform_aggregate(total="sum(agreements)", groupby=["side", "category_label"])
        .transform_filter(alt.datum.total > 0)
        .mark_text(align="left", dx=3, fontSize=9, color="#222222")
        .encode(x="total:Q", text="total:Q")
    )
    chart = bars + totals
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
    return finish(chart, ds, title, subtitle, description, key="bar")


# --- Comparisons across partners ------------------------------------------------------------


def partner_share_chart(ds: Dataset, partner: str) -> Figure:
    """Agreements per partner with one partner highlighted, seed and added agreements stacked."""
    counts = views.partner_counts(ds)
    label = ds.vocabulary.partners[partner]
    mine = int(counts.loc[counts["partner"] == partner, "agreements"].iloc[0])
    total = ds.agreements["id"].nunique()
    title = f"{label} takes part in {mine} of the {total} agreements, {style.rank_text(counts, partner)}"
    stacked = origin_counts(views.by_partner(ds), {"partner": list(ds.vocabulary.partners)})
    stacked["partner_label"] = stacked["partner"].map(ds.vocabulary.partners)
    colour = alt.condition(
        alt.datum.partner == partner,
        alt.value(style.PARTNER_COLOURS[partner]),
        alt.value(style.LIGHT),
    )
    chart = origin_bars(
        stacked,
        "partner_label",
        "Partner",
        list(ds.vocabulary.partners.values()),
        colour,
        "Agreements",
    ).properties(width=style.WIDTH - 160, height=style.ROW_HEIGHT * 6 + 10)
    subtitle = findings.multi_partner(ds).facts["counts_note"]
    description = listing(
        "Bar chart of agreements per partner: ",
        (f"{r['partner_label']} {r['agreements']}" for _, r in counts.iterrows()),
    )
    return finish(chart, ds, title, subtitle, description, key="bar")


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
    # One row per agreement in a cell, plus an empty row per cell, so that a cell the switch
    # empties still shows; Vega-Lite counts the rows after the switch has filtered them.
    rows = long.drop_duplicates(["id", "partner", "code"])[["partner", "code", "origin"]]
    rows = pd.concat(
        [rows.assign(n=1), grid[["partner", "code"]].assign(origin="seed", n=0)],
        ignore_index=True,
    )
    rows["added"] = rows["n"].where(rows["origin"] == "added", 0)
    rows["partner_label"] = rows["partner"].map(ds.vocabulary.partners)
    rows["label"] = rows["code"].map(labels)
    grid["partner_label"] = grid["partner"].map(ds.vocabulary.partners)
    grid["label"] = grid["code"].map(labels)
    gap = ""
    seed = views.seed_only(ds)
    if dimension == "domain":
        finding = findings.domain_reach(ds)
        gap = finding.facts["absent_sentence"] + " "
        seed_title = findings.domain_reach(seed).title
    else:
        finding = findings.most_common(ds, dimension)
        seed_title = findings.most_common(seed, dimension).title
    title = finding.title
    present = [labels[c] for c in labels]
    base = (
        alt.Chart(rows)
        .transform_filter(switch_filter())
        .transform_aggregate(
            agreements="sum(n)", added="sum(added)", groupby=["partner_label", "label"]
        )
        .transform_calculate(
            shown="datum.agreements == 0 ? '·' : datum.added == 0 ? '' + datum.agreements"
            " : datum.agreements + ' (+' + datum.added + ')'"
        )
        .encode(
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
                alt.Tooltip("added:Q", title=ORIGIN_DOMAIN[1]),
            ],
        )
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
        text="shown:N",
        color=alt.condition(
            alt.datum.agreements > top_count / 2, alt.value("white"), alt.value("#222222")
        ),
    )
    chart = origin_switch(cells + text).properties(
        width=style.WIDTH - 220, height=style.ROW_HEIGHT * 1.2 * len(present)
    )
    subtitle = gap + (
        f"Agreements per partner and {heading.lower()}; darker cells hold more agreements; "
        f"(+n): of them, added since the seed. Seed table alone: {seed_title}."
    )
    description = listing(
        f"Matrix of agreements by partner and {heading.lower()}: ",
        (
            f"{r['partner_label']} {r['label']} {r['agreements']}"
            for _, r in grid.iterrows()
            if r["agreements"]
        ),
    )
    added = rows.groupby(["partner", "code"])["added"].sum()
    plotted = grid.assign(added=grid.set_index(["partner", "code"]).index.map(added))
    plotted = plotted[["partner_label", "label", "agreements", "added"]].set_axis(
        ["Partner", heading, "Agreements", ORIGIN_DOMAIN[1]], axis=1
    )
    return finish(chart, ds, title, subtitle, description, data=plotted)


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
    frame = views.with_origin(ds, frame)
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
    deepest = max(int(frame["level"].max()) if len(frame) else 0, 1)
    limit = int(style.WIDTH * 1.5 / (deepest + 1.7)) - 12
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
        .mark_point(size=150, filled=True, strokeWidth=1.6)
        .encode(
            x=x,
            y=y,
            color=scales["color"].legend(None),
            stroke=scales["stroke"].legend(None),
            shape=scales["shape"].legend(None),
            fillOpacity=origin_fill(),
            tooltip=[
                alt.Tooltip("name:N", title="Agreement"),
                alt.Tooltip("partner_label:N", title="Partner"),
                alt.Tooltip("when:N", title="Announced"),
                alt.Tooltip("origin_label:N", title="Origin"),
            ],
        )
    )
    labels = (
        alt.Chart(frame)
        # No wider than the room right of the deepest level: the column's edge cuts nothing.
        .mark_text(align="left", dx=10, fontSize=11, limit=limit)
        .encode(x=x, y=y, text="caption:N", tooltip=alt.Tooltip("caption:N", title="Agreement"))
    )
    chart = (lines + points + labels).properties(width=style.WIDTH, height=height)
    subtitle = "A line joins each agreement (right) to the one it grew out of (left)."
    description = listing(
        "Lineage diagram: ",
        (f"{r['child_name']} grew out of {r['parent_name']}" for _, r in links.iterrows()),
    )
    return finish(chart, ds, title, subtitle, description, key="point")


# --- Selection flow -------------------------------------------------------------------------

# Where each box of the flow sits (centre x, centre y, in a 100 x 100 frame) and what it is.
FLOW_BOXES = {
    "seed": (16, 12),
    "candidates": (66, 12),
    "screened": (66, 38),
    "included": (34, 66),
    "borderline": (66, 66),
    "excluded": (98, 66),
    "dataset": (16, 90),
}
FLOW_ARROWS = [
    [("candidates", "bottom"), ("screened", "top")],
    [("screened", "bottom"), (66, 52), (34, 52), ("included", "top")],
    [("screened", "bottom"), ("borderline", "top")],
    [("screened", "bottom"), (66, 52), (98, 52), ("excluded", "top")],
    [("seed", "bottom"), ("dataset", "top")],
    [("included", "bottom"), (34, 80), (16, 80)],
]
BOX_WIDTH, BOX_HEIGHT = 28, 16


def flow_chart(ds: Dataset) -> Figure:
    """The selection as a flow (as systematic reviews draw it): seed rows, candidates found
    after the seed table, screened, and included, borderline or excluded, into the dataset."""
    flow = views.selection_flow(ds).set_index("stage")
    n = flow["agreements"]
    labels = {
        **flow["label"].to_dict(),
        "candidates": "Candidates found after the seed table",
        "screened": "Screened against the five criteria",
        "dataset": "Agreements in the dataset",
    }
    counts = {
        **n.to_dict(),
        "screened": int(n["candidates"]),
        "dataset": int(n["seed"] + n["included"]),
    }
    boxes = pd.DataFrame(
        [
            {
                "stage": k,
                "x": x,
                "y": y,
                "text": textwrap.fill(labels[k], 22) + f"\n{counts[k]}",
                "agreements": counts[k],
            }
            for k, (x, y) in FLOW_BOXES.items()
        ]
    )
    boxes = boxes.assign(
        x1=boxes["x"] - BOX_WIDTH / 2,
        x2=boxes["x"] + BOX_WIDTH / 2,
        y1=boxes["y"] - BOX_HEIGHT / 2,
        y2=boxes["y"] + BOX_HEIGHT / 2,
        # Vega sets a multi-line text from its first line: raise it by half its extra lines.
        text_y=boxes["y"] - boxes["text"].str.count("\n") * 2,
    )

    def point(end) -> tuple[float, float]:
        if isinstance(end[0], str):
            x, y = FLOW_BOXES[end[0]]
            return x, y + (BOX_HEIGHT / 2 if end[1] == "bottom" else -BOX_HEIGHT / 2)
        return end

    # An arrow head where a path enters a box; a path that ends on another line joins it.
    segments = pd.DataFrame(
        [
            {
                **dict(zip(["x", "y", "x2", "y2"], [*point(a), *point(b)], strict=True)),
                "head": b is path[-1] and isinstance(b[0], str),
            }
            for path in FLOW_ARROWS
            for a, b in zip(path, path[1:], strict=False)
        ]
    )
    x_scale = alt.Scale(domain=[0, 114])
    y_scale = alt.Scale(domain=[0, 100], reverse=True)
    x = alt.X("x:Q", axis=None, scale=x_scale)
    y = alt.Y("y:Q", axis=None, scale=y_scale)
    rects = (
        alt.Chart(boxes)
        .mark_rect(fill="white", stroke=style.NEUTRAL, strokeWidth=1.2, cornerRadius=3)
        .encode(
            x=alt.X("x1:Q", axis=None, scale=x_scale),
            x2="x2:Q",
            y=alt.Y("y1:Q", axis=None, scale=y_scale),
            y2="y2:Q",
        )
    )
    text = (
        alt.Chart(boxes)
        .mark_text(lineBreak="\n", fontSize=10, color="#222222", baseline="middle")
        .encode(
            x=x,
            y=alt.Y("text_y:Q", axis=None, scale=y_scale),
            text="text:N",
            tooltip=[alt.Tooltip("agreements:Q", title="Count")],
        )
    )
    lines = (
        alt.Chart(segments)
        .mark_rule(color=style.NEUTRAL, strokeWidth=1.2)
        .encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    )
    arrows = (
        alt.Chart(segments[segments["head"]])
        .mark_point(shape="triangle-down", filled=True, size=50, color=style.NEUTRAL, yOffset=-3)
        .encode(
            x=alt.X("x2:Q", axis=None, scale=x_scale), y=alt.Y("y2:Q", axis=None, scale=y_scale)
        )
    )
    chart = (lines + arrows + rects + text).properties(width=style.WIDTH, height=300)
    title = (
        f"{counts['candidates']} candidates found after the seed table: {counts['included']} "
        f"included, {counts['borderline']} borderline, {counts['excluded']} excluded"
    )
    subtitle = (
        f"The {counts['seed']} rows of the seed table and the {counts['included']} included "
        f"candidates make the {counts['dataset']} agreements of the dataset."
    )
    description = listing("Selection flow: ", (f"{labels[k]} {counts[k]}" for k in FLOW_BOXES))
    plotted = pd.DataFrame(
        {"Stage": [labels[k] for k in FLOW_BOXES], "Agreements": [counts[k] for k in FLOW_BOXES]}
    )
    return finish(chart, ds, title, subtitle, description, data=plotted)
