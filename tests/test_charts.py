"""Chart specs: titles that state the finding, descriptions, source notes, tooltips, one colour per partner."""

from __future__ import annotations

import html
import io
import json
import re
import textwrap
from pathlib import Path

import altair as alt
import pandas as pd
import pytest
import vl_convert as vlc

from indopacific_st import charts, display, findings, style, tables, views
from indopacific_st.display import Figure, Table, escape_markdown

ROOT = Path(__file__).resolve().parents[1]
PARTNERS = ["JP", "KR", "TW", "AU", "SG", "IN"]
PARTNER_CHARTS = [
    charts.timeline_chart,
    charts.domain_chart,
    charts.ministry_chart,
    charts.partner_share_chart,
]


def layers(spec: dict):
    """Every unit spec inside a (possibly concatenated or layered) Vega-Lite spec."""
    for key in ("vconcat", "hconcat", "layer"):
        for part in spec.get(key, []):
            yield from layers(part)
    if "mark" in spec:
        yield spec


def footer_text(spec: dict) -> str:
    footer = spec["vconcat"][-1]
    return " ".join(next(iter(spec["datasets"][footer["data"]["name"]]))["note"].split())


@pytest.mark.parametrize("partner", PARTNERS)
@pytest.mark.parametrize("make", PARTNER_CHARTS, ids=lambda f: f.__name__)
def test_partner_chart_is_complete(ds, partner, make):
    figure = make(ds, partner)
    spec = figure.spec
    label = ds.vocabulary.partners[partner]
    assert label in figure.title, "the title names the partner"
    assert spec["title"]["subtitle"]
    assert spec["description"] == figure.description and len(figure.description) > 40
    assert ds.citation in footer_text(spec)
    assert any("tooltip" in layer.get("encoding", {}) for layer in layers(spec))
    assert style.PARTNER_COLOURS[partner] in json.dumps(spec)


def test_partner_colours_are_the_same_everywhere(ds):
    overview = json.dumps(charts.timeline_chart(ds).spec)
    for code, colour in style.PARTNER_COLOURS.items():
        assert colour in overview
        assert colour in json.dumps(charts.domain_chart(ds, code).spec)


def test_domain_chart_counts_follow_the_data(ds):
    spec = charts.domain_chart(ds, "IN").spec
    data = next(v for v in spec["datasets"].values() if v and "domain" in v[0])
    shown = pd.DataFrame(data).groupby(["domain", "origin"])["agreements"].sum()
    india = views.for_partner(ds, "IN")
    for code in ds.vocabulary.domains:
        covers = india["domains"].map(lambda d, c=code: c in d)
        for origin, rows in india.groupby(views.origin(ds)[india["id"]].values):
            assert shown[code, origin] == int(covers[rows.index].sum())
        assert shown[code].sum() == int(covers.sum())
    assert shown.index.get_level_values(0).nunique() == len(ds.vocabulary.domains), (
        "zero domains are shown too"
    )


def test_titles_state_findings_computed_from_the_data(ds):
    count = len(views.for_partner(ds, "JP"))
    assert charts.timeline_chart(ds, "JP").title.startswith(f"Japan: {count} agreements")
    # Ties are named in the vocabulary's order, so the first domain named is stable.
    counts = views.domain_counts(ds, "JP")
    top = counts.sort_values("agreements", ascending=False, kind="stable").iloc[0]
    title = charts.domain_chart(ds, "JP").title
    assert title.lower().startswith(top["domain_label"].lower())


def test_timeline_tooltips_say_what_each_agreement_is(ds):
    spec = charts.timeline_chart(ds, "JP").spec
    fields = {
        t["field"] for layer in layers(spec) for t in layer.get("encoding", {}).get("tooltip", [])
    }
    assert {"name", "event", "when", "summary"} <= fields


def test_timeline_leaves_out_pre_2021_agreements_and_says_so(ds):
    spec = charts.timeline_chart(ds, "IN").spec
    assert "Announced before 2021 and not plotted" in footer_text(spec)
    assert "ICT" in footer_text(spec)


