"""One way to show a chart or a table: interactive in HTML, static and vector in the PDF.

A chart's output bundle carries both an HTML rendering (drawn in the browser by vega-embed, which
the book serves itself: no CDN) and a PDF rendering made by vl-convert. myst-nb picks the HTML for
the web book and the PDF for LaTeX. A table's bundle is MyST Markdown, so the book renders it as a
real table in both outputs and its citations resolve against references.bib.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import json
import os
import re

import altair as alt
import pandas as pd
import vl_convert as vlc

FORMATS_VARIABLE = "INDOPACIFIC_ST_CHART_FORMATS"

# Characters that Markdown, MyST roles and directives, or LaTeX could act on. Escaped with a
# backslash, each shows as itself (CommonMark allows a backslash before any ASCII punctuation).
MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|$%&~^:@=\"'/])")


def escape_markdown(text: object) -> str:
    """Text from the data, made safe to place in MyST Markdown: shown literally, never run."""
    value = "" if text is None or (isinstance(text, float) and pd.isna(text)) else str(text)
    value = " ".join(value.split())  # a newline would end a table row
    return MARKDOWN_SPECIALS.sub(r"\\\1", value)


def script_json(spec: dict) -> str:
    """A chart spec as JavaScript source that no data value can break out of."""
    text = json.dumps(spec, sort_keys=True, ensure_ascii=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class Figure:
    """An Altair chart that renders offline in HTML and as a vector figure in the PDF."""

    def __init__(self, chart: alt.TopLevelMixin, description: str):
        self.chart = chart
        self.description = description

    @functools.cached_property
    def spec(self) -> dict:
        # Validated and serialised once: the title, the element id and both renderings read it.
        return self.chart.to_dict()

    @property
    def title(self) -> str:
        """The chart's title as one line (it is wrapped over several in the chart)."""
        text = self.spec.get("title", {}).get("text", "")
        return " ".join(text) if isinstance(text, list) else text

    @property
    def element_id(self) -> str:
        # Derived from the spec, so rebuilding from the same data gives the same page.
        digest = hashlib.sha256(json.dumps(self.spec, sort_keys=True).encode()).hexdigest()
        return f"chart-{digest[:12]}"

    def html(self) -> str:
        element = self.element_id
        label = html.escape(self.description, quote=True)
        return (
            f'<div class="report-chart" id="{element}" role="img" aria-label="{label}"></div>\n'
            f"<script>(function () {{\n"
            f"  var spec = {script_json(self.spec)};\n"
            f'  var target = document.getElementById("{element}");\n'
            f"  function draw() {{\n"
            f"    vegaEmbed(target, spec, {{actions: {{export: true, source: false, compiled: false, "
            f'editor: false}}, renderer: "svg"}})\n'
            f'      .catch(function (error) {{ target.textContent = "Chart could not be drawn: " + error; }});\n'
            f"  }}\n"
            f'  if (window.vegaEmbed) {{ draw(); }} else {{ window.addEventListener("load", draw); }}\n'
            f"}})();</script>"
        )

    def pdf(self) -> bytes:
        return vlc.vegalite_to_pdf(self.spec)

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {"text/html": self.html(), "text/plain": self.description}
        # The web build sets this to "html" to skip the PDF rendering, which only LaTeX uses.
        if os.environ.get(FORMATS_VARIABLE, "html,pdf") != "html":
            bundle["application/pdf"] = base64.b64encode(self.pdf()).decode("ascii")
        return bundle


class Table:
    """A table rendered as a MyST list-table: a real table in the web book and in the PDF."""

    def __init__(
        self,
        frame: pd.DataFrame,
        markdown_columns: tuple[str, ...] = (),
        widths: tuple[int, ...] | None = None,
    ):
        # Columns named in markdown_columns hold Markdown the package wrote itself (citations);
        # every other cell is data and is escaped. Widths are relative column widths, which the
        # PDF needs to give long names room; by default they follow the typical cell length.
        self.frame = frame
        self.markdown_columns = set(markdown_columns)
        self.widths = widths or tuple(self.typical_width(c) for c in frame.columns)

    def typical_width(self, column: str) -> int:
        if column in self.markdown_columns:
            return 14
        lengths = self.frame[column].map(lambda v: len(str(v)))
        return int(min(40, max(len(column), 6, lengths.median() if len(lengths) else 0)))

    def cell(self, column: str, value: object) -> str:
        return str(value) if column in self.markdown_columns else escape_markdown(value)

    def markdown(self) -> str:
        columns = list(self.frame.columns)
        lines = [
            "```{list-table}",
            ":header-rows: 1",
            f":widths: {' '.join(str(w) for w in self.widths)}",
            ":class: report-table",
            "",
        ]
        for values in [columns, *self.frame[columns].itertuples(index=False, name=None)]:
            is_header = values is columns
            for position, (column, value) in enumerate(zip(columns, values, strict=True)):
                text = escape_markdown(value) if is_header else self.cell(column, value)
                lines.append(f"{'* -' if position == 0 else '  -'} {text}".rstrip())
        lines.append("```")
        return "\n".join(lines)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/markdown": self.markdown(), "text/plain": self.frame.to_string(index=False)}


class Text:
    """A piece of text for the prose (glued with {glue:text}): shown as it is, never interpreted."""

    def __init__(self, value: object):
        self.value = str(value)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": self.value}

    def __str__(self) -> str:
        return self.value


def citations(keys: list[str]) -> str:
    """The Markdown that cites bibliography keys, or a plain note when there are none."""
    safe = [k for k in keys if re.fullmatch(r"[A-Za-z0-9_:-]+", k)]
    if not safe:
        return "no source found"
    return "{cite:p}`" + ",".join(safe) + "`"
