"""The report's charts. Each returns a Figure whose title states its finding, computed from the data.

A chart draws one mark per agreement or event while they stay apart. Past MARKS_PER_ROW marks in
a partner's row, TIMELINE_ROWS rows or LINEAGE_ROWS lineage rows (the real data is far below
each), it counts per quarter or keeps the largest lineage families, and says so, so that every
chart stays legible, and its print rendering fits a page, however large the dataset grows.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

import altair as alt
import pandas as pd

from indopacific_st import findings, style, views
from indopacific_st.dataset import Dataset
from indopacific_st.display import Figure, plot_width

FOOTNOTE_SIZE = 10
FOOTNOTE_CHAR_WIDTH = 6  # pixels: a generous mean width of a character at FOOTNOTE_SIZE
FOOTNOTE_CHARS = 100
TITLE_CHARS = 75
TEXT_COLOUR = "#222222"
# Past these, marks would pile up or a chart would outgrow a printed page: the chart counts.
MARKS_PER_ROW = 60  # points in one partner's row of a timeline
TIMELINE_ROWS = 40  # agreements in one partner's timeline, one row each
LINEAGE_ROWS = 18  # agreements in a lineage diagram, one row each
NAMED_AT_MOST = 6  # agreements with several partners that a subtitle names one by one


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


def partner_rows(ds: Dataset) -> alt.Y:
    """One row per partner, in the vocabulary's order."""
    return alt.Y("partner_label:N", title=None, sort=list(ds.vocabulary.partners.values()))


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
    """Add the finding as title, what is shown as subtitle, the seed/added key above the chart if
    given ("point" or "bar": the look of its symbols), and the source note underneath. The print
    figure carries them all at a fixed width; the web figure shows title, subtitle, key and notes
    as page text, which wraps to any column."""
    notes = [n for n in (note, f"Source: {ds.citation}.") if n]
    keyed = [*([origin_key(key)] if key is not None else []), chart]
    printed = (
        alt.vconcat(*keyed, source_note(notes), spacing=6)
        .properties(
            title=alt.TitleParams(
                textwrap.wrap(title, TITLE_CHARS), subtitle=textwrap.wrap(subtitle, FOOTNOTE_CHARS)
            ),
            description=description,
        )
        .configure(**style.vega_config())
    )
    web = chart.properties(description=description).configure(**style.vega_config())
    return Figure(
        printed,
        description,
        web=web,
        title=title,
        subtitle=subtitle,
        notes=notes,
        key=key_entries(key),
        data=plotted_data(chart) if data is None else data,
    )