@pytest.mark.parametrize("dimension", ["domain", "type", "category"])
def test_overview_matrices(ds, dimension):
    spec = charts.partner_matrix(ds, dimension).spec
    assert charts.partner_matrix(ds, dimension).title and ds.citation in footer_text(spec)


def test_lineage_chart_draws_every_link(ds):
    figure = charts.lineage_chart(ds)
    links = views.lineage(ds)
    assert style.plural(len(links), "agreement").capitalize() in figure.title
    for _, link in links.iterrows():
        assert f"{link['child_name']} grew out of {link['parent_name']}" in figure.description


def test_same_data_gives_the_same_chart(ds):
    first, second = charts.timeline_chart(ds, "SG"), charts.timeline_chart(ds, "SG")
    assert first.spec == second.spec
    assert first.html() == second.html()


def test_chart_html_cannot_be_broken_out_of():
    hostile = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
    chart = (
        alt.Chart(pd.DataFrame({"name": [hostile], "n": [1]}))
        .mark_bar()
        .encode(x="n:Q", y="name:N")
    )
    page = Figure(chart, description=hostile).html()
    assert "</script><script>alert(1)" not in page
    assert "<img src=x" not in page
    assert "\\u003c/script\\u003e" in page


def test_chart_bundle_has_html_and_vector_pdf(ds, monkeypatch):
    monkeypatch.delenv("INDOPACIFIC_ST_CHART_FORMATS", raising=False)  # `make test` sets it
    bundle = charts.domain_chart(ds, "JP")._repr_mimebundle_()
    assert set(bundle) == {"text/html", "application/pdf", "text/plain"}
    import base64

    assert base64.b64decode(bundle["application/pdf"]).startswith(b"%PDF")


def test_web_build_skips_the_pdf_rendering(ds, monkeypatch):
    monkeypatch.setenv("INDOPACIFIC_ST_CHART_FORMATS", "html")
    assert set(charts.domain_chart(ds, "JP")._repr_mimebundle_()) == {"text/html", "text/plain"}


def test_markdown_escaping_keeps_text_literal():
    text = "<script>x</script> {{a}} $1 50% & _b_ #c \\d `e` [f](g) {cite}`h`"
    escaped = escape_markdown(text)
    for raw in ("<script>", "{{", "_b_", "[f](g)", "{cite}`h`"):
        assert raw not in escaped
    for literal in ("\\$1", "50\\%", "\\&", "\\#c", "\\\\d"):
        assert literal in escaped
    table = Table(pd.DataFrame({"Name": [text + "\n* - injected row"]})).markdown()
    rows = [line for line in table.splitlines() if line.startswith("* -")]
    assert len(rows) == 2, "one header row and one data row: a newline in the data adds no row"


# --- Seed and added rows, the switch, the change of administration, the selection flow ------

SWITCH_CHARTS = {
    "timeline": lambda ds: charts.timeline_chart(ds),
    "activity": charts.activity_chart,
    "domain matrix": lambda ds: charts.partner_matrix(ds, "domain"),
}
ORIGIN_CHARTS = {
    "timeline": lambda ds: charts.timeline_chart(ds),
    "activity": charts.activity_chart,
    "partner timeline": lambda ds: charts.timeline_chart(ds, "JP"),
    "domains": lambda ds: charts.domain_chart(ds, "JP"),
    "share": lambda ds: charts.partner_share_chart(ds, "KR"),
    "ministries": lambda ds: charts.ministry_chart(ds, "JP"),
    "status": charts.status_chart,
    "partner status": lambda ds: charts.status_chart(ds, "IN"),
    "lineage": charts.lineage_chart,
}


def encodings(spec: dict):
    for layer in layers(spec):
        yield from layer.get("encoding", {}).items()


def transforms(spec: dict):
    for layer in layers(spec):
        yield from layer.get("transform", [])
    for key in ("vconcat", "hconcat", "layer"):
        for part in spec.get(key, []):
            yield from part.get("transform", [])


