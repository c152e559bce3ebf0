"""The PDF: every chapter with its charts as vector figures, and no code."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import numpy as np
import pdfplumber
import pytest
import yaml
from conftest import toc_order
from PIL import Image
from pypdf import PdfReader
from test_html import book_tables

from indopacific_st import charts, facts, views

CODE_MARKERS = [
    "import indopacific_st",
    "glue(",
    "ds = ip.load",
    "tables.agreements_table",
    "charts.",
]


@pytest.fixture(scope="module")
def pdf_text(pdf_path) -> str:
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return " ".join(result.stdout.split())


# Text must keep inside the sheet with a margin (the footer sits about 40 pt above the bottom
# edge): a table that runs past the bottom prints its rows over the footer and off the sheet.
EDGE = 20
SMALLEST_TEXT = 7.0  # points: nothing in print, chart text included, is smaller


def turned(matrix: tuple) -> bool:
    a, b = matrix[:2]
    return abs(b) > abs(a)


def chars_by_page(path) -> list[list[dict]]:
    """Every character of a PDF, page by page, with its position, size and page size. pdfminer
    gives a character's size as the height of its box: for one set upright (a matrix's partner
    names: its text matrix turns the baseline more than 45 degrees), that height is its advance,
    and its size is the box's width."""
    with pdfplumber.open(str(path)) as pdf:
        return [
            [
                {k: c[k] for k in ("text", "x0", "x1", "top", "bottom", "fontname")}
                | {"size": c["x1"] - c["x0"] if turned(c["matrix"]) else c["size"]}
                | {"width": page.width, "height": page.height}
                for c in page.chars
            ]
            for page in pdf.pages
        ]


def outside(chars: list[dict]) -> str:
    """The text of a page that lies outside its printable area."""
    return "".join(
        c["text"]
        for c in chars
        if c["x0"] < EDGE
        or c["top"] < EDGE
        or c["x1"] > c["width"] - EDGE
        or c["bottom"] > c["height"] - EDGE
    )


def too_small(chars: list[dict]) -> list[dict]:
    return [c for c in chars if c["text"].strip() and c["size"] < SMALLEST_TEXT]


@pytest.fixture(scope="module")
def pdf_chars(pdf_path) -> list[list[dict]]:
    return chars_by_page(pdf_path)


@pytest.fixture(scope="module")
def stream_text(pdf_path) -> str:
    """The text in the order it was typeset (a table cell's lines stay together), with spaces and
    hyphens left out, so a name broken over lines in a cell still matches."""
    result = subprocess.run(
        ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf_path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return squeeze(result.stdout)


def squeeze(text: str) -> str:
    # Print sets straight quotes as curly ones.
    text = text.translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\""))
    return re.sub(r"[\s\-\u2010\u00ad]", "", text)


def test_no_text_outside_the_page_area(pdf_chars):
    for number, chars in enumerate(pdf_chars, start=1):
        assert not outside(chars), f"page {number}: text outside the page area: {outside(chars)}"


def test_no_text_smaller_than_seven_points(pdf_chars):
    for number, chars in enumerate(pdf_chars, start=1):
        small = too_small(chars)
        assert not small, (
            f"page {number}: {len(small)} characters under {SMALLEST_TEXT} pt, the smallest "
            f"{min(c['size'] for c in small):.1f} pt: {''.join(c['text'] for c in small)[:80]}"
        )


def test_no_blank_page(pdf_chars):
    for number, chars in enumerate(pdf_chars, start=1):
        assert len(chars) > 150, f"page {number} is blank or nearly so ({len(chars)} characters)"


def test_every_table_row_is_printed(stream_text, ds):
    """Each agreement, institution and dictionary column is in the PDF: no row lost."""
    names = list(ds.agreements["name"]) + list(ds.institutions["name"])
    for resource in ds.descriptor["resources"]:
        names += [f["name"] for f in resource["schema"]["fields"]]
    missing = [n for n in names if squeeze(n) not in stream_text]
    assert not missing, f"table rows missing from the PDF: {missing[:5]}"


