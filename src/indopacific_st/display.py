"""One way to show a chart or a table: interactive in HTML, static and vector in the PDF.

A chart's output bundle carries both an HTML rendering (compiled to Vega at build time and drawn
in the browser by the Vega runtime, which the book serves itself: no CDN) and a PDF rendering
made by vl-convert. myst-nb picks the HTML for the web book and the PDF for LaTeX. A table's
bundle is MyST Markdown, so the book renders it as a real table in both outputs and its
citations resolve against references.bib.
"""

from __future__ import annotations

import base64
import copy
import csv
import functools
import hashlib
import html
import io
import json
import os
import re
import textwrap
from pathlib import Path

import altair as alt
import pandas as pd
import vl_convert as vlc

FORMATS_VARIABLE = "INDOPACIFIC_ST_CHART_FORMATS"
# A folder (the Makefile: _build/renderings) that keeps vl-convert's print renderings under the
# digest of their spec, so that the PDF, the briefs and the next build reuse the rendering of
# every chart that has not changed. Unset, every rendering is made afresh.
RENDERINGS_VARIABLE = "INDOPACIFIC_ST_RENDERINGS"

# The PDF places every chart at the text width of the A4 page (`_config.yml`: 1 inch margins),
# so a chart W pixels wide prints its F-pixel text at F * PRINT_TEXT_WIDTH / W points. The print
# rendering narrows the chart until its smallest text prints at PRINT_MIN_FONT points or more.
PRINT_TEXT_WIDTH = 451.0
PRINT_MIN_FONT = 7.2
PRINT_FONT_FLOOR = 10  # pixels: text marks and labels below this are raised in print
VIEW_KEYS = ("mark", "layer", "hconcat", "vconcat", "concat", "facet", "spec")

# Characters that Markdown, MyST roles and directives, or LaTeX could act on. Escaped with a
# backslash, each shows as itself (CommonMark allows a backslash before any ASCII punctuation).
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$%&~^:@=\"'/])")


def columns_of(rows: list[dict]) -> dict:
    """Rows of a dataset as its column names and one list of values a row: each name once."""
    columns = list(dict.fromkeys(key for row in rows for key in row))
    return {"columns": columns, "rows": [[row.get(c) for c in columns] for row in rows]}


def drop_unnamed_columns(dataset: dict, named: str) -> None:
    """A dataset (in columns) without the columns the text `named` never names (in place)."""
    keep = [bool(re.search(rf"(?<!\w){re.escape(c)}(?!\w)", named)) for c in dataset["columns"]]
    dataset["columns"] = [c for c, k in zip(dataset["columns"], keep, strict=True) if k]
    dataset["rows"] = [[v for v, k in zip(r, keep, strict=True) if k] for r in dataset["rows"]]