@pytest.mark.parametrize("make", ORIGIN_CHARTS.values(), ids=ORIGIN_CHARTS.keys())
def test_charts_tell_seed_rows_from_added_ones(ds, make):
    spec = make(ds).spec
    fields = {
        (channel, value.get("field"))
        for channel, value in encodings(spec)
        if isinstance(value, dict)
    }
    assert ("fillOpacity", "origin_label") in fields or ("opacity", "origin_label") in fields
    shown = {row.get("origin_label") for rows in spec["datasets"].values() for row in rows}
    assert set(views.ORIGIN_LABELS.values()) <= shown, "the key names both origins"


@pytest.mark.parametrize("make", SWITCH_CHARTS.values(), ids=SWITCH_CHARTS.keys())
def test_switch_shows_all_agreements_or_the_seed_table(ds, make):
    spec = make(ds).spec
    (param,) = spec["params"]
    assert param["name"] == charts.SWITCH
    assert param["bind"]["input"] == "radio"
    assert param["bind"]["options"] == ["All agreements", "Seed table only"]
    assert param["value"] == "All agreements", "the PDF draws all agreements"
    filters = [t["filter"] for t in transforms(spec) if "filter" in t]
    assert charts.switch_filter() in filters


def test_matrix_counts_follow_the_switch_in_vega_lite(ds):
    spec = charts.partner_matrix(ds, "domain").spec
    steps = [next(iter(t)) for t in transforms(spec)]
    assert steps.index("filter") < steps.index("aggregate"), "filter first, then count"
    aggregate = next(t for t in transforms(spec) if "aggregate" in t)["aggregate"]
    assert {"op": "sum", "field": "added", "as": "added"} in aggregate, (
        "cells say how many were added"
    )
    rows = pd.DataFrame(next(r for r in spec["datasets"].values() if r and "n" in r[0]))
    for origin_rows in (rows, rows[rows["origin"] == "seed"]):
        counted = origin_rows.groupby(["partner", "code"])["n"].sum()
        long = views.by_domain(ds)
        if len(origin_rows) < len(rows):
            long = long[long["origin"] == "seed"]
        expected = long.groupby(["partner", "domain"])["id"].nunique()
        assert counted[counted > 0].to_dict() == expected.to_dict()


@pytest.mark.parametrize(
    "make", [charts.activity_chart, lambda ds: charts.timeline_chart(ds, "IN")]
)
def test_activity_charts_mark_the_change_of_administration(ds, make):
    spec = make(ds).spec
    marks = [layer["mark"] for layer in layers(spec)]
    assert any(m == "rule" or (isinstance(m, dict) and m.get("type") == "rule") for m in marks)
    change = views.ADMINISTRATION_CHANGE.isoformat()
    labelled = [
        row
        for rows in spec["datasets"].values()
        for row in rows
        if str(row.get("date", "")).startswith(change) and "label" in row
    ]
    assert labelled and findings.CHANGE_TEXT in labelled[0]["label"], "the rule is labelled"


def test_status_chart_title_is_the_finding(ds):
    assert charts.status_chart(ds, "IN").title == findings.status_summary(ds, "IN").title
    assert charts.activity_chart(ds).title == findings.activity_since_change(ds).title


def test_flow_figure_draws_the_selection_flow(ds):
    spec = charts.flow_chart(ds).spec
    boxes = next(rows for rows in spec["datasets"].values() if rows and "stage" in rows[0])
    drawn = {row["stage"]: row["agreements"] for row in boxes}
    flow = views.selection_flow(ds).set_index("stage")["agreements"]
    for stage, count in flow.items():
        assert drawn[stage] == count
        assert str(count) in next(r["text"] for r in boxes if r["stage"] == stage)
    assert drawn["screened"] == flow["candidates"]
    assert drawn["dataset"] == flow["seed"] + flow["included"] == len(ds.agreements)


def drawn_texts(figure: Figure, width: int) -> list[list[str]]:
    """The texts of a web chart drawn with its plot `width` pixels wide, as the page narrows it
    to a column: each as its lines."""
    spec = figure.web_spec | {"width": width}
    svg = vlc.vegalite_to_svg(spec)
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, re.S)
    return [
        [html.unescape(line) for line in re.findall(r"<tspan[^>]*>(.*?)</tspan>", t)]
        or [html.unescape(t)]
        for t in texts
    ]