CHAPTERS = [
    "Scope and method",
    "Overview across partners",
    "Japan",
    "South Korea",
    "Taiwan",
    "Australia",
    "Singapore",
    "India",
    "Data quality",
    "Data appendix",
    "Bibliography",
]


# Online-only wording: the PDF says what the online edition offers instead.
ONLINE_ONLY = ("hover", "Show code", "click")
PARTNER_CHARTS = (
    charts.timeline_chart,
    charts.domain_chart,
    charts.ministry_chart,
    charts.partner_share_chart,
)


def test_pdf_holds_every_chapter(pdf_path):
    outline = [
        item.title for item in PdfReader(str(pdf_path)).outline if not isinstance(item, list)
    ]
    for chapter in CHAPTERS:
        assert chapter in outline, f"chapter missing from the PDF: {chapter}"


@pytest.mark.parametrize("partner", ["JP", "KR", "TW", "AU", "SG", "IN"])
def test_pdf_holds_each_partner_chart(pdf_text, ds, partner):
    for make in PARTNER_CHARTS:
        title = make(ds, partner).title
        assert " ".join(title.split()) in pdf_text, f"chart title missing from the PDF: {title}"


def test_pdf_holds_the_overview_charts(pdf_text, ds):
    figures = [charts.timeline_chart(ds), charts.lineage_chart(ds)]
    figures += [charts.partner_matrix(ds, d) for d in ("domain", "type", "category")]
    for figure in figures:
        assert " ".join(figure.title.split()) in pdf_text, figure.title


def test_pdf_has_no_code(pdf_text):
    for marker in CODE_MARKERS:
        assert marker not in pdf_text, f"code in the PDF: {marker}"


def test_charts_are_embedded_as_vector_figures(pdf_path):
    reader = PdfReader(str(pdf_path))
    forms = 0
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        xobjects = resources.get("/XObject") or {}
        for xobject in xobjects.values():
            if xobject.get_object().get("/Subtype") == "/Form":
                forms += 1
    assert forms >= 6 * 3 + 4


def test_pdf_cites_sources_in_print(pdf_text):
    assert "Bibliography" in pdf_text
    assert "Ministry of Foreign Affairs of Japan" in pdf_text


def test_pdf_opens_with_the_executive_summary(pdf_path):
    outline = [
        item.title for item in PdfReader(str(pdf_path)).outline if not isinstance(item, list)
    ]
    assert outline[0] == "Executive summary", outline[:3]


def test_pdf_leaves_out_the_maintainers_chapter(pdf_path, pdf_text):
    outline = [
        item.title for item in PdfReader(str(pdf_path)).outline if not isinstance(item, list)
    ]
    assert "Updating the data" not in outline
    assert "make reviewed" not in pdf_text


def test_pdf_has_no_online_only_wording(pdf_text):
    for phrase in ONLINE_ONLY:
        assert phrase.lower() not in pdf_text.lower(), f"online-only wording in the PDF: {phrase}"


def test_cover_states_the_data_version_and_date(pdf_path, ds):
    cover = PdfReader(str(pdf_path)).pages[0].extract_text()
    cover = "".join(cover.split())  # extraction may drop or add spaces in small type
    assert f"Dataversion{ds.version}" in cover
    assert f"{ds.updated.day}{ds.updated:%B%Y}" in cover
    assert "CCBY4.0" in cover


@pytest.fixture(scope="module")
def brief_paths(briefs_dir, ds) -> dict[str, object]:
    return {
        code: briefs_dir / f"{label.lower().replace(' ', '-')}.pdf"
        for code, label in ds.vocabulary.partners.items()
    }


def test_each_partner_has_a_brief_of_two_to_four_pages(brief_paths):
    for code, path in brief_paths.items():
        assert path.exists(), f"no brief for {code}: {path}"
        pages = len(PdfReader(str(path)).pages)
        assert 2 <= pages <= 4, f"{path.name}: {pages} pages"