def source_note(notes: list[str]) -> alt.Chart:
    """The notes under a printed chart, wrapped to the chart's width so that they do not widen
    the figure (and print it smaller)."""
    lines = [line for n in notes for line in textwrap.wrap(n, FOOTNOTE_CHARS)]
    return (
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


def key_opacities(mark: str) -> list[float]:
    """The seed and added symbols' fill opacity: points hollow, bars lighter."""
    opacity = style.ORIGIN_FILL_OPACITY if mark == "point" else style.ORIGIN_BAR_OPACITY
    return list(opacity.values())


def key_entries(mark: str | None) -> list[tuple[str, float, str]]:
    """The seed/added key as the web page draws it: (label, fill opacity, mark) per origin."""
    if mark is None:
        return []
    return [(label, o, mark) for label, o in zip(ORIGIN_DOMAIN, key_opacities(mark), strict=True)]


def origin_key(mark: str = "point") -> alt.LayerChart:
    """The legend entry for seed and added rows, drawn the same above every chart (Vega-Lite
    draws no legend for fill opacity)."""
    key = pd.DataFrame(
        {"origin_label": ORIGIN_DOMAIN, "x": [0, 110], "opacity": key_opacities(mark)}
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
    text = base.mark_text(align="left", dx=10, color=TEXT_COLOUR).encode(text="origin_label:N")
    return (symbol + text).properties(width=style.WIDTH, height=12)


def origin_tooltip() -> list[alt.Tooltip]:
    """The end of a count's tooltip: its origin and how many agreements."""
    return [
        alt.Tooltip("origin_label:N", title="Origin"),
        alt.Tooltip("agreements:Q", title="Agreements"),
    ]


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


def change_rule(ds: Dataset, width: float) -> alt.LayerChart:
    """20 January 2025, the change of U.S. administration, as a labelled rule on a time axis
    `width` pixels wide. The label ends at the rule; where it would run past the plot's left
    edge into the axis labels (a phone's column), it gives the date alone: a second line would
    run into the legends above the plot."""
    start, end = time_domain(ds)
    change = pd.Timestamp(views.ADMINISTRATION_CHANGE)
    label = f"Change of administration, {findings.CHANGE_TEXT}"
    frame = pd.DataFrame({"date": [change.isoformat()], "label": [label]})
    room = f"{(change - start) / (end - start):.3f} * {plot_width(width)}"
    fits = f"{room} >= {len(label) * FOOTNOTE_CHAR_WIDTH}"
    base = alt.Chart(frame).encode(x="date:T")
    rule = base.mark_rule(color=style.NEUTRAL, strokeDash=[4, 3], strokeWidth=1.2)
    text = (
        base.transform_calculate(label=f"{fits} ? datum.label : '{findings.CHANGE_TEXT}'")
        .mark_text(
            align="right",
            baseline="bottom",
            dx=4,
            dy=-3,
            fontSize=FOOTNOTE_SIZE,
            color=style.NEUTRAL,
        )
        .encode(text="label:N", y=alt.value(0))
    )
    return rule + text


# --- Counts: bars stacked seed first, with their totals written at their ends ----------------


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


def count_axis(title: str, top: int | None = None) -> alt.X:
    """The axis of agreement counts: whole numbers, bars stacked from zero, up to top if given."""
    return alt.X(
        "agreements:Q",
        title=title,
        stack="zero",
        axis=alt.Axis(tickMinStep=1, format="d"),
        scale=alt.Scale(domain=[0, max(top or 0, 1)]) if top is not None else alt.Undefined,
    )


def stacked_bars(base: alt.Chart, count: alt.X, colour, tooltip: list, **mark) -> alt.Chart:
    """Horizontal bars of counts stacked by origin: seed first in full colour, added after,
    lighter."""
    return base.mark_bar(**mark).encode(
        x=count,
        color=colour,
        opacity=origin_opacity(),
        order=alt.Order("stack_order:Q"),
        tooltip=tooltip,
    )


def value_labels(base: alt.Chart, groupby: list[str], skip_zero: bool = False, **mark):
    """Each horizontal bar's total, written at its end."""
    totals = base.transform_aggregate(total="sum(agreements)", groupby=groupby)
    if skip_zero:
        totals = totals.transform_filter(alt.datum.total > 0)
    return totals.mark_text(align="left", color=TEXT_COLOUR, **mark).encode(
        x="total:Q", text="total:Q"
    )


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
    """Horizontal bars, one per value of field in the order given, stacked by origin, each
    bar's total written at its end."""
    y = alt.Y(f"{field}:N", title=None, sort=sort, axis=alt.Axis(labelLimit=330))
    base = alt.Chart(counts).encode(y=y)
    tooltip = [alt.Tooltip(f"{field}:N", title=heading), *extra, *origin_tooltip()]
    bars = stacked_bars(base, count_axis(x_title, x_max), colour, tooltip, height=14)
    return bars + value_labels(base, [field], dx=4)


# --- Timelines ------------------------------------------------------------------------------

RECORDS = ["Announcement", "Later event"]


def time_domain(ds: Dataset) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Timelines run from 2021 to a little after the latest record."""
    return pd.Timestamp(2021, 1, 1), views.activity(ds)["date"].max() + pd.DateOffset(months=3)


def time_axis(ds: Dataset) -> alt.X:
    """The shared time axis of timelines."""
    start, end = time_domain(ds)
    return alt.X(
        "date:T",
        title=None,
        # Flush: the last year's label stays inside a narrow chart.
        axis=alt.Axis(format="%Y", tickCount="year", grid=True, labelFlush=True),
        scale=alt.Scale(domain=[start.isoformat(), end.isoformat()]),
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


def per_quarter(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Rows counted per calendar quarter (dated at its first day), keys and origin."""
    dates = frame["date"]
    quarters = frame.assign(
        date=dates.dt.to_period("Q").dt.start_time,
        quarter=dates.dt.year.astype(str) + " Q" + dates.dt.quarter.astype(str),
    )
    counts = quarters.groupby(["date", "quarter", *keys, "origin"]).size().rename("count")
    return counts.reset_index()


def crowded(frame: pd.DataFrame) -> bool:
    """Whether some partner's row of a timeline holds more points than it can show apart."""
    return bool(len(frame)) and frame.groupby("partner_label").size().max() > MARKS_PER_ROW


def quarterly_rows(ds: Dataset, frame: pd.DataFrame, what: str):
    """Points too many to show apart, counted: a circle per partner and quarter whose area is
    the count, under the seed/all switch, with the change of administration. Returns the chart
    and its data."""
    counts = per_quarter(frame, ["partner_label"])
    circles = (
        alt.Chart(counts)
        .transform_filter(switch_filter())
        .transform_aggregate(total="sum(count)", groupby=["date", "quarter", "partner_label"])
        .mark_circle(opacity=0.85)
        .encode(
            x=time_axis(ds),
            y=partner_rows(ds),
            color=partner_scale(ds)["color"].legend(None),
            size=alt.Size("total:Q", title=what, scale=alt.Scale(range=[12, 420])),
            tooltip=[
                alt.Tooltip("partner_label:N", title="Partner"),
                alt.Tooltip("quarter:N", title="Quarter"),
                alt.Tooltip("total:Q", title=what),
            ],
        )
    )
    chart = origin_switch(circles + change_rule(ds, style.WIDTH)).properties(
        width=style.WIDTH, height=style.ROW_HEIGHT * 6 + 20
    )
    totals = counts.groupby(["partner_label", "quarter"], sort=False)["count"].sum()
    return chart, totals.reset_index().set_axis(["Partner", "Quarter", what], axis=1)


def quarterly_bars(ds: Dataset, partner: str, announced: pd.DataFrame):
    """One partner's announcements counted per quarter, seed first in full colour, added above,
    lighter, with the change of administration. Returns the chart and its data."""
    counts = per_quarter(announced, []).rename(columns={"count": "agreements"})
    counts["stack_order"] = counts["origin"].map({o: i for i, o in enumerate(views.ORIGIN_LABELS)})
    counts = counts.sort_values(["date", "stack_order"]).reset_index(drop=True)
    counts["origin_label"] = counts["origin"].map(views.ORIGIN_LABELS)
    # Stacked here, as rectangles: Vega-Lite reads a bar that spans x (its quarter, less a gap
    # to the next) as a horizontal one and would not stack it upwards.
    counts["top"] = counts.groupby("date")["agreements"].cumsum()
    counts["bottom"] = counts["top"] - counts["agreements"]
    counts["end"] = counts["date"] + pd.DateOffset(months=3) - pd.Timedelta(days=12)
    bars = (
        alt.Chart(counts)
        .mark_rect(color=style.PARTNER_COLOURS[partner])
        .encode(
            x=time_axis(ds),
            x2="end:T",
            y=alt.Y(
                "top:Q", title="Agreements announced", axis=alt.Axis(tickMinStep=1, format="d")
            ),
            y2="bottom:Q",
            opacity=origin_opacity(),
            tooltip=[alt.Tooltip("quarter:N", title="Quarter"), *origin_tooltip()],
        )
    )
    chart = (bars + change_rule(ds, style.WIDTH)).properties(width=style.WIDTH, height=220)
    plotted = counts[["quarter", "origin_label", "agreements"]]
    return chart, plotted.set_axis(["Quarter", "Origin", "Agreements"], axis=1)


def timeline_tooltip() -> list[alt.Tooltip]:
    return [
        alt.Tooltip("name:N", title="Agreement"),
        alt.Tooltip("partner_label:N", title="Partner"),
        alt.Tooltip("event:N", title="Event"),
        alt.Tooltip("when:N", title="Date"),
        alt.Tooltip("type_label:N", title="Type"),
        alt.Tooltip("origin_label:N", title="Origin"),
        alt.Tooltip("summary:N", title="What it is"),
    ]


def timeline_rows(ds: Dataset, partner: str | None) -> tuple[pd.DataFrame, str]:
    """A timeline's rows from 2021, and the note that names the agreements announced before."""
    table = with_records(views.timeline(ds, partner))
    outside = table[(table["kind"] == "announcement") & ~table["in_period"]]
    names = "; ".join(
        f"{r['name']} ({style.date_text(r['date'], r['precision'])})" for _, r in outside.iterrows()
    )
    note = f"Announced before 2021 and not plotted: {names}." if len(outside) else ""
    return table[table["date"] >= pd.Timestamp(2021, 1, 1)], note


def timeline_chart(ds: Dataset, partner: str | None = None) -> Figure:
    """Announcements over time: all partners on one axis (with the seed/all switch), or one
    partner's agreements row by row with their later events."""
    table, note = timeline_rows(ds, partner)
    if partner is None:
        return overview_timeline(ds, table, note)
    return partner_timeline(ds, partner, table, note)


def overview_timeline(ds: Dataset, table: pd.DataFrame, note: str) -> Figure:
    """Every partner's announcements on one time axis, a row each, with the seed/all switch."""
    announced = table[table["kind"] == "announcement"]
    title = findings.busiest_year(ds).title
    seed = f" Seed table alone: {findings.busiest_year(views.seed_only(ds)).title}."
    description = listing(
        f"Timeline of {announced['id'].nunique()} agreements announced from 2021, one row per "
        "partner. ",
        per_year(announced),
    )
    if crowded(announced):
        chart, data = quarterly_rows(ds, announced, "Agreements announced")
        counted = "Too many to draw one by one: circles count each partner's agreements per quarter"
        subtitle = several_partners(ds, f"{counted}.", f"{counted}; {{}} count for each.") + seed
        return finish(chart, ds, title, subtitle, description, note, data=data)
    each = "Each mark is one agreement, placed at the date it was announced"
    subtitle = several_partners(
        ds, findings.multi_partner(ds).title, f"{each}; {{}} appear for each."
    )
    subtitle += seed
    points = partner_points(ds, announced, partner_rows(ds), timeline_tooltip())
    points = points.encode(size=alt.value(140)).transform_filter(switch_filter())
    chart = origin_switch(points + change_rule(ds, style.WIDTH)).properties(
        width=style.WIDTH, height=style.ROW_HEIGHT * 6 + 20
    )
    return finish(chart, ds, title, subtitle, description, note, key="point")


def several_partners(ds: Dataset, named: str, counted: str) -> str:
    """named, the text that names each agreement with more than one partner, or, when they are
    too many to name, counted with '{}' replaced by how many there are."""
    count = findings.multi_partner(ds).facts["multi_partner"]
    if count <= NAMED_AT_MOST:
        return named
    return counted.format(f"the {style.plural(count, 'agreement')} with more than one partner")


def announced_title(label: str, announced: pd.DataFrame) -> str:
    """'Japan: 13 agreements announced between June 2021 and October 2025'."""
    count = len(announced)
    if not count:
        return f"{label}: no agreement announced since 2021"
    first, last = announced["date"].min(), announced["date"].max()
    span = (
        f"between {style.date_text(first, 'month')} and {style.date_text(last, 'month')}"
        if first != last
        else f"in {style.date_text(first, 'month')}"
    )
    return f"{label}: {count} agreement{'s' if count != 1 else ''} announced {span}"


def partner_timeline(ds: Dataset, partner: str, table: pd.DataFrame, note: str) -> Figure:
    """One partner's agreements, a row each, from announcement through their later events."""
    label = ds.vocabulary.partners[partner]
    announced = table[table["kind"] == "announcement"]
    title = announced_title(label, announced)
    order = announced.sort_values("date")["label"].tolist()
    order += [n for n in table["label"].unique() if n not in order]
    if len(order) > TIMELINE_ROWS:
        return partner_timeline_counted(ds, partner, announced, title, note)
    y = alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=330))
    spans = table.groupby("label")["date"].agg(["min", "max"]).reset_index()
    axis = time_axis(ds).to_dict()["axis"]
    rules = (
        alt.Chart(spans)
        .mark_rule(color=style.LIGHT, strokeWidth=2)
        .encode(x=alt.X("min:T", title=None, axis=axis), x2="max:T", y=y)
    )
    colour = alt.value(style.PARTNER_COLOURS[partner])
    marks = partner_points(ds, table, y, timeline_tooltip()).encode(
        shape=alt.value(style.PARTNER_SHAPES[partner]), color=colour, stroke=colour
    )
    chart = (rules + change_rule(ds, style.WIDTH - 200) + marks).properties(
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


def partner_timeline_counted(
    ds: Dataset, partner: str, announced: pd.DataFrame, title: str, note: str
) -> Figure:
    """A partner's timeline with too many agreements for a row each: announcements per quarter."""
    chart, data = quarterly_bars(ds, partner, announced)
    subtitle = (
        f"Too many agreements to draw a row each: bars count those announced per quarter "
        f"(lighter: {ORIGIN_DOMAIN[1].lower()}); later events are not counted here. The dashed "
        "line marks the change of U.S. administration."
    )
    description = listing(
        f"Bar chart of {ds.vocabulary.partners[partner]}'s agreements announced per quarter; per "
        "year: ",
        per_year(announced),
    )
    return finish(chart, ds, title, subtitle, description, note, key="bar", data=data)


def activity_rows(ds: Dataset) -> pd.DataFrame:
    """Announcements and later events from 2021, one row per event and partner."""
    table = views.activity(ds).explode("partners").rename(columns={"partners": "partner"})
    table = table[table["date"] >= pd.Timestamp(2021, 1, 1)].reset_index(drop=True)
    return with_records(table.assign(partner_label=table["partner"].map(ds.vocabulary.partners)))


def activity_chart(ds: Dataset) -> Figure:
    """Every announcement and later event since 2021, one row per partner, with the change of
    administration marked."""
    table = activity_rows(ds)
    title = findings.activity_since_change(ds).title
    status = findings.status_summary(ds).title
    if crowded(table):
        chart, data = quarterly_rows(ds, table, "Announcements and later events")
        subtitle = (
            "Too many to draw one by one: circles count the announcements and later events per "
            f"partner and quarter. {status}."
        )
        intro = f"Timeline of {len(table)} announcements and later events by partner, per year: "
        return finish(chart, ds, title, subtitle, listing(intro, per_year(table)), data=data)
    tooltip = [
        alt.Tooltip("label:N", title="Agreement"),
        alt.Tooltip("partner_label:N", title="Partner"),
        alt.Tooltip("what:N", title="What happened"),
        alt.Tooltip("when:N", title="Date"),
        alt.Tooltip("origin_label:N", title="Origin"),
    ]
    points = partner_points(ds, table, partner_rows(ds), tooltip)
    rule = change_rule(ds, style.WIDTH)
    chart = origin_switch(points.transform_filter(switch_filter()) + rule).properties(
        width=style.WIDTH, height=style.ROW_HEIGHT * 6 + 20
    )
    subtitle = (
        "Announcements (large marks) and later events such as meetings, signings and renamings "
        f"(small marks), by partner. {status}."
    )
    description = listing(
        f"Timeline of {len(table)} announcements and later events by partner; since "
        f"{findings.CHANGE_TEXT}: ",
        (
            f"{r['partner_label']} {r['label']}, {r['what'].lower()} {r['when']}"
            for _, r in table[table["since_change"]].iterrows()
        ),
    )
    return finish(chart, ds, title, subtitle, description, key="point")


def per_year(table: pd.DataFrame) -> Iterable[str]:
    """'2021: 4', '2022: 7'...: a table's rows counted per year of their date."""
    years = table["date"].dt.year.value_counts().sort_index()
    return (f"{y}: {n}" for y, n in years.items())


# --- Status as of the data date ---------------------------------------------------------------


def status_colour(legend: bool) -> alt.Color:
    """One colour per status, dark to light, with a legend of one column if asked."""
    labels = list(views.STATUS_LABELS.values())
    return alt.Color(
        "status_label:N",
        title=None,
        sort=labels,
        scale=alt.Scale(domain=labels, range=list(style.STATUS_COLOURS.values())),
        legend=alt.Legend(columns=1, labelLimit=400) if legend else None,
    )


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
    colour = status_colour(legend=not partner)
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


def ministry_title(label: str, own: pd.DataFrame, total: int) -> str:
    """The partner's most frequent signing ministry category, or a tie, as a finding."""
    top = own[own["agreements"] == own["agreements"].max()]
    k = int(top["agreements"].iloc[0]) if len(top) else 0
    if total == 0:
        return f"{label}: no agreement, so no signing ministry to show"
    if len(top) > 2:
        return (
            f"{label}'s signatures are spread: {len(top)} ministry categories each sign "
            f"{style.portion(k, total, label)}"
        )
    return (
        f"{label}'s most frequent signator{'ies' if len(top) > 1 else 'y'}: "
        f"{' and '.join(style.lower_first(c) for c in top['category_label'])} "
        f"({style.portion(k, total, label)}{' each' if len(top) > 1 else ''})"
    )


def ministry_chart(ds: Dataset, partner: str) -> Figure:
    """Which ministry categories sign one partner's agreements, U.S. side beside the partner's."""
    label = ds.vocabulary.partners[partner]
    counts = views.category_counts(ds, partner)
    total = len(views.for_partner(ds, partner))
    categories = list(ds.vocabulary.categories.values())
    sides = [views.US_LABEL, label]
    own = counts[counts["side"] == label].sort_values("agreements", ascending=False)
    colour = alt.Color(
        "side:N",
        title=None,
        scale=alt.Scale(domain=sides, range=[style.US_COLOUR, style.PARTNER_COLOURS[partner]]),
    )
    signers = views.by_signatory(ds, partner)
    signers["category_label"] = signers["category"].map(ds.vocabulary.categories)
    stacked = origin_counts(signers, {"side": sides, "category_label": categories})
    base = alt.Chart(stacked).encode(
        y=alt.Y("category_label:N", title=None, sort=categories, axis=alt.Axis(labelLimit=330)),
        yOffset=alt.YOffset("side:N", sort=sides),
    )
    tooltip = [
        alt.Tooltip("side:N", title="Side"),
        alt.Tooltip("category_label:N", title="Ministry"),
        *origin_tooltip(),
    ]
    bars = stacked_bars(base, count_axis("Agreements signed", total), colour, tooltip, height=9)
    labels = value_labels(base, ["side", "category_label"], skip_zero=True, dx=3, fontSize=9)
    chart = (bars + labels).properties(
        width=style.WIDTH - 230, height=style.ROW_HEIGHT * 1.6 * len(categories)
    )
    subtitle = (
        f"Agreements each ministry category signed or co-led, for the United States (dark) and "
        f"{label} (colour); categories follow the seed's criterion #2."
    )
    grid = stacked.groupby(["side", "category_label"], sort=False)["agreements"].sum()
    description = listing(
        f"Grouped bar chart of signing ministries for {label}'s agreements: ",
        (f"{side} {category} {n}" for (side, category), n in grid.items() if n),
    )
    return finish(chart, ds, ministry_title(label, own, total), subtitle, description, key="bar")


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
    named = findings.multi_partner(ds).facts["counts_note"]
    subtitle = several_partners(ds, named, "Agreements per partner; {} count for each.")
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


MATRIX_WIDTH = style.WIDTH - 180
LABEL_CHAR_WIDTH = 7  # pixels: a generous width of a letter in an axis label (DejaVu Sans, 11 px)
MATRIX_CHAR_WIDTH = 7  # pixels: a digit or bracket at the cells' 11-pixel font, rounded up
MATRIX_MEAN_CHAR_WIDTH = 6.2  # pixels: the mean of "(+n)"'s characters there, not rounded


def matrix_long(ds: Dataset, dimension: str) -> pd.DataFrame:
    """One row per agreement, partner and value of the dimension (its code in 'code')."""
    if dimension == "domain":
        return views.by_domain(ds).rename(columns={"domain": "code"})
    if dimension == "type":
        return views.by_partner(ds).rename(columns={"type": "code"})
    long = views.by_signatory(ds)
    return long[long["country"] == long["partner"]].rename(columns={"category": "code"})


def matrix_rows(ds: Dataset, long: pd.DataFrame, labels: dict) -> pd.DataFrame:
    """Agreements per partner, value and origin ('n'; 'added' repeats it for added ones), and a
    zero row per cell, so that a cell the switch empties still shows: Vega-Lite sums them after
    the switch has filtered them, and the rows stay as many as the cells, whatever the data."""
    cells = long.drop_duplicates(["id", "partner", "code"])
    counted = cells.groupby(["partner", "code", "origin"]).size().rename("n").reset_index()
    empty = pd.MultiIndex.from_product(
        [list(ds.vocabulary.partners), list(labels)], names=["partner", "code"]
    ).to_frame(index=False)
    rows = pd.concat([counted, empty.assign(origin="seed", n=0)], ignore_index=True)
    rows["added"] = rows["n"].where(rows["origin"] == "added", 0)
    rows["partner_label"] = rows["partner"].map(ds.vocabulary.partners)
    rows["label"] = rows["code"].map(labels)
    return rows


def partner_columns(ds: Dataset, column: str) -> alt.X:
    """The matrix's partner columns, named on top; upright over columns too narrow for the
    longest name (column: the width of one, as a Vega expression), as all are at the book's
    width: set across, "South Korea" runs into its neighbours in print."""
    widest = max(len(name) for name in ds.vocabulary.partners.values()) * LABEL_CHAR_WIDTH + 6
    upright = f"({column} < {widest})"
    return alt.X(
        "partner_label:N",
        title=None,
        sort=list(ds.vocabulary.partners.values()),
        axis=alt.Axis(
            orient="top",
            labelAngle=alt.ExprRef(f"({upright} ? -90 : 0)"),
            labelAlign=alt.ExprRef(f"({upright} ? 'left' : 'center')"),
            labelBaseline=alt.ExprRef(f"({upright} ? 'middle' : 'bottom')"),
        ),
    )


def fits_cell(
    text: str, column: str, char_width: float = MATRIX_CHAR_WIDTH, margin: float = 6
) -> str:
    """A Vega expression: whether the text (an expression) fits a matrix column's width."""
    return f"(length({text}) * {char_width} + {margin} <= {column})"


def matrix_layers(ds: Dataset, rows: pd.DataFrame, heading: str, order: list, top_count: int):
    """Cells shaded by their count, each with its count and (+n) the added agreements among them:
    on one line where the column holds it, else on two; in columns too narrow for "(+n)" (a
    small phone's), the count alone: the tooltip and the data table keep n."""
    column = f"{plot_width(MATRIX_WIDTH)} / {len(ds.vocabulary.partners)}"
    added = "'(+' + datum.added + ')'"
    one_line = fits_cell(f"datum.agreements + ' ' + {added}", column)
    # "(+n)" alone on its line may fill the column edge to edge: it still stays in its cell.
    two_lines = fits_cell(added, column, MATRIX_MEAN_CHAR_WIDTH, 0)
    base = (
        alt.Chart(rows)
        .transform_filter(switch_filter())
        .transform_aggregate(
            agreements="sum(n)", added="sum(added)", groupby=["partner_label", "label"]
        )
        .transform_calculate(
            shown="datum.agreements == 0 ? '·' : datum.added == 0 || !"
            f"{two_lines} ? '' + datum.agreements"
            f" : datum.agreements + ({one_line} ? ' ' : '\\n') + {added}"
        )
        .encode(
            x=partner_columns(ds, column),
            y=alt.Y("label:N", title=None, sort=order, axis=alt.Axis(labelLimit=330)),
            tooltip=[
                alt.Tooltip("partner_label:N", title="Partner"),
                alt.Tooltip("label:N", title=heading),
                alt.Tooltip("agreements:Q", title="Agreements"),
                alt.Tooltip("added:Q", title=ORIGIN_DOMAIN[1]),
            ],
        )
    )
    shade = alt.Scale(domain=[0, top_count], range=["#F2F2F2", "#08306B"])
    cells = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("agreements:Q", title="Agreements", legend=None, scale=shade)
    )
    # Vega sets a text's first line at the cell's middle: two lines start half a line higher.
    two_lines = "indexof(datum.shown, '\\n') >= 0"
    dark = alt.datum.agreements > top_count / 2
    text = base.mark_text(
        fontSize=11, lineBreak="\n", dy=alt.ExprRef(f"{two_lines} ? -6 : 0")
    ).encode(text="shown:N", color=alt.condition(dark, alt.value("white"), alt.value(TEXT_COLOUR)))
    return cells + text