def test_flow_boxes_say_a_short_label_where_they_are_too_narrow(ds):
    """On a phone (a 256 px column) each box says its stage in a word and its count; where the
    box holds it (the desktop, the PDF), the full label. The tooltip keeps the full label."""
    figure = charts.flow_chart(ds)
    labels, counts = charts.flow_counts(ds)
    full = {tuple(lines) for lines in drawn_texts(figure, style.WIDTH)}
    short = {tuple(lines) for lines in drawn_texts(figure, 256)}
    for stage in charts.FLOW_BOXES:
        wrapped = textwrap.wrap(labels[stage], charts.FLOW_WRAP)
        assert (*wrapped, str(counts[stage])) in full
        assert (charts.FLOW_SHORT[stage], str(counts[stage])) in short
    assert {"field": "label", "type": "nominal", "title": "Stage"} in [
        t for layer in layers(figure.web_spec) for t in layer["encoding"].get("tooltip", [])
    ]


def test_matrix_cells_drop_the_added_count_where_columns_are_too_narrow(ds):
    """Six partner columns of 20 px (a 320 px phone's) hold a cell's count but not "(+n)": the
    cells say the count alone. Where the columns hold it, each cell with added agreements says
    how many."""
    figure = charts.partner_matrix(ds, "domain")
    grid = figure.data[figure.data["Agreements"] > 0]
    expected = sorted(str(n) for n in grid["Agreements"])
    with_added = grid[grid[charts.ORIGIN_DOMAIN[1]] > 0]
    wide = [" ".join(lines) for lines in drawn_texts(figure, charts.MATRIX_WIDTH)]
    narrow = [" ".join(lines) for lines in drawn_texts(figure, 6 * 20)]
    assert sorted(t for t in narrow if t.isdigit()) == expected
    assert not [t for t in narrow if "(+" in t]
    assert sorted(t for t in wide if "(+" in t) == sorted(
        f"{r['Agreements']} (+{r[charts.ORIGIN_DOMAIN[1]]})" for _, r in with_added.iterrows()
    )


@pytest.mark.parametrize("make", SWITCH_CHARTS.values(), ids=SWITCH_CHARTS.keys())
def test_switch_charts_render_as_pdf(ds, make):
    import vl_convert as vlc

    assert vlc.vegalite_to_pdf(make(ds).spec).startswith(b"%PDF")


def test_tables_say_which_rows_are_added(ds):
    expected = views.origin(ds).map(views.ORIGIN_LABELS)
    names = ds.agreements.set_index("id")["name"]
    for table in (tables.agreements_table(ds), tables.status_table(ds)):
        shown = dict(zip(table.frame["Agreement"], table.frame[tables.ORIGIN], strict=True))
        assert shown == {names[i]: label for i, label in expected.items()}
    japan = tables.agreements_table(ds, "JP").frame
    assert len(japan) == len(views.for_partner(ds, "JP")) and tables.ORIGIN in japan
    assert tables.ORIGIN in tables.criteria_table(ds).frame


def test_screened_table_lists_every_candidate_with_its_failing_criterion(ds):
    frame = tables.screened_table(ds).frame
    assert list(frame["Candidate"]) == list(ds.screened["name"])
    for numbers, shown in zip(
        ds.screened["failing_criterion"], frame["Failing criterion"], strict=True
    ):
        for n in numbers:
            assert f"#{n}" in shown


class ResponsiveFigure(display.Figure):
    """A figure whose web spec is responsive, as the web edition may make it."""

    @property
    def spec(self) -> dict:
        spec = super().spec
        for view in spec.get("vconcat", []):
            if "width" in view:
                view["width"] = "container"
        return spec


def view_widths(node) -> list:
    if isinstance(node, dict):
        own = [node["width"]] if display.is_view(node) and "width" in node else []
        return own + [w for v in node.values() for w in view_widths(v)]
    if isinstance(node, list):
        return [w for v in node for w in view_widths(v)]
    return []