def test_briefs_keep_text_on_the_page_and_readable(brief_paths):
    for path in brief_paths.values():
        for number, chars in enumerate(chars_by_page(path), start=1):
            assert not outside(chars), f"{path.name} p. {number}: {outside(chars)[:60]}"
            assert not too_small(chars), f"{path.name} p. {number}: text under {SMALLEST_TEXT} pt"
            assert len(chars) > 150, f"{path.name} p. {number} is nearly blank"


def test_briefs_state_the_data_version_and_sources(brief_paths, ds):
    for code, path in brief_paths.items():
        text = "".join(page.extract_text() for page in PdfReader(str(path)).pages)
        flat = "".join(text.split())
        assert f"dataversion{ds.version}" in flat, path.name
        assert f"{ds.updated.day}{ds.updated:%B%Y}" in flat, path.name
        share = facts.partner_facts(ds, code)["share"]  # a % sign must not end the line in LaTeX
        assert f"({share}ofthedataset" in flat, f"{path.name}: share {share} missing"
        for name in views.for_partner(ds, code)["name"]:
            assert squeeze(name) in squeeze(text), f"{path.name}: {name} missing"
        for phrase in ONLINE_ONLY:
            assert phrase.lower() not in text.lower(), f"{path.name}: {phrase}"


def test_table_numbers_and_titles_match_the_web_edition(pdf_text, html_dir):
    """Both editions number tables 1, 2, 3 in the same order, with the same captions."""
    web = [(number.split()[-1], title) for number, title, _ in book_tables(html_dir)]
    assert re.findall(r"Table (\d+(?:\.\d+)?):", pdf_text) == [number for number, _ in web]
    flat = squeeze(pdf_text)
    for number, title in web:
        assert squeeze(f"Table {number}: {title}") in flat, f"Table {number}: {title}"


def test_list_of_tables_follows_the_list_of_figures(pdf_text, html_dir):
    text = pdf_text.lower()  # the lists' headings print in capitals
    start = text.index("list of tables")
    assert text.index("list of figures") < start
    listing = squeeze(pdf_text[start : text.index("executive summary", start)])
    for _, title, _ in book_tables(html_dir):
        assert squeeze(title) in listing, f"not in the list of tables: {title}"


def test_data_dictionary_prints_every_field_of_every_file(stream_text, ds):
    """Each file's dictionary, under its caption, lists its fields in order, none cut off."""
    for resource in ds.descriptor["resources"]:
        caption = re.escape(squeeze(f"Data dictionary: {resource['path']}"))
        start = re.search(r"Table\d+:" + caption, stream_text).start()  # not the list of tables
        following = re.search(r"Table\d+:", stream_text[start + 1 :])
        dictionary = stream_text[start : start + 1 + following.start()] if following else ""
        position = 0
        for field in resource["schema"]["fields"]:
            found = dictionary.find(squeeze(field["name"]), position)
            assert found >= 0, f"{resource['path']}: {field['name']} missing from the PDF"
            position = found


def test_figure_numbers_match_the_web_edition(pdf_text, html_dir):
    """Both editions number figures 1, 2, 3 in the same order."""
    web = []
    for name in toc_order():
        html = (html_dir / "chapters" / f"{name}.html").read_text(encoding="utf-8")
        web += re.findall(r'caption-number">Fig\. (\d+)', html)
    printed = re.findall(r"Fig\. (\d+(?:\.\d+)?):", pdf_text)
    assert printed == web


# --- Page layout: running heads, filled pages, the cover (print style, reportstyle.sty) -------

