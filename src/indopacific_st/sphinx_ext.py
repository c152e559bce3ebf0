"""Sphinx extension: what the book build needs beyond Jupyter Book's defaults.

- Serve the Vega runtime from the book itself, so charts draw with no network, and only to the
  pages that have charts (they arrive compiled to Vega: no Vega-Lite or vega-embed in the page);
  likewise simple-datatables, which makes report tables sortable and filterable, only to the pages
  that have such tables.
- Leave out the theme's 1.5 MB Font Awesome script: the theme's stylesheet already draws every
  icon the book uses from its web font; the script only adds custom SVG icons, and we have none.
  The web fonts themselves are cut down to the glyphs the book shows (icons.py).
- Make every notebook depend on the data files, the bibliography and this package, so that a
  change to any of them re-executes the notebooks (Sphinx and jupyter-cache look only at the
  notebooks' own text otherwise, and the book would show stale numbers).
- Leave code out of the PDF: readers of the printed report never see code cells.
- Check each guarded paragraph against the data (the `guard` directive, see guards.py) and show
  a notice at any paragraph the data no longer supports, in HTML and PDF alike.
- Print for policy readers: the print style (latex/reportstyle.sty: cover, running heads, titles,
  captions, figure placement) with its macros; the cover states the data's version and date (from
  data/datapackage.json) and the online edition's address (`html.baseurl`, the one setting of it);
  the front page's text opens the PDF as its executive summary; the maintainers' chapter
  (`print_leave_out`) is left out of the PDF.
- Link each partner chapter, online, to its brief (briefs.py, `make briefs`).
- Read, and so execute, the notebooks in parallel, one process per core (`jupyter-book build`
  has no option for it): a data edit re-executes every notebook.
- Execute each notebook in the build's own process (`report_execution: in-process`, see
  execution.py) rather than in a kernel of its own: no process start and no imports per notebook.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import json
import multiprocessing
import os
import re
import sys
from pathlib import Path

import altair as alt
import vl_convert as vlc
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.errors import SphinxParallelError
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

import indopacific_st
from indopacific_st import display, execution, guards, icons, print_style, publishing, style
from indopacific_st.dataset import Dataset, load

BUNDLE = "vega-bundle.js"
CHART_SCRIPT = "report-charts.js"  # in static/: fits charts to their column, image exports
CHART_MARKER = 'class="report-chart"'
# Each chart's inline script (display.Figure.html), queuing its payload for report-charts.js.
CHART_PAYLOAD = re.compile(
    r"<script>(\(window\.reportCharts = window\.reportCharts \|\| \[\]\)\.push\(.*?\);)</script>",
    re.S,
)
CHART_DATA = "charts"  # in _static/: one script a chart page, holding its charts' payloads
ICON_SCRIPT = Path("scripts") / "fontawesome.js"
STYLESHEET = "report.css"
TABLE_LIBRARY = "simple-datatables-10.3.0/simple-datatables.min.js"  # vendored in static/
TABLE_SCRIPT = "report-tables.js"  # in static/: sorting and filters of report tables
TABLE_STYLESHEET = "report-tables.css"
# Glued numbers read as part of the sentence, not as highlighted values; charts scroll on phones;
# the seed/all switch's options stand apart.
CSS = """\
.bd-article span.pasted-text { font-weight: inherit; }
.report-figure { margin: 1.5rem 0; max-width: 100%; }
.report-figure figcaption, .report-figure p, .report-figure details { text-align: left; }
.report-figure figcaption { margin-bottom: 0.5rem; }
.report-figure-key { font-size: 0.85rem; margin: 0 0 0.25rem; }
.report-figure-key span { margin-right: 1.25rem; white-space: nowrap; }
.report-figure-key svg { vertical-align: -2px; }
.report-figure-title { display: block; font-weight: 600; font-size: 1.05rem; line-height: 1.35; }
.report-figure-subtitle { display: block; color: #4D4D4D; font-size: 0.9rem; }
.report-chart { overflow-x: auto; max-width: 100%; }
.report-figure-note { font-size: 0.8rem; color: #4D4D4D; margin: 0.25rem 0; }
.report-downloads { font-size: 0.85rem; margin: 0.25rem 0; }
.report-downloads a, .report-export { margin-right: 0.75rem; }
.report-export { background: none; border: 1px solid #6C6C6C; border-radius: 3px;
  padding: 0 0.5rem; color: inherit; font: inherit; cursor: pointer; }
.report-figure-data summary { font-size: 0.85rem; cursor: pointer; }
.report-scroll { overflow-x: auto; max-width: 100%; }
table.report-data-table { font-size: 0.8rem; }
table.report-data-table td, table.report-data-table th { padding: 0.15rem 0.5rem; vertical-align: top; }
.report-chart .vega-bind label { margin-right: 1em; }
.report-chart .vega-bind input[type=radio] { margin-right: 0.3em; }
/* Columns sized to their content: a header word never breaks (a table whose headers do not fit
   scrolls in its box); a cell's long words may (links too, which the theme keeps whole). */
table.report-table { font-size: 0.85rem; width: 100%; }
table.report-table td, table.report-table th { vertical-align: top; }
table.report-table th { overflow-wrap: normal; hyphens: manual; }
table.report-table td, table.report-table td a { overflow-wrap: anywhere; hyphens: auto; }
table.report-table caption { text-align: left; font-weight: 600; }
/* A table wider than its column scrolls sideways; a shadow at an edge says there is more. */
.pst-scrollable-table-container, .report-scroll {
  overflow-x: auto;
  background:
    linear-gradient(to right, var(--pst-color-background, #fff) 30%, transparent) left / 2rem 100% no-repeat local,
    linear-gradient(to left, var(--pst-color-background, #fff) 30%, transparent) right / 2rem 100% no-repeat local,
    radial-gradient(farthest-side at 0 50%, rgba(0, 0, 0, 0.3), transparent) left / 0.8rem 100% no-repeat scroll,
    radial-gradient(farthest-side at 100% 50%, rgba(0, 0, 0, 0.3), transparent) right / 0.8rem 100% no-repeat scroll;
}
@media (max-width: 40rem) { table.report-table { min-width: 40rem; } }
.stale-statement { border-left-color: #B00020; }
/* The BibTeX entry wraps: on a phone it neither scrolls nor leaves the column. */
.report-bibtex { white-space: pre-wrap; overflow-wrap: anywhere; }
"""
PACKAGE_DIR = Path(indopacific_st.__file__).resolve().parent
# Pinned copies from the npm registry, with their licences (see vendor/README.md).
VENDOR = PACKAGE_DIR / "vendor"
VEGA = "vega-6.2.0.min.js"
TOOLTIP = "vega-tooltip-1.1.0.js"


def vega_lite_version() -> str:
    """The Vega-Lite version Altair writes specs for, as vl-convert names it (e.g. '6.4')."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    if major_minor not in vlc.get_vegalite_versions():
        raise RuntimeError(
            f"vl-convert has no Vega-Lite {major_minor} bundle for Altair {alt.__version__}; "
            "update vl-convert-python in the lock file."
        )
    return major_minor


def dependencies(app: Sphinx) -> list[Path]:
    return dependencies_in(Path(app.srcdir))


def dependencies_in(root: Path) -> list[Path]:
    """What every computed page depends on besides its own text: the data, sources and package."""
    files = sorted((root / "data").glob("*"))
    files += [root / "references.bib"]
    files += sorted(PACKAGE_DIR.glob("*.py"))
    return [f for f in files if f.is_file()]


def note_dependencies(app: Sphinx, docname: str, source: list[str]) -> None:
    if str(app.env.doc2path(docname)).endswith(".ipynb"):
        for path in dependencies(app):
            app.env.note_dependency(str(path))


def chart_runtime() -> str:
    """The Vega runtime and vega-tooltip as one classic script. Charts arrive compiled to Vega
    (compile_charts), so pages need neither Vega-Lite's compiler nor vega-embed (0.9 MB, now
    0.5). vega-tooltip ships only as an ES module; browsers refuse modules on file:// pages, so
    its one import (from vega-util, which the runtime exports as `vega`) and its exports are
    rewritten to globals."""
    tooltip = (VENDOR / TOOLTIP).read_text(encoding="utf-8")
    imports = "import { isArray, isString, isObject } from 'vega-util';"
    exports = re.search(r"^export \{[^}]*\};$", tooltip, re.M)
    if imports not in tooltip or exports is None:
        raise RuntimeError(f"{TOOLTIP} no longer has the import and export this build rewrites")
    tooltip = tooltip.replace(imports, "const { isArray, isString, isObject } = window.vega;")
    tooltip = tooltip.replace(exports.group(0), "window.vegaTooltip = { Handler };")
    tooltip = re.sub(r"^//# sourceMappingURL=.*$", "", tooltip, flags=re.M)
    runtime = (VENDOR / VEGA).read_text(encoding="utf-8")
    return f"{runtime}\n(function () {{\n{tooltip}\n}})();\n"


def write_bundle(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    # The theme's Font Awesome script, which no page loads any more (fix_markup), emptied too:
    # a page cached from an older build then fetches 80 bytes, not 1.5 MB.
    unused = "/* Not used: the theme's stylesheet draws the book's icons (see sphinx_ext.py). */\n"
    for path, text in (
        (static / BUNDLE, chart_runtime()),
        (static / STYLESHEET, CSS),
        (static / ICON_SCRIPT, unused),
    ):
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


# One chart of a page's chart script: `(window.reportCharts = ...).push(["chart-...", {...}]);`.
QUEUED_CHART = re.compile(r'^(.*\.push\(\["chart-[0-9a-f]+", )(\{.*\})(\]\);)$', re.M)


def compiled(payload: dict) -> dict:
    """A chart's payload with its Vega-Lite spec compiled to Vega (display.Figure.payload).
    Its description is the chart container's aria-label already: not a second time here."""
    vega = vlc.vegalite_to_vega(payload.pop("vega-lite"), vl_version=vega_lite_version())
    vega.pop("description", None)
    return {"vega": vega, **payload}


def compile_charts(app: Sphinx, exception: Exception | None) -> None:
    """Compile the charts of the chart scripts this build wrote, in this one process: each
    notebook kernel doing it would start vl-convert's JavaScript runtime again (about 1 s)."""
    if exception or app.builder.format != "html":
        return
    for path in (Path(app.outdir) / "_static" / CHART_DATA).rglob("*.js"):
        text = path.read_text(encoding="utf-8")
        if '"vega-lite":' not in text:
            continue  # compiled by an earlier build, and not written again since

        def compile_one(queued: re.Match) -> str:
            payload = compiled(json.loads(queued.group(2)))
            return queued.group(1) + display.script_json(payload) + queued.group(3)

        path.write_text(QUEUED_CHART.sub(compile_one, text), encoding="utf-8")


_DATASETS: dict[tuple, Dataset] = {}


def dataset_for(root: Path) -> Dataset:
    """The dataset, loaded once per build process (and again only when a data file changes)."""
    files = dependencies_in(root)
    key = (str(root), tuple((str(f), f.stat().st_mtime_ns) for f in files))
    if key not in _DATASETS:
        _DATASETS.clear()
        _DATASETS[key] = load(root)
    return _DATASETS[key]


class GuardDirective(SphinxDirective):
    """```{guard}: conditions the next paragraph assumes; a notice when the data breaks one."""

    has_content = True

    def run(self) -> list[nodes.Node]:
        root = Path(self.env.srcdir)
        for path in dependencies_in(root):
            self.env.note_dependency(str(path))
        try:
            guard = guards.Guard(
                self.env.docname, None, 0, 0, guards.parse_conditions("\n".join(self.content)), ""
            )
            checked = guards.evaluate(dataset_for(root), guard)
        except guards.GuardError as error:
            raise self.error(str(error)) from None
        broken = [c for c in checked.conditions if not c.holds]
        if not broken:
            return []
        notice = nodes.admonition(classes=["warning", "stale-statement"])
        notice += nodes.title(text="Check this paragraph against the data")
        text = nodes.paragraph()
        text += nodes.Text(
            "It was written when the data gave other values than it gives now: "
            + "; ".join(f"{c.measure} {c.change}" for c in broken)
            + ". Maintainers revise the paragraph, then run make reviewed."
        )
        notice += text
        return [notice]


def add_bundle_to_chart_pages(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Only a page with charts loads the Vega runtime (0.5 MB), deferred: it does not hold up
    the first paint of the text. The page's chart payloads (Vega specs and their data) move
    from its HTML into one deferred script of its own, which runs after the runtime and before
    report-charts.js: the text arrives and paints without waiting for them."""
    body = context.get("body", "")
    if CHART_MARKER not in body:
        return
    script = "".join(f"{payload}\n" for payload in CHART_PAYLOAD.findall(body))
    context["body"] = CHART_PAYLOAD.sub("", body)
    name = f"{CHART_DATA}/{pagename}.js"
    target = Path(app.outdir) / "_static" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(script, encoding="utf-8")  # compiled to Vega at the end (compile_charts)
    app.add_js_file(BUNDLE, loading_method="defer")
    # Written before the page is: Sphinx then adds its checksum to the address (a new build's
    # data is never taken from a browser's cache).
    app.add_js_file(name, loading_method="defer")
    app.add_js_file(CHART_SCRIPT, loading_method="defer")


def add_table_scripts_to_table_pages(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """Only a page with sortable tables loads the table library (about 100 KB), deferred."""
    if display.SORTABLE_CLASS in context.get("body", ""):
        app.add_css_file(TABLE_STYLESHEET)
        app.add_js_file(TABLE_LIBRARY, loading_method="defer")
        app.add_js_file(TABLE_SCRIPT, loading_method="defer")


# Theme and extension markup that accessibility checkers (axe-core) flag, and its fix: the search
# button's label hides its visible text ("Search Ctrl+K"); bibliography entries carry a
# deprecated role that a list may not hold.
MARKUP_FIXES = {
    'search-button__button pst-js-only" title="Search" aria-label="Search"': (
        'search-button__button pst-js-only" title="Search"'
    ),
    'role="doc-biblioentry"': 'role="listitem"',
}


# A citation's link, with the full reference as its tooltip (sphinxcontrib-bibtex).
CITATION_LINK = re.compile(
    r'(<a class="reference internal" href="([^"]*bibliography\.html#[^"]+)") title="[^"]*">'
)


def first_titles_only(page: str) -> str:
    """A source's full reference as the tooltip of its first citation on a page only: a page
    that cites one source twenty times carried its reference twenty times (a quarter of a
    partner chapter's HTML)."""
    seen: set[str] = set()

    def keep(link: re.Match) -> str:
        if link.group(2) in seen:
            return link.group(1) + ">"
        seen.add(link.group(2))
        return link.group(0)

    return CITATION_LINK.sub(keep, page)


# The theme loads Sphinx's search and the whole search index, blocking, in every page's <head>,
# for its search-as-you-type, which is off (the search page loads them itself).
SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*_static/searchtools\.js"></script>'
    r'\s*<script src="[^"]*_static/language_data\.js"></script>'
    r'\s*<script src="[^"]*searchindex\.js"></script>'
)


# Jupyter Book's extensions load their files on every page; a page that has none of what one
# acts on (a marker in its markup) does without its files: each costs a request, which on a
# slow connection holds up the charts.
EXTENSION_FILES = {
    r'class="highlight': ("pygments.css", "copybutton.css", "clipboard.min.js", "copybutton.js"),
    r'class="(?:[^"]* )?toggle[ "]|class="[^"]*admonition[^"]*dropdown': (
        "togglebutton.css",
        "togglebutton.js",
    ),
    r'class="(?:[^"]* )?sd-': ("sphinx-design.min.css", "design-tabs.js"),
    r"thebe-launch-button": ("sphinx-thebe.css", "sphinx-thebe.js"),
}


def without_unused_files(page: str) -> str:
    """The page without the extension files it has nothing for."""
    for marker, files in EXTENSION_FILES.items():
        if re.search(marker, page):
            continue
        for name in files:
            tag = r"<(?:link|script)[^>]*?(?:href|src)=\"[^\"]*_static/" + re.escape(name)
            page = re.sub(r"\s*" + tag + r'[?"][^>]*>(?:</script>)?', "", page)
    return page


def fix_markup(app: Sphinx, exception: Exception | None) -> None:
    if exception or app.builder.format != "html":
        return
    options = app.builder.theme.get_options(app.builder.theme_options)
    search_as_you_type = str(options.get("search_as_you_type", False)).lower() == "true"
    for path in Path(app.outdir).rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        fixed = text
        for old, new in MARKUP_FIXES.items():
            fixed = fixed.replace(old, new)
        # The front page's title is the report's: "Title — Title" said once.
        fixed = re.sub(r"<title>(.+?) &#8212; \1</title>", r"<title>\1</title>", fixed)
        fixed = re.sub(
            r'\s*<script defer src="[./]*_static/scripts/fontawesome\.js[^"]*"></script>', "", fixed
        )
        fixed = first_titles_only(fixed)
        if path.name != "search.html" and not search_as_you_type:
            fixed = SEARCH_SCRIPTS.sub("", fixed)
        fixed = without_unused_files(fixed)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
    icons.use_subset(Path(app.outdir))


def link_to_notebook(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """One link per computed page to the notebook that computes it, in place of a code
    toggle in every section."""
    source = context.get("sourcename", "")
    if doctree is None or not source.endswith(".ipynb"):
        return
    href = context["pathto"](f"_sources/{source}", 1)
    context["body"] = context.get("body", "") + (
        '<p class="report-computed"><a href="' + href + '">How this page is computed</a>: '
        "the notebook that computes every number, chart and table above, using the "
        "<code>indopacific_st</code> package.</p>"
    )


def reader_extras(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The front page and the data appendix offer the dataset and say how to cite the report."""
    if pagename not in (app.config.root_doc, "chapters/data-appendix"):
        return
    root = Path(app.srcdir)
    package = publishing.datapackage(root)
    stem = publishing.file_stem(root)
    link = context["pathto"](publishing.DOWNLOADS, 1)
    url = app.config.html_baseurl
    entry = publishing.bibtex(
        app.config.project, app.config.author, package["updated"][:4], url, package["version"]
    )
    context["body"] = context.get("body", "") + (
        '<section class="report-take-away"><h2>Download the data</h2>'
        f"<p>Dataset version {html.escape(package['version'])} ({html.escape(package['updated'])}), "
        "licensed under CC BY 4.0: "
        f'<a href="{link}/{stem}-csv.zip" download>CSV files with datapackage.json (zip)</a>, '
        f'<a href="{link}/{stem}.xlsx" download>Excel workbook (XLSX, one sheet per file)</a>, '
        f'<a href="{link}/{stem}.json" download>JSON (datapackage with its rows)</a>. '
        f'The sources: <a href="{link}/references.bib" download>references.bib</a> (BibTeX). '
        f'The whole report as a <a href="{context["pathto"]("report.pdf", 1)}">PDF</a>.</p>'
        "<h2>How to cite</h2>"
        f"<p>{html.escape(app.config.author)} ({package['updated'][:4]}). "
        f"<em>{html.escape(app.config.project)}</em>. Online edition, dataset version "
        f'{html.escape(package["version"])}. <a href="{html.escape(url)}">{html.escape(url)}</a></p>'
        "<p>The dataset builds on the table compiled by Alisha Chandranathan for the Asia Society "
        "Policy Institute; cite both.</p>"
        f'<pre class="report-bibtex" tabindex="0">{html.escape(entry)}</pre></section>'
    )


def write_reader_files(app: Sphinx, exception: Exception | None) -> None:
    """The dataset downloads, the link-preview image and the sitemap, made at build time."""
    if exception or app.builder.format != "html":
        return
    root = Path(app.srcdir)
    publishing.write_downloads(root, Path(app.outdir))
    from indopacific_st import charts

    preview = charts.timeline_chart(dataset_for(root)).spec
    png = vlc.vegalite_to_png(preview, scale=1.5)
    target = Path(app.outdir) / "_static" / "preview.png"
    if not target.exists() or target.read_bytes() != png:
        target.write_bytes(png)
    write_sitemap(app)


def write_sitemap(app: Sphinx) -> None:
    """sitemap.xml with every page of the book. (sphinx-sitemap lists only the pages written
    by the last build, so an incremental build left most chapters out.)"""
    base = app.config.html_baseurl
    urls = "".join(
        f"<url><loc>{html.escape(base + app.builder.get_target_uri(doc))}</loc></url>"
        for doc in sorted(app.env.found_docs)
    )
    (Path(app.outdir) / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>\n',
        encoding="utf-8",
    )


def add_static_path(app: Sphinx, config) -> None:
    config.html_static_path.append(str(PACKAGE_DIR / "static"))
    # Link previews name the report and its address as _config.yml states them, once.
    config.ogp_site_url = config.html_baseurl
    config.ogp_site_name = config.html_title or config.project


def drop_duplicate_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    """sphinx-thebe and sphinx-togglebutton add their inline settings twice (once more when
    the environment is restored from a pickle or a worker); declared twice, they raise
    "Identifier 'THEBE_JS_URL' has already been declared" on every page."""
    seen: set[tuple] = set()
    kept = []
    for script in list(context.get("script_files", [])):
        attributes = getattr(script, "attributes", {})
        # The copies differ only in a filename of None or "" (no file: an inline script).
        key = (getattr(script, "filename", None) or None, attributes.get("body"))
        if key == (None, None) or key not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"][:] = kept
    # The theme's colour mode: left empty, the theme logs an error on every page.
    context["default_mode"] = context.get("default_mode") or "auto"


class RemoveCodeSource(SphinxPostTransform):
    """Drop the source of code cells from non-HTML output; their results stay."""

    default_priority = 100
    formats = ("latex",)

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(nodes.container)):
            if node.get("nb_element") == "cell_code_source":
                node.parent.remove(node)


def report_identity(app: Sphinx, config) -> None:
    """The report's title and online address, each stated once in _config.yml, for everything
    that names them.

    `title` becomes Sphinx's `project` too (Jupyter Book sets only the HTML title from it; How to
    cite read "Project name not set"). `html.baseurl` is the online edition's one address: the
    chapters' `{{ online_url }}` reads it, as do the cover, How to cite, the briefs, the sitemap
    and link previews.
    """
    config.project = config.html_title or config.project
    substitutions = config.myst_substitutions or {}
    config.myst_substitutions = substitutions | {"online_url": config.html_baseurl}


def print_macros(app: Sphinx, config) -> None:
    """The cover's facts, the running heads' short title and the charts' colours as LaTeX
    macros, defined before the print style (latex/reportstyle.sty) is loaded."""
    descriptor = json.loads((Path(app.srcdir) / "data" / "datapackage.json").read_text("utf-8"))
    updated = dt.date.fromisoformat(descriptor["updated"])
    macros = {
        "ReportTitle": print_style.latex_escape(config.project),
        "ReportShortTitle": print_style.latex_escape(config.report_short_title),
        "ReportSubtitle": print_style.latex_escape(config.report_subtitle),
        "ReportDataVersion": print_style.latex_escape(str(descriptor.get("version", ""))),
        "ReportDataUpdated": f"{updated.day} {updated:%B %Y}",
        "ReportYear": str(updated.year),
        "ReportOnlineURL": config.html_baseurl,
        "ReportOrganisation": print_style.latex_escape(config.author),
        "ReportPartnerCodes": ",".join(style.PARTNER_COLOURS),
    }
    lines = [f"\\newcommand{{\\{name}}}{{{value}}}" for name, value in macros.items()]
    lines.append(print_style.colour_definitions())
    ink = style.US_COLOUR.lstrip("#")
    lines.append(
        f"\\sphinxsetup{{TitleColor={{HTML}}{{{ink}}}, InnerLinkColor={{HTML}}{{{ink}}}, "
        f"OuterLinkColor={{HTML}}{{{ink}}}}}"
    )
    lines.append("\\usepackage{reportstyle}")
    elements = dict(config.latex_elements)
    elements["extrapackages"] = "\n".join(lines) + "\n" + elements.get("extrapackages", "")
    config.latex_elements = elements
    config.latex_additional_files = [
        *config.latex_additional_files,
        str(PACKAGE_DIR / "latex" / "reportstyle.sty"),
    ]


EXECUTIVE_SUMMARY = (
    "\\chapter*{Executive summary}\\phantomsection"
    "\\addcontentsline{toc}{chapter}{Executive summary}"
    "\\markboth{Executive summary}{Executive summary}"
)


def shape_for_print(app: Sphinx, doctree: nodes.document) -> None:
    """In the PDF: the front page opens as the executive summary, a partner chapter's title is
    ruled in the partner's chart colour, and the chapters listed in `print_leave_out` are not in
    the book."""
    if app.builder.format != "latex":
        return
    docname = app.env.docname
    if docname == app.config.root_doc:
        doctree.insert(0, nodes.raw("", EXECUTIVE_SUMMARY, format="latex"))
    chapters = {
        f"chapters/{label.lower().replace(' ', '-')}": code
        for code, label in dataset_for(Path(app.srcdir)).vocabulary.partners.items()
    }
    accent = f"ReportPartner{chapters[docname]}" if docname in chapters else "ReportRule"
    doctree.insert(
        0, nodes.raw("", f"\\renewcommand{{\\ReportAccent}}{{{accent}}}", format="latex")
    )
    for toctree in doctree.findall(addnodes.toctree):
        kept = [e for e in toctree["entries"] if e[1] not in app.config.print_leave_out]
        toctree["entries"] = kept
        toctree["includefiles"] = [
            f for f in toctree["includefiles"] if f not in app.config.print_leave_out
        ]


def link_briefs(app: Sphinx, doctree: nodes.document) -> None:
    """Online, each partner chapter links to its brief (`make briefs` puts it in briefs/)."""
    if app.builder.format != "html":
        return
    partners = dataset_for(Path(app.srcdir)).vocabulary.partners
    for label in partners.values():
        name = label.lower().replace(" ", "-")
        if app.env.docname != f"chapters/{name}":
            continue
        sections = list(doctree.findall(nodes.section))
        if not sections:
            return
        link = nodes.reference(
            "", f"Two-page brief on {label} (PDF)", refuri=f"../briefs/{name}.pdf"
        )
        paragraph = nodes.paragraph("", "", link, classes=["partner-brief"])
        sections[0].insert(1, paragraph)


def read_in_parallel(app: Sphinx) -> None:
    """Read documents in `report_jobs` processes (0: one per core)."""
    app.parallel = max(app.parallel, app.config.report_jobs or os.cpu_count() or 1)
    # sphinx-multitoc-numbering (loaded by sphinx-external-toc) does not declare itself safe,
    # which makes Sphinx read serially. It is: it only renumbers sections in the main process,
    # after every document has been read.
    multitoc = app.extensions.get("sphinx_multitoc_numbering")
    if multitoc and multitoc.parallel_read_safe is None:
        multitoc.parallel_read_safe = True


def choose_executor(app: Sphinx) -> None:
    """With `report_execution: in-process`, myst-nb's executor runs each notebook in this
    process (execution.py) instead of starting a kernel for it."""
    if app.config.report_execution == "kernel":
        return
    if app.config.report_execution != "in-process":
        raise ValueError(
            f"report_execution is 'in-process' or 'kernel', not {app.config.report_execution!r}"
        )
    from myst_nb.core.execute import direct

    # myst-nb has no setting for its executor; `direct` looks this name up at each notebook.
    direct.single_nb_execution = execution.execute_in_process
    # Imported here, before Sphinx forks its readers, each reader starts with them loaded.
    import indopacific_st.facts  # noqa: F401
    import indopacific_st.tables  # noqa: F401


def remember_citation_plugins() -> None:
    """pybtex and sphinxcontrib-bibtex look each plugin up in every installed package's metadata,
    at every citation: a fifth of a rebuild's time. The installed packages do not change during
    a build, so each lookup is made once."""
    import pybtex.plugin
    from sphinxcontrib.bibtex import plugin

    for module, name in ((pybtex.plugin, "entry_points"), (plugin, "_entry_points")):
        lookup = getattr(module, name)
        if not hasattr(lookup, "cache_info"):
            setattr(module, name, functools.cache(lookup))


def stop_workers_on_failure(app: Sphinx, exception: Exception | None) -> None:
    """When a notebook fails in a worker, show the worker's traceback (the build's own names
    only the notebook) and stop the other workers, which would otherwise wait forever to hand
    their pages to a build that has stopped reading them."""
    if isinstance(exception, SphinxParallelError):
        print(exception.traceback, file=sys.stderr)
        for worker in multiprocessing.active_children():
            worker.terminate()


def setup(app: Sphinx) -> dict:
    remember_citation_plugins()
    app.add_config_value("report_jobs", 0, "env", int)
    app.add_config_value("report_execution", "in-process", "env", str)
    app.add_config_value("report_short_title", "", "env", str)
    app.add_config_value("report_subtitle", "", "env", str)
    app.add_config_value("print_leave_out", ["chapters/updating"], "env", list)
    app.connect("config-inited", report_identity)
    app.connect("config-inited", print_macros)
    app.connect("doctree-read", shape_for_print)
    app.connect("doctree-read", link_briefs)
    app.connect("builder-inited", read_in_parallel)
    app.connect("builder-inited", choose_executor)
    app.connect("build-finished", stop_workers_on_failure)
    app.add_css_file(STYLESHEET)
    app.connect("config-inited", add_static_path)
    app.connect("html-page-context", add_bundle_to_chart_pages)
    app.connect("html-page-context", add_table_scripts_to_table_pages)
    app.connect("html-page-context", link_to_notebook)
    app.connect("html-page-context", reader_extras)
    app.connect("build-finished", write_reader_files)
    app.connect("html-page-context", drop_duplicate_scripts, priority=1000)
    app.connect("source-read", note_dependencies)
    app.connect("build-finished", write_bundle)
    app.connect("build-finished", compile_charts)
    app.connect("build-finished", fix_markup)
    app.add_post_transform(RemoveCodeSource)
    app.add_directive("guard", GuardDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