@pytest.mark.parametrize("make", [charts.ministry_chart, charts.timeline_chart])
def test_print_rendering_has_fixed_widths_and_readable_text(ds, make):
    """Figure.pdf() sets numeric widths itself, whatever the web spec says, and its smallest
    text prints at 7 pt or more once the chart is placed at the report's text width."""
    web = make(ds, "JP")
    figure = ResponsiveFigure(web.chart, web.description)
    spec = figure.print_spec()
    widths = view_widths(spec)
    assert widths and all(isinstance(w, int | float) for w in widths), widths
    smallest = min(display.font_sizes(spec))
    printed = smallest * display.PRINT_TEXT_WIDTH / display.rendered_width(spec)
    assert printed >= 7, f"smallest chart text prints at {printed:.1f} pt"


def test_chart_data_is_what_is_plotted(ds):
    """The CSV behind the domain chart adds up to each domain's count of the partner's agreements."""
    from indopacific_st import views

    figure = charts.domain_chart(ds, "JP")
    data = pd.read_csv(io.StringIO(figure.csv()))
    totals = data.groupby("Domain")["Agreements"].sum()
    long = views.by_domain(ds)
    long = long[long["partner"] == "JP"]
    expected = long.groupby("domain")["id"].nunique().rename(index=ds.vocabulary.domains)
    assert totals[totals > 0].sort_index().to_dict() == expected.sort_index().to_dict()


def test_web_figure_fits_its_column_and_print_figure_keeps_a_fixed_width(ds):
    figure = charts.timeline_chart(ds, "JP")
    assert "title" not in figure.web_spec and figure.title
    widths = [v.get("width") for v in figure.spec["vconcat"]]
    assert all(isinstance(w, int) for w in widths)
    assert (
        figure.file_name in figure.html() and f'download="{figure.file_name}.csv"' in figure.html()
    )


# --- At 100x the data (bench/synthetic.py): every chart stays legible and fits a printed page --

# The A4 page's text area (1 inch margins); LaTeX scales a taller figure down to 90% of it.
PRINT_TEXT_HEIGHT = 0.9 * (297 / 25.4 - 2) * 72


def busiest_partner(ds) -> str:
    return views.partner_counts(ds).sort_values("agreements").iloc[-1]["partner"]


AT_SCALE = {
    "timeline": lambda ds: charts.timeline_chart(ds),
    "activity": charts.activity_chart,
    "lineage": lambda ds: charts.lineage_chart(ds),
    "domain matrix": lambda ds: charts.partner_matrix(ds, "domain"),
    "type matrix": lambda ds: charts.partner_matrix(ds, "type"),
    "ministry matrix": lambda ds: charts.partner_matrix(ds, "category"),
    "status": lambda ds: charts.status_chart(ds),
    **{
        f"partner {make.__name__}": lambda ds, make=make: make(ds, busiest_partner(ds))
        for make in [*PARTNER_CHARTS, charts.lineage_chart, charts.status_chart]
    },
}


@pytest.mark.parametrize("make", [*AT_SCALE.values(), charts.flow_chart], ids=[*AT_SCALE, "flow"])
def test_every_kind_of_chart_is_valid_vega_lite(ds, make):
    """The build serialises charts unchecked (display.Figure.spec): each kind, for print and for
    the web, passes Altair's check against the Vega-Lite schema here."""
    figure = make(ds)
    figure.chart.to_dict(validate=True)
    figure.web.to_dict(validate=True)


def quarters(ds) -> int:
    """How many calendar quarters the timelines span."""
    start, end = charts.time_domain(ds)
    return len(pd.period_range(start, end, freq="Q"))


# The charts whose size follows the data (rows per agreement, notes that name agreements); the
# others have a row per vocabulary value, which the data does not grow.
GROWING = ["timeline", "activity", "lineage", "partner timeline_chart", "partner lineage_chart"]
GROWING += ["partner partner_share_chart", "domain matrix"]