CONFIG = yaml.safe_load((Path(__file__).resolve().parents[1] / "_config.yml").read_text("utf-8"))
SHORT_TITLE = CONFIG["sphinx"]["config"]["report_short_title"]
ONLINE_URL = CONFIG["html"]["baseurl"]
BODY_FONT = re.search(
    r"\\setmainfont\{([^}]+)\}", CONFIG["sphinx"]["config"]["latex_elements"]["fontpkg"]
).group(1)
# The text block lies 1 in from the top and bottom of the sheet (Sphinx's geometry); the running
# head sits above it and the page number below it.
BLOCK_MARGIN = 72
HEAD_ZONE = BLOCK_MARGIN - 4
# Page images for measuring how full a page is: 36 dpi, one pixel per 2 pt; a pixel darker than
# INK holds text, a rule, a chart or a table's shading.
FILL_DPI = 36
INK = 230
# Lines closer than this belong to one block of text (or one chart); a wider gap is empty page.
BLOCK_GAP = 24
# A body page that does not end a chapter is at least this full; a page of figures alone, more.
LEAST_FILLED = 0.5
LEAST_FILLED_BY_FIGURES = 0.75


def filled_share(image: Path) -> float:
    """How much of the text block's height holds something (text, rules, charts, shading)."""
    with Image.open(image) as page:
        pixels = np.asarray(page.convert("L"))
    margin = round(BLOCK_MARGIN * FILL_DPI / 72)
    rows = (pixels[margin:-margin] < INK).any(axis=1)
    gap = BLOCK_GAP * FILL_DPI / 72
    filled, start, end = 0, None, None
    for row in np.flatnonzero(rows):
        if end is not None and row - end <= gap:
            end = row
            continue
        if end is not None:
            filled += end - start + 1
        start = end = row
    if end is not None:
        filled += end - start + 1
    return filled / len(rows)


def margin_text(chars: list[dict], inside) -> str:
    """The text of the characters in one margin, left to right, without spaces."""
    return "".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"]) if inside(c))


@pytest.fixture(scope="module")
def page_layout(pdf_path, pdf_chars, tmp_path_factory) -> list[dict]:
    """Per page: its label, running head, foot, how full it is and how much body text it holds."""
    folder = tmp_path_factory.mktemp("pages")
    subprocess.run(
        ["pdftoppm", "-r", str(FILL_DPI), "-gray", str(pdf_path), str(folder / "page")], check=True
    )
    images = sorted(folder.glob("page-*.pgm"))
    labels = PdfReader(str(pdf_path)).page_labels
    assert len(images) == len(pdf_chars) == len(labels)
    return [
        {
            "label": label,
            "head": margin_text(chars, lambda c: c["bottom"] < HEAD_ZONE),
            "foot": margin_text(chars, lambda c: c["top"] > c["height"] - HEAD_ZONE),
            "filled": filled_share(image),
            "body_text": sum(BODY_FONT.replace(" ", "") in c["fontname"] for c in chars),
        }
        for label, chars, image in zip(labels, pdf_chars, images, strict=True)
    ]


@pytest.fixture(scope="module")
def chapter_starts(pdf_path) -> dict[int, str]:
    """The page index each chapter (and the executive summary) opens on, with its title."""
    reader = PdfReader(str(pdf_path))
    return {
        reader.get_destination_page_number(item): item.title
        for item in reader.outline
        if not isinstance(item, list)
    }


def chapter_of_each_page(chapter_starts, count: int) -> list[str | None]:
    """The chapter each page belongs to; None before the executive summary (cover, contents)."""
    current, found = None, []
    for index in range(count):
        current = chapter_starts.get(index, current)
        found.append(current)
    return found


def test_running_heads_name_the_chapter_and_the_report(page_layout, chapter_starts):
    chapters = chapter_of_each_page(chapter_starts, len(page_layout))
    cover = page_layout[0]
    assert squeeze(SHORT_TITLE) not in cover["head"] and not cover["foot"], "cover has a head"
    for index, (page, chapter) in enumerate(zip(page_layout, chapters, strict=True)):
        if index == 0:
            continue
        where = f"page {index + 1} ({page['label']})"
        assert page["foot"] == page["label"], f"{where}: foot reads {page['foot']!r}"
        if chapter is None or index in chapter_starts:
            # Front matter and chapter openings carry the page number only.
            assert not page["head"], f"{where}: a running head on an opening page: {page['head']}"
        else:
            assert squeeze(page["head"]) == squeeze(chapter + SHORT_TITLE), (
                f"{where}: running head {page['head']!r}, expected {chapter!r} and the short title"
            )