def partner_matrix(ds: Dataset, dimension: str) -> Figure:
    """Partner x domain, type or ministry category: how many agreements fall in each cell."""
    heading, vocabulary_name = MATRIX_DIMENSIONS[dimension]
    labels = getattr(ds.vocabulary, vocabulary_name)
    rows = matrix_rows(ds, matrix_long(ds, dimension), labels)
    order = list(labels.values())
    cells = rows.groupby(["partner_label", "label"])[["n", "added"]].sum()
    cells = cells.reindex(
        pd.MultiIndex.from_product([list(ds.vocabulary.partners.values()), order])
    )
    grid = cells.reset_index().set_axis(
        ["Partner", heading, "Agreements", ORIGIN_DOMAIN[1]], axis=1
    )
    top_count = max(int(grid["Agreements"].max()), 1)
    chart = origin_switch(matrix_layers(ds, rows, heading, order, top_count)).properties(
        width=MATRIX_WIDTH, height=style.ROW_HEIGHT * 1.2 * len(labels)
    )
    seed = views.seed_only(ds)
    if dimension == "domain":
        title = findings.domain_reach(ds).title
        gap = findings.domain_reach(ds).facts["absent_sentence"] + " "
        seed_title = findings.domain_reach(seed).title
    else:
        title, gap = findings.most_common(ds, dimension).title, ""
        seed_title = findings.most_common(seed, dimension).title
    subtitle = gap + (
        f"Agreements per partner and {heading.lower()}; darker cells hold more agreements; "
        f"(+n), where the cell has room: of them, added since the seed. Seed table alone: "
        f"{seed_title}."
    )
    description = listing(
        f"Matrix of agreements by partner and {heading.lower()}: ",
        (
            f"{r['Partner']} {r[heading]} {r['Agreements']}"
            for _, r in grid.iterrows()
            if r["Agreements"]
        ),
    )
    return finish(chart, ds, title, subtitle, description, data=grid)