@pytest.mark.parametrize("make", AT_SCALE.values(), ids=AT_SCALE.keys())
def test_charts_stay_bounded_at_100x_data(ds_100x, make):
    """No chart draws a mark per agreement once they would pile up: each data source holds at
    most a row per partner, quarter and origin, and the texts do not list every agreement."""
    assert len(ds_100x.agreements) > 50 * charts.MARKS_PER_ROW, "the data has grown"
    figure = make(ds_100x)
    bound = len(ds_100x.vocabulary.partners) * quarters(ds_100x) * len(views.ORIGIN_LABELS)
    sizes = {name: len(rows) for name, rows in figure.spec["datasets"].items()}
    assert max(sizes.values()) <= bound, sizes
    assert len(figure.description) < 4000 and len(figure.subtitle) < 400
    assert sum(len(n) for n in figure.notes) < 1000


@pytest.mark.parametrize("name", GROWING)
def test_print_figures_fit_a_page_at_100x_data(ds_100x, name):
    """The print figure fits the page's text area, its text still at 7 pt or more, and draws
    a bounded number of marks."""
    figure = AT_SCALE[name](ds_100x)
    spec = figure.print_spec()
    svg = vlc.vegalite_to_svg(spec)
    width, height = (
        float(re.search(rf'<svg[^>]*\s{d}="([\d.]+)"', svg).group(1)) for d in ("width", "height")
    )
    printed = height * display.PRINT_TEXT_WIDTH / width
    assert printed <= PRINT_TEXT_HEIGHT, f"prints {printed:.0f} pt tall"
    bound = len(ds_100x.vocabulary.partners) * quarters(ds_100x) * len(views.ORIGIN_LABELS)
    assert svg.count('role="graphics-symbol"') <= bound
    smallest = min(display.font_sizes(spec)) * display.PRINT_TEXT_WIDTH / width
    assert smallest >= 7, f"smallest chart text prints at {smallest:.1f} pt"


def test_crowded_timelines_count_per_quarter(ds_100x):
    """At 100x the overview timeline counts each partner's announcements per quarter, and the
    busiest partner's timeline counts them in bars: the counts add up to the data."""
    announced = views.by_partner(ds_100x)
    announced = announced[announced["announced_date"] >= "2021-01-01"]
    overview = charts.timeline_chart(ds_100x).data
    assert overview["Agreements announced"].sum() == len(announced)
    assert overview.groupby("Partner")["Agreements announced"].sum().to_dict() == (
        announced["partner"].map(ds_100x.vocabulary.partners).value_counts().to_dict()
    )
    partner = busiest_partner(ds_100x)
    bars = charts.timeline_chart(ds_100x, partner).data
    assert bars["Agreements"].sum() == (announced["partner"] == partner).sum()
    assert "Quarter" in bars and "per quarter" in charts.timeline_chart(ds_100x, partner).subtitle


def test_crowded_lineage_draws_the_largest_families_within_the_limit(ds_100x):
    figure = charts.lineage_chart(ds_100x)
    links = views.lineage(ds_100x)
    assert style.plural(len(links), "agreement").capitalize() in figure.title, "counts all links"
    drawn = set(figure.data["Agreement"])
    assert 1 < len(drawn) <= charts.LINEAGE_ROWS
    assert drawn <= set(links["child_name"]) | set(links["parent_name"])
    assert "largest families" in figure.notes[0]
    described = [n for n in links["child_name"] if f"{n} grew out of" in figure.description]
    assert described and set(described) <= drawn


def test_real_data_draws_every_mark(ds):
    """Far below the limits, the charts draw one mark per agreement."""
    assert not charts.crowded(charts.activity_rows(ds))
    assert "Quarter" not in charts.timeline_chart(ds).data
    figure = charts.lineage_chart(ds)
    assert figure.notes == [f"Source: {ds.citation}."]


def test_a_chart_narrowed_for_print_lays_out_at_its_printed_width(ds):
    """The ministry matrix prints narrower than it is built (its row labels are long): the
    widths its cells' "(+n)" and upright names are laid out for narrow with it."""
    spec = charts.partner_matrix(ds, "category").print_spec()
    assumed = {
        round(float(w)) for w in re.findall(r"width > 0 \? width : ([\d.]+)", json.dumps(spec))
    }
    matrix = spec["vconcat"][0]  # then the source note
    assert assumed == {round(matrix["width"])}
    assert matrix["width"] < charts.MATRIX_WIDTH
