"""Headless Chromium: pages draw every chart with all non-local requests blocked."""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import re
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from playwright.sync_api import sync_playwright

from indopacific_st import findings, style, tables

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(html_dir: Path):
    handler = functools.partial(QuietHandler, directory=str(html_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs the Debian package 'chromium'.")
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield instance
        instance.close()


class PageLog:
    """What a page does while it loads: requests that try to leave this machine (blocked),
    uncaught errors, console errors and warnings, and addresses answered with an error."""

    def __init__(self, page):
        self.attempts: list[str] = []
        self.errors: list[str] = []
        self.console: list[str] = []
        self.missing: list[str] = []
        page.route("**/*", self.route)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        page.on("response", lambda r: self.missing.append(r.url) if r.status >= 400 else None)

    def route(self, request_route) -> None:
        url = request_route.request.url
        if url.startswith(("http://127.0.0.1", "file://", "data:", "blob:")):
            request_route.continue_()
        else:
            self.attempts.append(url)
            request_route.abort()


def open_watched(browser, url: str, width: int = 1280):
    """Open a page with every request that leaves this machine blocked; return it and its log."""
    page = browser.new_page(viewport={"width": width, "height": 900}, accept_downloads=True)
    log = PageLog(page)
    page.goto(url, wait_until="load")
    return page, log


def open_offline(browser, url: str, width: int = 1280):
    """Open a page with every request that leaves this machine blocked; return page and attempts."""
    page, log = open_watched(browser, url, width)
    return page, log.attempts, log.errors


def drawn_charts(page) -> tuple[int, int]:
    """How many chart containers there are, and how many hold an SVG with drawn marks."""
    page.wait_for_function(
        "() => [...document.querySelectorAll('.report-chart')].every("
        "c => c.classList.contains('report-chart-drawn') &&"
        " c.querySelector('svg .mark-symbol, svg .mark-rect, svg .mark-rule, svg .mark-text'))",
        timeout=15_000,
    )
    total = page.locator(".report-chart").count()
    drawn = page.evaluate(
        "() => [...document.querySelectorAll('.report-chart')].filter("
        "c => c.querySelectorAll('svg path, svg line, svg text').length > 5).length"
    )
    return total, drawn


@dataclass
class Visit:
    """What one cold load of a page at one width shows, its charts drawn: the page checks below
    (network, console, charts' fit, tables, weight, axe-core) all read it, one visit each."""

    attempts: list[str]  # requests that tried to leave this machine
    errors: list[str]  # uncaught errors
    console: list[str]  # console messages, "type: text"
    missing: list[str]  # addresses answered with an error status
    loaded: dict[str, int]  # each file downloaded: its path and uncompressed bytes
    charts: int  # chart containers
    drawn: int  # ...that hold a drawn chart
    titles: int  # figure titles
    overflow: list[str]  # chart drawings and texts that leave their column
    overlaps: list[str]  # chart texts over one another
    change_labels: int  # chart texts labelling the change of administration
    tables: list[dict]  # each report table's caption and fit (TABLES)
    broken_header_words: list[str]  # table header words set over two lines
    violations: list[str]  # axe-core's critical and serious violations


def visit_page(browser, url: str, width: int) -> Visit:
    page, log = open_watched(browser, url, width)
    charts = drawn = 0
    if page.locator(".report-chart").count():
        charts, drawn = drawn_charts(page)
    measured = {
        "titles": page.locator(".report-figure-title").count(),
        "overflow": page.evaluate(OVERFLOW) if charts else [],
        "overlaps": page.evaluate(OVERLAPS) if charts else [],
        "change_labels": page.evaluate(LABELLED, findings.CHANGE_TEXT),
        "tables": page.evaluate(TABLES),
        "broken_header_words": page.evaluate(BROKEN_HEADER_WORDS),
        "violations": serious_violations(page) if width in AXE_WIDTHS else [],
    }
    # axe takes long enough for the network to settle: nothing is still loading after this.
    page.wait_for_load_state("networkidle")
    loaded = dict(page.evaluate(LOADED))
    page.close()
    return Visit(
        log.attempts,
        log.errors,
        log.console,
        log.missing,
        loaded,
        charts,
        drawn,
        **measured,
    )


@pytest.fixture(scope="module")
def visit(server, browser):
    """visit(page, width): the page's Visit, made the first time a test asks for it."""
    seen: dict[tuple[str, int], Visit] = {}

    def get(name: str, width: int) -> Visit:
        if (name, width) not in seen:
            seen[name, width] = visit_page(browser, f"{server}/{name}", width)
        return seen[name, width]

    return get


CHART_CHAPTERS = [
    "intro",
    "method",
    "overview",
    "japan",
    "south-korea",
    "taiwan",
    "australia",
    "singapore",
    "india",
]
# A desktop, a phone, and the narrowest phones (320 px: a 256 px column), where charts and tables
# re-lay out (stacked legends, shorter labels, tables that scroll).
WIDTHS = [1280, 390, 320]
AXE_WIDTHS = [1280, 390]  # axe-core takes a second a page: at a desktop's width and a phone's


@pytest.mark.parametrize("chapter", CHART_CHAPTERS)
def test_chapter_draws_every_chart_offline(visit, chapter):
    seen = visit(f"chapters/{chapter}.html", 1280)
    assert seen.charts >= 1 and seen.drawn == seen.charts
    assert seen.attempts == [], f"the page tried to reach the network: {seen.attempts}"
    assert not [e for e in seen.errors if "vega" in e.lower() or "chart" in e.lower()], seen.errors


def test_charts_draw_from_local_files(browser, html_dir):
    page, attempts, errors = open_offline(browser, (html_dir / "chapters" / "japan.html").as_uri())
    total, drawn = drawn_charts(page)
    assert drawn == total >= 3
    assert attempts == []
    page.close()


def test_tooltip_shows_the_agreement(server, browser):
    page, _, _ = open_offline(browser, f"{server}/chapters/japan.html")
    drawn_charts(page)
    chart = page.locator(".report-chart").first
    chart.scroll_into_view_if_needed()
    # The last symbols are the chart's own marks: the key above the chart and the legends come first.
    mark = chart.locator("svg .mark-symbol:not(.role-legend-symbol) path").last
    mark.hover()
    tooltip = page.locator("#vg-tooltip-element")
    tooltip.wait_for(state="visible", timeout=5_000)
    assert "Agreement" in tooltip.inner_text()
    page.close()


def test_switch_shows_the_seed_table_alone_offline(server, browser, ds):
    """The overview timeline's radio buttons filter the marks in the browser, with no network."""
    from indopacific_st import views

    page, attempts, _ = open_offline(browser, f"{server}/chapters/overview.html")
    drawn_charts(page)
    chart = page.locator(".report-chart").filter(has=page.locator("input[type=radio]")).first
    chart.scroll_into_view_if_needed()
    count = "el => el.querySelectorAll('svg .mark-symbol path').length"
    before = chart.evaluate(count)
    chart.locator("input[type=radio][value='Seed table only']").check()
    page.wait_for_function(
        "([el, n]) => el.querySelectorAll('svg .mark-symbol path').length < n",
        arg=[chart.element_handle(), before],
        timeout=5_000,
    )
    plotted = views.by_partner(ds)
    plotted = plotted[plotted["announced_date"] >= "2021-01-01"]
    assert before - chart.evaluate(count) == (plotted["origin"] == "added").sum()
    assert attempts == []
    page.close()


# Every chart's drawing, and every text in it, ends inside the chart's column (1 px of rounding).
OVERFLOW = """() => [...document.querySelectorAll('.report-chart')].flatMap(chart => {
  const column = chart.closest('article').getBoundingClientRect();
  const box = chart.getBoundingClientRect();
  const svg = chart.querySelector('svg').getBoundingClientRect();
  const out = [];
  if (svg.width > box.width + 1 || svg.right > column.right + 1) {
    out.push(`chart ${chart.id}: ${svg.width} px drawn in ${box.width} px`);
  }
  for (const text of chart.querySelectorAll('svg text')) {
    const r = text.getBoundingClientRect();
    const hidden = text.closest('[opacity="0"]') || getComputedStyle(text).opacity === '0';
    if (r.width && !hidden && (r.right > svg.right + 1 || r.left < svg.left - 1)) {
      out.push(`${chart.id}: text "${text.textContent}" leaves the chart`);
    }
  }
  return out;
})"""


# Every two visible texts of a chart (axis and legend labels, value labels, the change of
# administration's label) overlap by at most a pixel either way.
OVERLAPS = """() => [...document.querySelectorAll('.report-chart')].flatMap(chart => {
  const texts = [...chart.querySelectorAll('svg text')].filter(t => t.textContent.trim()
    && !t.closest('[opacity="0"]') && getComputedStyle(t).opacity !== '0');
  const boxes = texts.map(t => [t.textContent, t.getBoundingClientRect()]).filter(([, r]) => r.width);
  return boxes.flatMap(([a, r], i) => boxes.slice(i + 1).filter(([, s]) =>
    Math.min(r.right, s.right) - Math.max(r.left, s.left) > 1 &&
    Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top) > 1
  ).map(([b]) => `${chart.id}: "${a}" overlaps "${b}"`));
})"""
LABELLED = """text => [...document.querySelectorAll('.report-chart svg text')]
  .filter(t => t.textContent.includes(text)).length"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("chapter", CHART_CHAPTERS)
def test_charts_fit_their_column_and_their_texts_do_not_overlap(visit, chapter, width):
    """No chart wider than its column, each with its title, and no chart text over another."""
    seen = visit(f"chapters/{chapter}.html", width)
    assert seen.overflow == []
    assert seen.titles == seen.charts
    assert seen.overlaps == []
    if chapter != "method":
        # Every page but the method's has a timeline, which labels the change of
        # administration (at a phone's width with its date alone): the check covered it.
        assert seen.change_labels >= 1


def read_csv_link(href: str) -> pd.DataFrame:
    assert href.startswith("data:text/csv;charset=utf-8,")
    text = urllib.parse.unquote(href.split(",", 1)[1])
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def read_table(html: str) -> pd.DataFrame:
    rows = BeautifulSoup(html, "html.parser").find_all("tr")
    cells = [[c.get_text() for c in row.find_all(["th", "td"])] for row in rows]
    return pd.DataFrame(cells[1:], columns=cells[0])


@pytest.mark.parametrize("chapter", ["overview", "japan"])
def test_each_chart_offers_its_data_as_csv_and_table(server, browser, chapter):
    page, _, _ = open_offline(browser, f"{server}/chapters/{chapter}.html")
    drawn_charts(page)
    figures = page.locator("figure.report-figure")
    assert figures.count() == page.locator(".report-chart").count()
    for i in range(figures.count()):
        figure = figures.nth(i)
        link = figure.locator("a.report-data-link")
        assert link.get_attribute("download") == figure.get_attribute("data-file-name") + ".csv"
        data = read_csv_link(link.get_attribute("href"))
        table = read_table(figure.locator("table").evaluate("t => t.outerHTML"))
        assert len(data) > 0
        pd.testing.assert_frame_equal(data, table)
    page.close()


def test_image_export_works_from_the_keyboard(server, browser):
    page, _, _ = open_offline(browser, f"{server}/chapters/japan.html")
    drawn_charts(page)
    figure = page.locator("figure.report-figure").first
    for fmt in ("svg", "png"):
        button = figure.locator(f"button.report-export[data-format={fmt}]")
        button.focus()
        with page.expect_download() as info:
            page.keyboard.press("Enter")
        download = info.value
        assert download.suggested_filename == figure.get_attribute("data-file-name") + f".{fmt}"
        content = Path(download.path()).read_bytes()
        assert content.startswith(b"<svg" if fmt == "svg" else b"\x89PNG")
    page.close()


def all_pages(html_dir: Path) -> list[str]:
    return sorted(str(p.relative_to(html_dir)) for p in (html_dir / "chapters").glob("*.html"))


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_writes_an_error_or_warning_to_the_console(visit, html_dir, width):
    problems = {}
    for name in all_pages(html_dir):
        seen = visit(name, width)
        # The PDF edition is linked from the front page; `make test` builds it, `make book` not.
        pdf_only = all(u.endswith("/report.pdf") for u in seen.missing)
        found = [
            m
            for m in seen.console + [f"error: {e}" for e in seen.errors]
            if m.startswith(("error", "warning"))
            and not (pdf_only and "Failed to load resource" in m)
        ]
        if found:
            problems[name] = found
    assert problems == {}


def axe_script() -> Path:
    """axe-core as `make test` installs it (AXE_SCRIPT names it; else the newest in .tools/)."""
    named = os.environ.get("AXE_SCRIPT")
    found = (
        [Path(named)]
        if named
        else sorted(ROOT.glob(".tools/axe-*/node_modules/axe-core/axe.min.js"))
    )
    if not found or not found[-1].exists():
        pytest.fail("axe-core is missing: `make test` installs it from the npm registry.")
    return found[-1]


def serious_violations(page) -> list[str]:
    """Critical and serious axe-core violations on a page."""
    page.add_script_tag(path=str(axe_script()))
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} x {v['nodes'][0]['target']}"
        for v in results["violations"]
        if v["impact"] in ("critical", "serious")
    ]


@pytest.mark.parametrize("width", AXE_WIDTHS)
def test_axe_finds_no_critical_or_serious_violation(visit, html_dir, width):
    found = {name: v for name in all_pages(html_dir) if (v := visit(name, width).violations)}
    assert found == {}


# Report tables: each fits its column on a desktop; on a phone it scrolls inside its column, in
# the box simple-datatables puts it in (sortable tables) or the theme's (others), with a shadow
# at the edge as the cue. The controls above a sortable table stay in the column too.
TABLES = """() => [...document.querySelectorAll('table.report-table')].map(table => {
  const column = table.closest('article').getBoundingClientRect();
  const box = table.closest('.datatable-container, .pst-scrollable-table-container')
    || table.parentElement;
  const style = getComputedStyle(box);
  const controls = table.closest('.datatable-wrapper');
  const top = controls ? controls.querySelector('.datatable-top').getBoundingClientRect() : null;
  return {
    caption: (table.querySelector('caption') || {innerText: ''}).innerText,
    fits: table.scrollWidth <= box.clientWidth + 1,
    inColumn: box.getBoundingClientRect().right <= column.right + 1,
    controlsInColumn: !top || top.right <= column.right + 1,
    scrolls: style.overflowX === 'auto' && style.backgroundImage.includes('gradient'),
  };
})"""


TABLE_CHAPTERS = [c for c in CHART_CHAPTERS if c not in ("intro", "overview")]
TABLE_CHAPTERS += ["data-quality", "data-appendix"]

# The words of report table headers that the browser set over two lines ("Anno" / "unced"):
# a word's characters whose boxes lie on more than one line.
BROKEN_HEADER_WORDS = """() => [...document.querySelectorAll('table.report-table th')].flatMap(cell => {
  const broken = [];
  const texts = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    for (const word of node.textContent.matchAll(/\\S+/g)) {
      const range = document.createRange();
      range.setStart(node, word.index);
      range.setEnd(node, word.index + word[0].length);
      const lines = new Set([...range.getClientRects()].filter(r => r.width)
        .map(r => Math.round(r.top)));
      if (lines.size > 1) {
        const caption = cell.closest('table').querySelector('caption');
        broken.push(`${caption ? caption.innerText : 'a table'}: "${word[0]}" breaks`);
      }
    }
  }
  return broken;
})"""


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("chapter", TABLE_CHAPTERS)
def test_tables_fit_or_scroll_in_their_column_with_a_caption(visit, chapter, width):
    """Each table fits (or on a phone scrolls in) its column, has a caption, and no header word
    breaks over two lines (a column too narrow for its header's words scrolls instead)."""
    seen = visit(f"chapters/{chapter}.html", width)
    tables = seen.tables
    assert tables
    for table in tables:
        assert table["caption"].startswith("Table "), table
        assert table["inColumn"] and table["controlsInColumn"], table
        assert table["fits"] or (width < 600 and table["scrolls"]), table
    assert seen.broken_header_words == []


# Issue 10 and issue 12's page targets.
MAX_COLD_LOAD = 1_500_000  # bytes of a page's cold load, uncompressed, charts drawn
MAX_OWN_HTML = 150_000  # bytes of the page's own HTML
FULL_ICON_FONT = re.compile(r"/webfonts/fa-[a-z]+-\d+\.(woff2|ttf)$")
LOADED = """() => [performance.getEntriesByType('navigation')[0], ...performance
  .getEntriesByType('resource')].map(e => [new URL(e.name).pathname, e.decodedBodySize])"""


@pytest.mark.parametrize("width", WIDTHS)
def test_every_page_is_light(visit, html_dir, width):
    """Own HTML at most 150 KB, a cold load at most 1.5 MB, and no full icon font."""
    heavy = {}
    for name in all_pages(html_dir):
        loaded = visit(name, width).loaded
        own, total = (html_dir / name).stat().st_size, sum(loaded.values())
        fonts = [path for path in loaded if FULL_ICON_FONT.search(path)]
        if own > MAX_OWN_HTML or total > MAX_COLD_LOAD or fonts:
            heavy[name] = {"own": own, "cold load": total, "full icon fonts": fonts}
    assert heavy == {}


ICONS = """() => [...document.querySelectorAll('[class*="fa-"]')]
  .filter(el => el.getClientRects().length && getComputedStyle(el).visibility !== 'hidden')
  .map(el => {
    const before = getComputedStyle(el, '::before');
    return {icon: el.className, glyph: before.content, font: before.fontFamily,
            width: el.getBoundingClientRect().width};
  })"""


@pytest.mark.parametrize("width", WIDTHS)
def test_icons_come_from_the_subset_and_show(server, browser, width):
    page, _, _ = open_offline(browser, f"{server}/chapters/japan.html", width)
    page.evaluate("() => document.fonts.ready")
    shown = page.evaluate(ICONS)
    assert shown, "no icon on the page"
    for icon in shown:
        assert "Font Awesome" in icon["font"] and icon["glyph"] not in ("none", '""'), icon
        assert icon["width"] > 0, icon
    faces = page.evaluate(
        "() => [...document.fonts].filter(f => f.family.includes('Font Awesome'))"
        ".map(f => f.status)"
    )
    assert "loaded" in faces and "error" not in faces, faces
    page.close()


# On issue 10's slow connection (1.6 Mbit/s, 150 ms latency) 400 KB take 2 s, leaving 1 s for
# latency and drawing within the 3 s target. The timing itself is measured by `make bench`
# (charts drawn on the throttled connection, in Chromium): CPU load on a shared machine stretches
# it by up to a second, too much for a test that must not fail by chance.
MAX_COMPRESSED_LOAD = 400_000


@pytest.mark.parametrize("chapter", CHART_CHAPTERS)
def test_chart_pages_send_little_over_a_slow_connection(visit, html_dir, chapter):
    """What a chart page's cold load sends, gzipped as a compressing web server sends it."""
    loaded = visit(f"chapters/{chapter}.html", 390).loaded
    files = [html_dir / urllib.parse.unquote(path).lstrip("/") for path in loaded]
    sent = sum(
        len(gzip.compress(f.read_bytes(), 6)) if f.suffix in (".html", ".js", ".css") else size
        for f, size in zip(files, loaded.values(), strict=True)
    )
    assert sent <= MAX_COMPRESSED_LOAD, f"{sent} bytes"


def test_search_page_finds_a_partner_offline(server, browser):
    """Only the search page loads the search index now; searching still works."""
    page, attempts, errors = open_offline(browser, f"{server}/search.html?q=Japan")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for(timeout=15_000)
    assert results.count() > 0 and attempts == [] and errors == []
    page.close()


# The cells of one column of a table, as shown (a table with no match shows a message row).
COLUMN = """(table, name) => {
  const headers = [...table.tHead.rows[0].cells].map(cell => cell.innerText.trim());
  const index = headers.indexOf(name);
  if (index < 0) throw new Error(`no column ${name} in ${headers}`);
  return [...table.tBodies[0].rows]
    .filter(row => !row.querySelector('.datatable-empty'))
    .map(row => row.cells[index].innerText.trim());
}"""


def straight(text: str) -> str:
    """Names as the data writes them: the book sets straight quotes as curly ones."""
    return text.translate(
        str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
    )


def column(table, name: str) -> list[str]:
    return [straight(v) for v in table.evaluate(COLUMN, name)]


def agreements_table(page):
    """The data appendix's table of agreements, once simple-datatables has taken it over."""
    wrapper = page.locator(".datatable-wrapper").filter(
        has=page.locator("caption", has_text="The agreements in the dataset")
    )
    wrapper.wait_for()
    return wrapper, wrapper.locator("table")


def shown_agreements(ds):
    """The agreements the data appendix lists, with the texts its cells show."""
    rows = tables.latest(ds.agreements, tables.BOOK_ROWS)
    return rows.assign(
        announced_text=[
            style.date_text(d, p)
            for d, p in zip(rows["announced_date"], rows["precision"], strict=True)
        ],
        # A date sorts by year, then month, then day; a missing month or day comes first.
        announced_key=[
            (d.year, 0 if p == "year" else d.month, d.day if p == "day" else 0)
            for d, p in zip(rows["announced_date"], rows["precision"], strict=True)
        ],
    )


def test_sorting_by_a_column_orders_rows_as_the_data_says(server, browser, ds):
    page, _, _ = open_offline(browser, f"{server}/chapters/data-appendix.html")
    wrapper, table = agreements_table(page)
    rows = shown_agreements(ds)
    assert column(table, "Agreement") == list(rows["name"])  # the data's order before sorting
    by_date = list(rows.sort_values("announced_key", kind="stable")["announced_text"])
    button = wrapper.get_by_role("button", name="Announced", exact=True)
    button.click()
    assert column(table, "Announced") == by_date
    assert table.locator("th[aria-sort=ascending]").inner_text().strip() == "Announced"
    button.click()
    assert column(table, "Announced") == by_date[::-1]
    wrapper.get_by_role("button", name="Type", exact=True).click()
    assert column(table, "Type") == sorted(rows["type_label"])
    assert sorted(column(table, "Agreement")) == sorted(rows["name"])
    page.close()


def expected_names(ds, rows, filter_name: str, label: str) -> list[str]:
    """The agreements a filter should leave, computed from the data."""
    vocabulary = {"Partners": ds.vocabulary.partners, "Domains": ds.vocabulary.domains}
    if filter_name == "Type":
        keep = rows["type_label"] == label
    else:
        codes = {c for c, text in vocabulary[filter_name].items() if text == label}
        field = filter_name.lower()
        keep = rows[field].map(lambda values: bool(codes & set(values)))
    return list(rows.loc[keep, "name"])


@pytest.mark.parametrize("filter_name", ["Partners", "Type", "Domains"])
def test_filtering_shows_exactly_the_rows_the_data_gives(server, browser, ds, filter_name):
    page, _, _ = open_offline(browser, f"{server}/chapters/data-appendix.html")
    wrapper, table = agreements_table(page)
    rows = shown_agreements(ds)
    select = wrapper.get_by_label(filter_name, exact=True)
    offered = [o for o in select.locator("option").all_text_contents() if o != "All"]
    if filter_name == "Type":
        labels = set(rows["type_label"])
    else:
        vocabulary = ds.vocabulary.partners if filter_name == "Partners" else ds.vocabulary.domains
        labels = {vocabulary[c] for values in rows[filter_name.lower()] for c in values}
    assert offered == sorted(labels)
    for label in offered:
        select.select_option(label)
        expected = expected_names(ds, rows, filter_name, label)
        assert column(table, "Agreement") == expected, label
        count = wrapper.locator(".report-table-count").inner_text()
        assert count == f"Showing {len(expected)} of {len(rows)} rows.", label
    select.select_option("")
    assert column(table, "Agreement") == list(rows["name"])
    page.close()


def test_filters_combine(server, browser, ds):
    page, _, _ = open_offline(browser, f"{server}/chapters/data-appendix.html")
    wrapper, table = agreements_table(page)
    rows = shown_agreements(ds)
    partner, domain = ds.vocabulary.partners["JP"], ds.vocabulary.domains["clean-energy"]
    wrapper.get_by_label("Partners", exact=True).select_option(partner)
    wrapper.get_by_label("Domains", exact=True).select_option(domain)
    both = set(expected_names(ds, rows, "Partners", partner))
    both &= set(expected_names(ds, rows, "Domains", domain))
    assert set(column(table, "Agreement")) == both
    page.close()


def test_tables_sort_and_filter_from_the_keyboard(server, browser, ds):
    page, _, _ = open_offline(browser, f"{server}/chapters/data-appendix.html")
    wrapper, table = agreements_table(page)
    rows = shown_agreements(ds)
    wrapper.locator("input[type=search]").focus()
    focused = "() => document.activeElement.closest('.datatable-sorter') && document.activeElement.innerText.trim()"
    for _ in range(4):  # past the caption's link to the first column's sort button
        page.keyboard.press("Tab")
        if page.evaluate(focused):
            break
    assert page.evaluate(focused) == "Agreement"
    page.keyboard.press("Tab")
    assert page.evaluate(focused) == "Partners"
    page.keyboard.press("Enter")
    assert column(table, "Partners") == sorted(column(table, "Partners"))
    page.keyboard.press(" ")
    assert column(table, "Partners") == sorted(column(table, "Partners"), reverse=True)
    select = wrapper.get_by_label("Type", exact=True)
    select.focus()
    page.keyboard.press("ArrowDown")
    label = select.evaluate("s => s.value")
    assert label and sorted(column(table, "Agreement")) == sorted(
        expected_names(ds, rows, "Type", label)
    )
    page.close()


def test_tables_read_without_javascript(server, browser, ds):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{server}/chapters/data-appendix.html", wait_until="load")
    table = page.locator("table.report-sortable").filter(
        has=page.locator("caption", has_text="The agreements in the dataset")
    )
    assert column(table, "Agreement") == list(shown_agreements(ds)["name"])
    assert page.locator(".datatable-wrapper, .datatable-sorter").count() == 0
    context.close()