# --- Lineage --------------------------------------------------------------------------------


def lineage_depth(agreements: pd.DataFrame, node: str) -> int:
    """How many generations separate an agreement from its earliest ancestor in the dataset."""
    depth = 0
    while parent := agreements.at[node, "parent_id"]:
        node, depth = parent, depth + 1
    return depth


def lineage_rows(links: pd.DataFrame, agreements: pd.DataFrame) -> pd.DataFrame:
    """The linked agreements a row each, every child under its parent: id, family (the first
    ancestor shown), level (its generation: the column it is drawn in) and row."""
    nodes = sorted(set(links["parent_id"]) | set(links["child_id"]))
    children = links.groupby("parent_id")["child_id"].agg(sorted)
    placed = []
    for root in [n for n in nodes if agreements.at[n, "parent_id"] not in nodes]:
        stack = [root]
        while stack:
            node = stack.pop()
            placed.append((node, root))
            stack += reversed(children.get(node, []))
    frame = pd.DataFrame(placed, columns=["id", "family"])
    frame["row"] = range(len(frame))
    frame["level"] = [lineage_depth(agreements, n) for n in frame["id"]]
    return frame


def largest_families(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """At most LINEAGE_ROWS rows: the largest families whole (or the largest cut at the limit),
    and a note that says what is left out."""
    if len(frame) <= LINEAGE_ROWS:
        return frame, ""
    size = frame.groupby("family")["id"].transform("size")
    ordered = frame.assign(size=size).sort_values(["size", "row"], ascending=[False, True])
    fits = ordered.drop_duplicates("family").set_index("family")["size"].cumsum() <= LINEAGE_ROWS
    kept = ordered[ordered["family"].map(fits)] if fits.iloc[0] else ordered.head(LINEAGE_ROWS)
    note = (
        "Too many to draw: the largest families are shown "
        f"({kept['family'].nunique()} of {frame['family'].nunique():,}; {len(kept)} of the "
        f"{len(frame):,} agreements with a parent or a child in the dataset)."
    )
    return kept.drop(columns="size").assign(row=range(len(kept))).reset_index(drop=True), note


def lineage_frame(ds: Dataset, rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with what the diagram and its tooltip say of each agreement."""
    agreements = ds.agreements.set_index("id")
    partners = agreements.loc[rows["id"], "partners"].to_numpy()
    frame = rows.drop(columns="family").assign(
        name=rows["id"].map(agreements["name"]),
        label=rows["id"].map(agreements["label"]),
        partner_label=[" and ".join(ds.vocabulary.partners[p] for p in ps) for ps in partners],
        first_partner=[ds.vocabulary.partners[ps[0]] for ps in partners],
        when=[
            style.date_text(agreements.at[i, "announced_date"], agreements.at[i, "precision"])
            for i in rows["id"]
        ],
    )
    frame["caption"] = frame["label"] + " (" + frame["partner_label"] + ")"
    return views.with_origin(ds, frame)


def lineage_lines(
    frame: pd.DataFrame, links: pd.DataFrame, x_scale: alt.Scale, y_scale: alt.Scale
) -> alt.Chart:
    """A line from each parent's place to each child's."""
    position = frame.set_index("id")
    edges = links.assign(
        x=links["parent_id"].map(position["level"]),
        y=links["parent_id"].map(position["row"]),
        x2=links["child_id"].map(position["level"]),
        y2=links["child_id"].map(position["row"]),
    )
    return (
        alt.Chart(edges)
        .mark_rule(color=style.NEUTRAL, strokeWidth=1.5)
        .encode(
            x=alt.X("x:Q", scale=x_scale, axis=None),
            y=alt.Y("y:Q", scale=y_scale, axis=None),
            x2="x2:Q",
            y2="y2:Q",
        )
    )


def lineage_layers(ds: Dataset, frame: pd.DataFrame, links: pd.DataFrame) -> alt.LayerChart:
    """Lines from each parent (left) to its children (right), a point and a caption per row."""
    deepest = max(int(frame["level"].max()) if len(frame) else 0, 1)
    x_scale = alt.Scale(domain=[-0.1, max(frame["level"].max(), 1) + 1.6])
    y_scale = alt.Scale(domain=[-0.6, max(len(frame) - 0.4, 1)], reverse=True)
    x = alt.X("level:Q", axis=None, scale=x_scale)
    y = alt.Y("row:Q", axis=None, scale=y_scale)
    lines = lineage_lines(frame, links, x_scale, y_scale)
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
    # No wider than the room right of the deepest level: the column's edge cuts nothing.
    limit = int(style.WIDTH * 1.5 / (deepest + 1.7)) - 12
    labels = (
        alt.Chart(frame)
        .mark_text(align="left", dx=10, fontSize=11, limit=limit)
        .encode(x=x, y=y, text="caption:N", tooltip=alt.Tooltip("caption:N", title="Agreement"))
    )
    return lines + points + labels


def lineage_chart(ds: Dataset, partner: str | None = None) -> Figure:
    """Agreements that grew out of an earlier agreement in the dataset, drawn parent to child."""
    links = views.lineage(ds, partner)
    rows, note = largest_families(lineage_rows(links, ds.agreements.set_index("id")))
    frame = lineage_frame(ds, rows)
    drawn = links[links["child_id"].isin(frame["id"]) & links["parent_id"].isin(frame["id"])]
    height = style.ROW_HEIGHT * 1.4 * max(len(frame), 2)
    chart = lineage_layers(ds, frame, drawn).properties(width=style.WIDTH, height=height)
    count = len(links)
    where = f" for {ds.vocabulary.partners[partner]}" if partner else ""
    title = (
        f"{style.plural(count, 'agreement').capitalize()}{where} grew out of an earlier one in the dataset"
        if count != 1
        else f"One agreement{where} grew out of an earlier one in the dataset"
    )
    subtitle = "A line joins each agreement (right) to the one it grew out of (left)."
    description = listing(
        "Lineage diagram: ",
        (f"{r['child_name']} grew out of {r['parent_name']}" for _, r in drawn.iterrows()),
    )
    return finish(chart, ds, title, subtitle, description, note, key="point")


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
FLOW_SPAN = 114  # the frame's width: the boxes, with a margin right of the last
FLOW_WRAP = 22  # characters a line of a box's label, where the box holds them
FLOW_CHAR_WIDTH = 5.6  # pixels: a generous mean width of a character at the boxes' font size
# What a box too narrow for its wrapped label (on a phone) says instead; the tooltip and the
# data table keep the full label.
FLOW_SHORT = {
    "seed": "Seed rows",
    "candidates": "Candidates",
    "screened": "Screened",
    "included": "Included",
    "borderline": "Borderline",
    "excluded": "Excluded",
    "dataset": "Dataset",
}


def flow_counts(ds: Dataset) -> tuple[dict, dict]:
    """Each box's label and count."""
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
    return labels, counts


def flow_boxes(labels: dict, counts: dict) -> pd.DataFrame:
    """A box per stage: its corners, and its label and count placed at its middle, wrapped
    (text) or short (short), with the length of the wrapped label's longest line."""
    wrapped = {k: textwrap.wrap(labels[k], FLOW_WRAP) for k in FLOW_BOXES}
    boxes = pd.DataFrame(
        [
            {
                "stage": k,
                "label": labels[k],
                "x": x,
                "y": y,
                "text": "\n".join(wrapped[k]) + f"\n{counts[k]}",
                "short": f"{FLOW_SHORT[k]}\n{counts[k]}",
                "longest": max(len(line) for line in wrapped[k]),
                "agreements": counts[k],
            }
            for k, (x, y) in FLOW_BOXES.items()
        ]
    )
    # Vega sets a multi-line text from its first line: raise it by half its extra lines.
    return boxes.assign(
        x1=boxes["x"] - BOX_WIDTH / 2,
        x2=boxes["x"] + BOX_WIDTH / 2,
        y1=boxes["y"] - BOX_HEIGHT / 2,
        y2=boxes["y"] + BOX_HEIGHT / 2,
        text_y=boxes["y"] - boxes["text"].str.count("\n") * 2,
        short_y=boxes["y"] - boxes["short"].str.count("\n") * 2,
    )


def flow_point(end) -> tuple[float, float]:
    """Where an arrow's end sits: a box's top or bottom middle, or a point given as is."""
    if isinstance(end[0], str):
        x, y = FLOW_BOXES[end[0]]
        return x, y + (BOX_HEIGHT / 2 if end[1] == "bottom" else -BOX_HEIGHT / 2)
    return end


def flow_segments() -> pd.DataFrame:
    """The arrows' straight pieces; an arrow head where a path enters a box (a path that ends
    on another line joins it)."""
    return pd.DataFrame(
        [
            {
                **dict(zip(["x", "y", "x2", "y2"], [*flow_point(a), *flow_point(b)], strict=True)),
                "head": b is path[-1] and isinstance(b[0], str),
            }
            for path in FLOW_ARROWS
            for a, b in zip(path, path[1:], strict=False)
        ]
    )


def flow_layers(boxes: pd.DataFrame, segments: pd.DataFrame) -> alt.LayerChart:
    """Lines, arrow heads, then the boxes and their text over them."""
    x_scale = alt.Scale(domain=[0, FLOW_SPAN])
    y_scale = alt.Scale(domain=[0, 100], reverse=True)
    x = alt.X("x:Q", axis=None, scale=x_scale)
    y = alt.Y("y:Q", axis=None, scale=y_scale)
    # Whether a box, as wide as the page draws it, holds its wrapped label.
    box = f"{plot_width(style.WIDTH)} * {BOX_WIDTH / FLOW_SPAN:.4f}"
    wide = f"datum.longest * {FLOW_CHAR_WIDTH} + 8 <= {box}"
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
        .transform_calculate(
            shown=f"{wide} ? datum.text : datum.short",
            shown_y=f"{wide} ? datum.text_y : datum.short_y",
        )
        .mark_text(lineBreak="\n", fontSize=10, color=TEXT_COLOUR, baseline="middle")
        .encode(
            x=x,
            y=alt.Y("shown_y:Q", axis=None, scale=y_scale),
            text="shown:N",
            tooltip=[
                alt.Tooltip("label:N", title="Stage"),
                alt.Tooltip("agreements:Q", title="Agreements"),
            ],
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
    return lines + arrows + rects + text


def flow_chart(ds: Dataset) -> Figure:
    """The selection as a flow (as systematic reviews draw it): seed rows, candidates found
    after the seed table, screened, and included, borderline or excluded, into the dataset."""
    labels, counts = flow_counts(ds)
    chart = flow_layers(flow_boxes(labels, counts), flow_segments())
    chart = chart.properties(width=style.WIDTH, height=300)
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