def js_text(value: object) -> str | None:
    """A JSON value as report-charts.js shows it in a cell (String(value)); None where the
    browser's text could differ from Python's (exponents), so the caller keeps its own text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return None if "e" in repr(value) else repr(value)
    return str(value)


def field_for(column: str, tooltip_fields: dict[str, str], dataset: dict) -> str | None:
    """The dataset column a plotted-data column was taken from (the plotted data names the
    chart's fields by their tooltip titles)."""
    source = tooltip_fields.get(column, column)
    return source if source in dataset["columns"] else None


def tooltip_titles(node: object) -> dict[str, str]:
    """Every tooltip title in a spec, with the field it shows."""
    found = {}
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "tooltip" and isinstance(value, list):
                found |= {t["title"]: t["field"] for t in value if "title" in t and "field" in t}
            elif key not in ("datasets", "data"):
                found |= tooltip_titles(value)
    elif isinstance(node, list):
        for value in node:
            found |= tooltip_titles(value)
    return found


def escape_markdown(text: object) -> str:
    """Text from the data, made safe to place in MyST Markdown: shown literally, never run."""
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    value = " ".join(value.split())  # a newline would end a table row
    return MARKDOWN_SPECIALS.sub(r"\\\1", value)


def script_json(spec: dict) -> str:
    """A chart spec as JavaScript source that no data value can break out of."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def key_symbol(opacity: float, shape: str) -> str:
    """A key's symbol as inline SVG: a circle for points, a square for bars."""
    colour = "#4D4D4D"
    mark = (
        f'<circle cx="7" cy="7" r="5.5" fill-opacity="{opacity}"'
        if shape == "point"
        else f'<rect x="1.5" y="1.5" width="11" height="11" fill-opacity="{opacity}"'
    )
    return (
        f'<svg width="14" height="14" aria-hidden="true" focusable="false">{mark} '
        f'fill="{colour}" stroke="{colour}" stroke-width="1.5"/></svg>'
    )


class Figure:
    """An Altair chart that renders offline in HTML and as a vector figure in the PDF.

    `chart` is the print figure, title and notes included, at a fixed width (vl-convert cannot
    size to a column). `web` is the same chart without them: the page shows title, subtitle and
    notes as text, and report-charts.js fits the chart to its column. `data` is what the chart
    plots, one row per mark, offered as a CSV download and a table.
    """

    def __init__(
        self,
        chart: alt.TopLevelMixin,
        description: str,
        *,
        web: alt.TopLevelMixin | None = None,
        title: str = "",
        subtitle: str = "",
        notes: list[str] | None = None,
        key: list[tuple[str, float, str]] | None = None,
        data: pd.DataFrame | None = None,
    ):
        self.chart = chart
        self.description = description
        self.web = chart if web is None else web
        self.heading = title
        self.subtitle = subtitle
        self.notes = notes or []
        self.key = key or []  # (label, fill opacity, "point" or "bar"): a key drawn as page text
        self.data = data

    # Serialised without Altair's check against the Vega-Lite schema, about a third of an HTML
    # build: tests/test_charts.py checks every kind of chart against it instead.
    @functools.cached_property
    def spec(self) -> dict:
        # Serialised once: the title, the element id and both renderings read it.
        return self.chart.to_dict(validate=False)

    @property
    def web_spec(self) -> dict:
        return self.web.to_dict(validate=False)

    @property
    def title(self) -> str:
        """The chart's title as one line (it is wrapped over several in the chart)."""
        text = self.spec.get("title", {}).get("text", "")
        return " ".join(text) if isinstance(text, list) else text

    @property
    def file_name(self) -> str:
        """The figure's name for its downloads: its title in lower case, hyphenated."""
        words = re.findall(r"[a-z0-9]+", (self.title or self.description).lower())
        name = ""
        for word in words:
            if len(name) + len(word) > 60:
                break
            name = f"{name}-{word}" if name else word
        return name or "figure"

    @property
    def element_id(self) -> str:
        # Derived from the spec, so rebuilding from the same data gives the same page.
        digest = hashlib.sha256(json.dumps(self.spec, sort_keys=True).encode()).hexdigest()
        return f"chart-{digest[:12]}"

    def csv(self) -> str:
        """The plotted data as CSV."""
        return "" if self.data is None else self.data.to_csv(index=False)

    def payload(self) -> dict:
        """What the page gives report-charts.js: the web chart's Vega-Lite spec without its
        data, its datasets in columns (each once), and the table of the plotted data, from
        which the page builds its table view and CSV. The build compiles the spec to Vega
        (sphinx_ext.compile_charts), so pages load the Vega runtime alone."""
        spec = copy.deepcopy(self.web_spec)
        datasets = {name: columns_of(rows) for name, rows in spec.get("datasets", {}).items()}
        spec["datasets"] = {name: [] for name in datasets}
        table = self.table(datasets)
        # The data's columns that neither the chart nor its table names stay out of the page,
        # unless a tooltip shows every field of a mark.
        named = json.dumps(spec) + json.dumps(table)
        if '"tooltip": true' not in named and '"content": "data"' not in named:
            for dataset in datasets.values():
                drop_unnamed_columns(dataset, named)
        return {"vega-lite": spec, "datasets": datasets, "table": table}

    @property
    def tooltip_fields(self) -> dict[str, str]:
        return tooltip_titles(self.web_spec)

    def table(self, datasets: dict) -> dict | None:
        """The plotted data as text cells, exactly as the CSV writes them: a reference to the
        chart's dataset when its columns hold the same text (the data is then on the page once),
        else the cells themselves."""
        if self.data is None:
            return None
        header, *rows = csv.reader(io.StringIO(self.csv()))
        tooltips = self.tooltip_fields
        for name, dataset in datasets.items():
            fields = [field_for(c, tooltips, dataset) for c in self.data.columns]
            if None in fields:
                continue
            index = [dataset["columns"].index(f) for f in fields]
            shown = [[js_text(row[i]) for i in index] for row in dataset["rows"]]
            if shown == rows:
                return {"dataset": name, "fields": fields, "titles": header}
        return {"titles": header, "rows": rows}

    def html(self) -> str:
        element = self.element_id
        label = html.escape(self.description, quote=True)
        name = html.escape(self.file_name, quote=True)
        parts = [f'<figure class="report-figure" data-file-name="{name}">']
        if self.heading:
            parts.append(
                f'<figcaption><span class="report-figure-title">{html.escape(self.heading)}</span>'
                f'<span class="report-figure-subtitle">{html.escape(self.subtitle)}</span>'
                "</figcaption>"
            )
        if self.key:
            parts.append(
                '<p class="report-figure-key">'
                + "".join(
                    f"<span>{key_symbol(o, shape)} {html.escape(k)}</span>"
                    for k, o, shape in self.key
                )
                + "</p>"
            )
        parts.append(
            f'<div class="report-chart" id="{element}" role="img" aria-label="{label}"></div>'
        )
        parts += [f'<p class="report-figure-note">{html.escape(n)}</p>' for n in self.notes]
        downloads = [
            f'<button type="button" class="report-export" data-chart="{element}" '
            f'data-format="{fmt}">Image ({fmt.upper()})</button>'
            for fmt in ("svg", "png")
        ]
        if self.data is not None:
            # report-charts.js fills the link and the table from the chart's data: the page
            # carries the data once, not as spec, CSV and table.
            downloads.insert(0, f'<a class="report-data-link" download="{name}.csv">Data (CSV)</a>')
            parts.append(
                '<details class="report-figure-data"><summary>Data as a table</summary>'
                '<div class="report-scroll" tabindex="0" role="region" aria-label="Data of the '
                'chart"></div></details>'
            )
        parts.insert(
            -1 if self.data is not None else len(parts),
            '<p class="report-downloads">Download: ' + " ".join(downloads) + "</p>",
        )
        parts.append("</figure>")
        parts.append(
            f"<script>(window.reportCharts = window.reportCharts || []).push("
            f'["{element}", {script_json(self.payload())}]);</script>'
        )
        return "\n".join(parts)

    def print_base(self) -> dict:
        """The spec with print font sizes, and legends in rows of three (a row of six is wider
        than the page)."""
        spec = copy.deepcopy(self.spec)
        raise_fonts(spec)
        spec.setdefault("config", {}).setdefault("legend", {})["columns"] = 3
        return spec

    def print_spec(self) -> dict:
        """The spec for print: fixed numeric widths and font sizes that read at text width.

        It never relies on the web edition's sizing: a responsive width ("container") or any
        other width is replaced by a number here.
        """
        spec = self.print_base()
        scale = 1.0
        for _ in range(6):
            width = rendered_width(spec)
            smallest = min(font_sizes(spec), default=PRINT_FONT_FLOOR)
            allowed = smallest * PRINT_TEXT_WIDTH / PRINT_MIN_FONT
            if width <= allowed or scale <= 0.35:
                break
            step = max(0.5, 1 - (width - allowed) / max(view_width(spec), 1) - 0.02)
            scale *= step
            spec = self.print_base()
            narrow(spec, scale)
            rewrap(spec, scale)
        return spec

    def print_width(self) -> float:
        """The narrowest width, in points, at which the print rendering keeps its text at
        PRINT_MIN_FONT points or more (a short brief places charts no wider than this)."""
        spec = self.print_spec()
        smallest = min(font_sizes(spec), default=PRINT_FONT_FLOOR)
        return min(PRINT_TEXT_WIDTH, rendered_width(spec) * PRINT_MIN_FONT / smallest)

    def pdf(self) -> bytes:
        return render("pdf", self.print_spec())

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.html(), "text/plain": self.description}
        # The web build sets this to "html" to skip the PDF rendering, which only LaTeX uses.
        if os.environ.get(FORMATS_VARIABLE, "html,pdf") != "html":
            bundle["application/pdf"] = base64.b64encode(self.pdf()).decode("ascii")
        return bundle