def test_no_page_is_left_near_empty_by_a_float(page_layout, chapter_starts):
    """A body page is full unless it ends a chapter; figures alone on a page fill most of it."""
    ends = {start - 1 for start in chapter_starts} | {len(page_layout) - 1}
    sparse = []
    for index in range(min(chapter_starts), len(page_layout)):
        page = page_layout[index]
        # Body text sets in the body font; chart text, captions and heads in the sans.
        least = LEAST_FILLED_BY_FIGURES if page["body_text"] < 40 else LEAST_FILLED
        if index not in ends and page["filled"] < least:
            sparse.append(f"page {index + 1} ({page['label']}): {page['filled']:.0%} filled")
    assert not sparse, "pages left near-empty: " + "; ".join(sparse)


def test_cover_and_briefs_give_the_one_online_address(pdf_path, pdf_text, brief_paths):
    cover = PdfReader(str(pdf_path)).pages[0].extract_text()
    assert squeeze(ONLINE_URL) in squeeze(cover), "the cover does not give the online address"
    text = squeeze(pdf_text)
    cite = text[text.index("Howtocite") :][:400]
    assert squeeze(ONLINE_URL) in cite, "How to cite does not give the online address"
    for path in brief_paths.values():
        text = "".join(page.extract_text() for page in PdfReader(str(path)).pages)
        assert squeeze(ONLINE_URL) in squeeze(text), f"{path.name}: no online address"


def test_the_online_address_is_set_once():
    """html.baseurl is the one address; CITATION.cff states the same, and no other is set."""
    root = Path(__file__).resolve().parents[1]
    citation = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["url"] == ONLINE_URL
    addresses = set(re.findall(r"https?://[^\s\"'<>]+", (root / "_config.yml").read_text("utf-8")))
    others = {a for a in addresses if a != ONLINE_URL and "creativecommons.org" not in a}
    assert not others, f"a second online address in _config.yml: {others}"


@pytest.fixture(scope="module")
def brief_layouts(brief_paths, tmp_path_factory) -> dict[str, list[dict]]:
    """Each brief's pages: running head, foot and how full each is."""
    layouts = {}
    for code, path in brief_paths.items():
        folder = tmp_path_factory.mktemp(code)
        subprocess.run(
            ["pdftoppm", "-r", str(FILL_DPI), "-gray", str(path), str(folder / "page")], check=True
        )
        images = sorted(folder.glob("page-*.pgm"))
        layouts[code] = [
            {
                "head": margin_text(chars, lambda c: c["bottom"] < HEAD_ZONE),
                "foot": margin_text(chars, lambda c: c["top"] > c["height"] - HEAD_ZONE),
                "filled": filled_share(image),
            }
            for chars, image in zip(chars_by_page(path), images, strict=True)
        ]
    return layouts


def test_briefs_have_running_heads_after_their_first_page(brief_layouts, ds):
    for code, pages in brief_layouts.items():
        head = squeeze(f"Partner brief: {ds.vocabulary.partners[code]}{SHORT_TITLE}")
        assert squeeze(pages[0]["head"]) != head, f"{code}: a running head over the cover band"
        for number, page in enumerate(pages, start=1):
            assert page["foot"] == str(number), f"{code} p. {number}: foot {page['foot']!r}"
            if number > 1:
                assert squeeze(page["head"]) == head, f"{code} p. {number}: head {page['head']!r}"


def test_briefs_leave_no_page_near_empty(brief_layouts):
    """Every page of a brief but its last is at least half full: charts float, text runs on."""
    for code, pages in brief_layouts.items():
        for number, page in enumerate(pages[:-1], start=1):
            assert page["filled"] >= LEAST_FILLED, f"{code} p. {number}: {page['filled']:.0%} full"