def raise_fonts(node: object) -> None:
    """Every font size in a spec raised to the print floor (in place)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key.lower().endswith("fontsize") and isinstance(value, int | float):
                node[key] = max(value, PRINT_FONT_FLOOR)
            else:
                raise_fonts(value)
    elif isinstance(node, list):
        for value in node:
            raise_fonts(value)


def font_sizes(node: object) -> list[float]:
    """Every numeric font size a spec states."""
    if isinstance(node, dict):
        found = []
        for key, value in node.items():
            if key.lower().endswith("fontsize") and isinstance(value, int | float):
                found.append(value)
            else:
                found += font_sizes(value)
        return found
    if isinstance(node, list):
        return [size for value in node for size in font_sizes(value)]
    return []


def is_view(node: dict) -> bool:
    return any(key in node for key in VIEW_KEYS)


def view_width(node: object) -> float:
    """The widest numeric view width in a spec (the part of a chart that can narrow)."""
    if isinstance(node, dict):
        own = node.get("width") if is_view(node) else None
        widths = [own] if isinstance(own, int | float) else []
        widths += [view_width(v) for v in node.values()]
        return max(widths, default=0)
    if isinstance(node, list):
        return max((view_width(v) for v in node), default=0)
    return 0


def plot_width(width: float) -> str:
    """A chart's plot width in a Vega expression: the web chart's `width` signal (the page fits
    the chart to its column); in the print figure, a vconcat whose views read 0 there, the
    width it is built at (`narrow` scales it with the view)."""
    return f"(width > 0 ? width : {width})"


PLOT_WIDTH = re.compile(r"\(width > 0 \? width : ([\d.]+)\)")


def narrow(node: object, scale: float) -> None:
    """Views narrowed by scale, and the widths their expressions assume (`plot_width`); a
    non-numeric width becomes a fixed one. Labels keep their limits, so print shows them as
    fully as the web edition does."""
    if isinstance(node, dict):
        if is_view(node) and "width" in node:
            width = node["width"]
            base = width if isinstance(width, int | float) else PRINT_TEXT_WIDTH
            node["width"] = round(base * scale)
        for key, value in node.items():
            if isinstance(value, str) and "width > 0" in value:
                node[key] = PLOT_WIDTH.sub(lambda m: plot_width(round(float(m[1]) * scale)), value)
            else:
                narrow(value, scale)
    elif isinstance(node, list):
        for value in node:
            narrow(value, scale)


def fixed_widths(node: object) -> None:
    """A responsive width ("container") replaced by the print text width (in place)."""
    if isinstance(node, dict):
        if is_view(node) and "width" in node and not isinstance(node["width"], int | float):
            node["width"] = int(PRINT_TEXT_WIDTH)
        for value in node.values():
            fixed_widths(value)
    elif isinstance(node, list):
        for value in node:
            fixed_widths(value)


def rewrap(spec: dict, scale: float) -> None:
    """Title, subtitle and multi-line notes wrapped again to a chart narrowed by scale."""

    def wrapped(lines: object) -> object:
        if not isinstance(lines, list) or not lines:
            return lines
        chars = max(30, int(max(len(line) for line in lines) * scale))
        return textwrap.wrap(" ".join(lines), chars)

    title = spec.get("title")
    if isinstance(title, dict):
        for key in ("text", "subtitle"):
            title[key] = wrapped(title.get(key))
    for rows in spec.get("datasets", {}).values():
        for row in rows:
            for key, value in row.items():
                # The source note under each chart (charts.finish) is one text of several lines.
                if key == "note" and isinstance(value, str):
                    row[key] = "\n".join(wrapped(value.split("\n")))


def rendered_width(spec: dict) -> float:
    """The width in pixels of a spec as vl-convert draws it."""
    fixed_widths(spec)
    svg = render("svg", spec).decode("utf-8")
    return float(re.search(r'<svg[^>]*\swidth="([\d.]+)"', svg).group(1))


def render(kind: str, spec: dict) -> bytes:
    """vl-convert's rendering of a Vega-Lite spec as "svg" or "pdf": the kept one if the folder
    of renderings holds one of this spec by this version of vl-convert."""
    folder = os.environ.get(RENDERINGS_VARIABLE)
    key = json.dumps([vlc.__version__, kind, spec], sort_keys=True)
    path = Path(folder, hashlib.sha256(key.encode()).hexdigest() + f".{kind}") if folder else None
    if path is not None and path.exists():
        return path.read_bytes()
    if kind == "pdf":  # from the drawing print_spec measured: the chart is not drawn again
        made = vlc.svg_to_pdf(render("svg", spec).decode("utf-8"))
    else:
        made = vlc.vegalite_to_svg(spec).encode("utf-8")
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written whole, then renamed: builds running side by side share the folder.
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        partial.write_bytes(made)
        partial.replace(path)
    return made


class Table:
    """A table rendered as a MyST list-table: a real table in the web book and in the PDF.

    Its caption is numbered "Table n" in both editions. Online, a sortable table can be sorted by
    any column and searched, and filtered by the columns named in `filters` (report-tables.js, with
    simple-datatables); `lists` names the filter columns whose cells list several values,
    separated by LIST_SEPARATOR; `dates` names columns of dates written for readers, sorted as
    dates. A
    table that shows part of its data (`total` rows in all) says so under it, with `rest`: where
    the other rows are.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        markdown_columns: tuple[str, ...] = (),
        widths: tuple[int, ...] | None = None,
        caption: str = "",
        *,
        sortable: bool = False,
        filters: tuple[str, ...] = (),
        lists: tuple[str, ...] = (),
        dates: tuple[str, ...] = (),
        total: int | None = None,
        shown: str = "",
        rest: str = "",
    ):
        # Columns named in markdown_columns hold Markdown the package wrote itself (citations);
        # every other cell is data and is escaped. Widths are relative column widths, which the
        # PDF needs to give long names room; by default they follow the typical cell length.
        self.frame = frame
        self.markdown_columns = set(markdown_columns)
        self.widths = widths or tuple(self.typical_width(c) for c in frame.columns)
        self.caption = caption  # numbered "Table n" in the book
        self.sortable = sortable or bool(filters)
        self.filters = filters
        self.lists = lists
        self.dates = dates
        self.total = len(frame) if total is None else total
        self.shown = shown  # which rows, when not all: "latest by date of announcement"
        self.rest = rest  # Markdown: where the rows not shown are

    def typical_width(self, column: str) -> int:
        if column in self.markdown_columns:
            return 14
        lengths = self.frame[column].map(lambda v: len(str(v)))
        # A column is at least as wide as its longest word (a column name such as short_name, a
        # type such as boolean): words do not break, and a narrower column prints them cut off.
        words = [w for v in [column, *self.frame[column]] for w in str(v).split()]
        longest = min(20, max((len(w) for w in words), default=0))
        return int(min(40, max(len(column), 6, longest, lengths.median() if len(lengths) else 0)))

    def cell(self, column: str, value: object) -> str:
        return str(value) if column in self.markdown_columns else escape_markdown(value)

    def classes(self) -> str:
        """The table's classes: longtable for the PDF; for the web, what report-tables.js does."""
        names = ["report-table", "longtable"]
        if self.sortable:
            names.append(SORTABLE_CLASS)
            names += [f"report-filter-{class_name(c)}" for c in self.filters]
            names += [f"report-list-{class_name(c)}" for c in self.lists]
            names += [f"report-date-{class_name(c)}" for c in self.dates]
        return " ".join(names)

    def note(self) -> str:
        """Under a table that shows part of its data: how much, which rows, and where the rest is."""
        if self.total <= len(self.frame):
            return ""
        return (
            f"Shown: {len(self.frame)} of {self.total} rows, the {self.shown}. {self.rest}".strip()
        )

    def column_spec(self) -> str:
        """The PDF's columns: the relative widths, each ragged right (justified text in narrow
        columns opens wide gaps between words)."""
        total = sum(self.widths)
        return " ".join(
            f">{{\\raggedright\\arraybackslash}}\\X{{{w}}}{{{total}}}" for w in self.widths
        )

    def markdown(self) -> str:
        columns = list(self.frame.columns)
        lines = [
            f"```{{tabularcolumns}} {self.column_spec()}",
            "```",
            f"```{{list-table}} {escape_markdown(self.caption)}".rstrip(),
            ":header-rows: 1",
            f":widths: {' '.join(str(w) for w in self.widths)}",
            # longtable: in the PDF every table breaks across pages and repeats its header.
            f":class: {self.classes()}",
            "",
        ]
        for values in [columns, *self.frame[columns].itertuples(index=False, name=None)]:
            is_header = values is columns
            for position, (column, value) in enumerate(zip(columns, values, strict=True)):
                text = escape_markdown(value) if is_header else self.cell(column, value)
                lines.append(f"{'* -' if position == 0 else '  -'} {text}".rstrip())
        lines.append("```")
        if self.note():
            lines += ["", self.note()]
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.markdown(), "text/plain": self.frame.to_string(index=False)}


SORTABLE_CLASS = "report-sortable"  # report-tables.js enhances these tables; sphinx_ext loads it
LIST_SEPARATOR = (
    ", "  # between the values of a list cell (partners, domains), as report-tables.js splits them
)


def class_name(column: str) -> str:
    """A column name as part of an HTML class: 'Signed or led by' -> 'signed-or-led-by'."""
    return re.sub(r"[^a-z0-9]+", "-", column.lower()).strip("-")


class Text:
    """A piece of text for the prose (glued with {glue:text}): shown as it is, never interpreted."""

    def __init__(self, value: object):
        self.value = str(value)

    def _repr_mimebundle_(self, include=None, exclude=None):
        # As a quoted literal: {glue:text} reads text/plain with ast.literal_eval, which made
        # "4,300" the tuple "(4, 300)" and "1.10" the number "1.1".
        return {"text/plain": repr(self.value)}

    def __str__(self) -> str:
        return self.value


def citations(keys: list[str]) -> str:
    """The Markdown that cites bibliography keys, or a plain note when there are none."""
    safe = [k for k in keys if re.fullmatch(r"[A-Za-z0-9_:-]+", k)]
    if not safe:
        return "no source found"
    return "{cite:p}`" + ",".join(safe) + "`"
