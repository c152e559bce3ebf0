"""Check the data files and explain every problem in words a maintainer can act on.

What each part validates:
- check_bytes, header_problems, frictionless_problems: one CSV file of data/ at a time (encoding, header,
  cell types and required cells against data/datapackage.json).
- The rules in RULES (each a small function of a Context, returning Problems) check what needs more
  than one cell or file:
  data/institutions.csv: institution_countries, institution_categories.
  data/agreements.csv: agreement_lists, agreement_types, agreement_dates, agreement_signatories,
  agreement_parents, parent_cycles; against the seed table's published columns: silent_departures.
  data/events.csv: known_agreements (with seed_review.csv and inclusion.csv), event_dates,
  events_follow_announcement, event_kinds, event_successors.
  data/seed_review.csv: review_codes, findings_mean_what_they_say.
  data/inclusion.csv: inclusion_codes, inclusion_complete (with agreements.csv).
  data/screened.csv: screened_codes, screened_dates, screened_not_included (with agreements.csv).
  references.bib: source_keys (every 'sources' cell has an entry), entries_cited, source_addresses,
  source_kinds.
Every message names the file, the spreadsheet row (header = row 1) or bibliography entry, the column
or field, the value found and what is allowed.
"""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pycountry
from frictionless import Resource

# The seed's criterion #4: agreements announced after 1 January 2021.
PERIOD_START = dt.date(2021, 1, 1)
# Institutions sign for the United States or for one of the partners.
HOME_COUNTRY = "US"
# Criterion #1 names these types; anything else as published strains it.
CRITERION_1_TYPES = {
    "treaty",
    "dialogue",
    "partnership",
    "agreement",
    "initiative",
    "forum",
    "roundtable",
}
DATE_FORMATS = "YYYY-MM-DD, YYYY-MM or YYYY"


@dataclass(frozen=True)
class Problem:
    """One thing wrong in one cell (or row, or file) of the data."""

    file: str
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column '{self.column}'")
        return f"{', '.join(where)}: {self.message}"


class DataError(Exception):
    """The data files cannot be used; every problem found is listed."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = list(problems)
        count = len(self.problems)
        head = f"The data has {count} problem{'s' if count != 1 else ''}; nothing was built."
        lines = [head, *(f"  - {p}" for p in self.problems)]
        lines.append(
            "Row numbers count the header as row 1, as a spreadsheet does. "
            "The allowed values of every column are listed in data/datapackage.json."
        )
        super().__init__("\n".join(lines))


def quoted(value: object) -> str:
    """Show a cell value to a maintainer, visibly empty when it is."""
    text = "" if value is None else str(value)
    return f"'{text}'" if text else "an empty cell"


def allowed_list(values: Iterable[str]) -> str:
    return ", ".join(values)


# --- Reading one CSV file -------------------------------------------------------------------


def check_bytes(path: Path, label: str) -> list[Problem]:
    """Catch what a spreadsheet program can do to a file before a parser sees it."""
    if not path.exists():
        return [Problem(label, None, None, "the file is missing.")]
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        return [
            Problem(
                label,
                1,
                None,
                "the file starts with a byte-order mark (BOM). Save it as plain UTF-8 CSV "
                "without a BOM (LibreOffice: Save As > Text CSV, character set 'Unicode (UTF-8)').",
            )
        ]
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        bad = raw[error.start : error.start + 4]
        return [
            Problem(
                label,
                line,
                None,
                f"the bytes {bad!r} are not UTF-8 text. Save the file as UTF-8 CSV "
                "(the encoding must be UTF-8 so that names in every language survive).",
            )
        ]
    return []


def header_problems(path: Path, label: str, expected: list[str]) -> list[Problem]:
    """Compare the header row with the schema's columns and say exactly what differs."""
    with path.open(encoding="utf-8", newline="") as handle:
        found = next(csv.reader(handle), [])
    if found == expected:
        return []
    problems = []
    missing = [c for c in expected if c not in found]
    unexpected = [c for c in found if c not in expected]
    for column in missing:
        problems.append(Problem(label, 1, column, "this column is missing from the header."))
    for column in unexpected:
        hint = (
            f" (renamed from '{missing[0]}'?)" if len(missing) == 1 and len(unexpected) == 1 else ""
        )
        problems.append(
            Problem(label, 1, column or "(blank)", f"this column is not expected{hint}.")
        )
    if not problems:
        problems.append(Problem(label, 1, None, "the columns are in the wrong order."))
    order = ", ".join(expected)
    problems[-1] = Problem(
        problems[-1].file,
        1,
        problems[-1].column,
        f"{problems[-1].message} The columns must be, in this order: {order}.",
    )
    return problems


def frictionless_problems(resource: Resource, label: str) -> list[Problem]:
    """Cells, types and required values, checked against the Table Schema (the header is already
    known to be right: see header_problems)."""
    report = resource.validate()
    problems: list[Problem] = []
    expected = [field.name for field in resource.schema.fields]
    for task in report.tasks:
        for error in task.errors:
            kind = error.type
            row = getattr(error, "row_number", None)
            column = getattr(error, "field_name", None)
            cell = getattr(error, "cell", None)
            if kind == "extra-cell":
                problems.append(
                    Problem(
                        label,
                        row,
                        None,
                        f"the row has more cells than the {len(expected)} columns of the header "
                        "(a stray comma? put text containing commas in double quotes).",
                    )
                )
            elif kind == "missing-cell":
                problems.append(
                    Problem(
                        label,
                        row,
                        column,
                        f"the row ends before this column; every row needs all {len(expected)} "
                        "columns (leave a cell empty, but keep its comma).",
                    )
                )
            elif kind == "type-error":
                field = resource.schema.get_field(column)
                problems.append(
                    Problem(label, row, column, f"{quoted(cell)} is not {describe_type(field)}.")
                )
            elif kind == "constraint-error":
                field = resource.schema.get_field(column)
                problems.append(
                    Problem(label, row, column, constraint_message(field, cell, error.note))
                )
            elif kind in {"unique-error", "primary-key"}:
                if kind == "primary-key" and any(
                    p.row == row and p.message.startswith("the value") for p in problems
                ):
                    continue
                first = re.search(r"position (\d+)", error.note or "")
                where = f"row {first.group(1)} has it too" if first else error.note
                problems.append(
                    Problem(
                        label,
                        row,
                        column or expected[0],
                        f"the value {quoted(cell)} is used twice ({where}); "
                        "each identifier must be unique.",
                    )
                )
            elif kind == "blank-row":
                problems.append(Problem(label, row, None, "the row is blank; delete it."))
            else:
                problems.append(Problem(label, row, column, f"{error.title}: {error.note}"))
    return problems


def describe_type(field) -> str:
    if field.type == "integer":
        return "a whole number"
    if field.type == "boolean":
        return "'true' or 'false'"
    return f"a valid {field.type}"


def constraint_message(field, cell, note: str) -> str:
    constraints = field.constraints or {}
    if "required" in note:
        return f"this column must not be empty ({field.description or field.title})."
    if "pattern" in note:
        if field.name in {"announced", "date"}:
            return f"{quoted(cell)} is not a date written as {DATE_FORMATS}."
        return (
            f"{quoted(cell)} is not allowed: use lower-case letters, digits and hyphens only "
            f"({field.description})."
        )
    if "minimum" in note:
        return f"{quoted(cell)} must be at least {constraints.get('minimum')}."
    return f"{quoted(cell)} breaks the rule {note}."


# --- Checks that need more than one cell ----------------------------------------------------


def parse_date(text: str) -> tuple[dt.date, str]:
    """Turn YYYY-MM-DD, YYYY-MM or YYYY into the first day it covers and its precision."""
    parts = text.split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return dt.date(year, 1, 1), "year"
    month = int(parts[1])
    if not 1 <= month <= 12:
        raise ValueError(f"month {month:02d} does not exist")
    if len(parts) == 2:
        return dt.date(year, month, 1), "month"
    day = int(parts[2])
    last = calendar.monthrange(year, month)[1]
    if not 1 <= day <= last:
        raise ValueError(f"{calendar.month_name[month]} {year} has no day {day}")
    return dt.date(year, month, day), "day"


def date_problem(text: str, today: dt.date) -> str | None:
    try:
        value, _ = parse_date(text)
    except ValueError as error:
        return f"{quoted(text)} is not a real date ({error}); write it as {DATE_FORMATS}."
    if value > today:
        return f"{quoted(text)} is in the future; only announced agreements belong here."
    return None


def category_problem(field_name: str, value: str, categories: dict[str, str]) -> str:
    listed = allowed_list(f"{code} ({label})" for code, label in categories.items())
    return f"{quoted(value)} is not an allowed {field_name} code. Allowed: {listed}."


def country_problem(value: str, allowed: dict[str, str]) -> str | None:
    """Explain an unknown or out-of-scope ISO 3166 code, naming the country when it is real."""
    if value in allowed:
        return None
    country = pycountry.countries.get(alpha_2=value)
    listed = allowed_list(f"{code} ({name})" for code, name in allowed.items())
    if country is None:
        return f"{quoted(value)} is not an ISO 3166-1 alpha-2 country code. Allowed: {listed}."
    return (
        f"{quoted(value)} ({country.name}) is outside the report's scope (criterion #3). "
        f"Allowed: {listed}."
    )


def find_cycles(parents: dict[str, str]) -> list[list[str]]:
    """Every chain of parent links that returns to where it started."""
    cycles: list[list[str]] = []
    seen: set[str] = set()
    for start in parents:
        path: list[str] = []
        node = start
        while node in parents and node not in path and node not in seen:
            path.append(node)
            node = parents[node]
        if node in path:
            cycle = path[path.index(node) :]
            if not any(set(cycle) == set(c) for c in cycles):
                cycles.append(cycle)
        seen.update(path)
    return cycles


URL_PATTERN = re.compile(r"^https?://", re.IGNORECASE)

AGREEMENTS = "data/agreements.csv"
INSTITUTIONS = "data/institutions.csv"
EVENTS = "data/events.csv"
REVIEW = "data/seed_review.csv"
INCLUSION = "data/inclusion.csv"
SCREENED = "data/screened.csv"
# Files whose 'sources' cells cite references.bib: (resource name, file).
CITING_FILES = (
    ("agreements", AGREEMENTS),
    ("events", EVENTS),
    ("seed-review", REVIEW),
    ("inclusion", INCLUSION),
    ("screened", SCREENED),
)
# Event kinds that end an agreement's own record and name the agreement that took its place.
SUCCESSION_KINDS = {"renamed", "replaced"}
BIBLIOGRAPHY = "references.bib"
# What kind of page a bibliography entry is (its 'kind' field), in the order tables list them.
SOURCE_KINDS = {
    "official": "official",
    "repost": "repost of an official text",
    "news": "news or other report",
    "research": "research compilation",
}


@dataclass(frozen=True)
class Vocabulary:
    """Codes allowed in the data and their reader-facing labels, as data/datapackage.json defines them."""

    partners: dict[str, str]
    types: dict[str, str]
    domains: dict[str, str]
    categories: dict[str, str]
    findings: dict[str, str]
    review_fields: dict[str, str]
    rules: dict[str, str]
    event_kinds: dict[str, str]
    verdicts: dict[str, str]
    criteria: dict[str, str]  # the seed's five inclusion criteria, "1" to "5"


@dataclass(frozen=True)
class Context:
    """Everything the rules read: the typed rows of each file, the vocabulary and the bibliography."""

    tables: dict[str, list[dict]]
    vocabulary: Vocabulary
    bibliography: dict[str, dict[str, str]] | None  # key -> fields; None when unreadable
    chapter_citations: set[str]
    today: dt.date

    def rows(self, name: str) -> list[dict]:
        """The rows of one file that passed the single-file checks."""
        return [row for row in self.tables[name] if row["_valid"]]


def items(value) -> list[str]:
    return [item.strip() for item in (value or []) if item and item.strip()]


def text(value) -> str:
    return "" if value is None else str(value).strip()


# --- The seed table's published text, made comparable ---------------------------------------

# Damage the seed table took in scanning, repaired before its text is compared with a verified
# value. Kept short on purpose: anything else that differs needs a seed-review row.
SCANNING_DAMAGE = (
    (
        re.compile(r"\bU\.S\.?\s*-?\s*(?=[A-Z])"),
        "U.S.-",
    ),  # "U.SJapan", "U.S Singapore" -> "U.S.-Japan"
    (re.compile("Indglobalustry"), "Industry"),
    (re.compile("Novemeber"), "November"),
    (re.compile("Commerical"), "Commercial"),
)
MONTHS = "|".join(calendar.month_name[1:])
PUBLISHED_DATES = (  # the first date a seed cell gives, as ISO text with its precision
    (re.compile(rf"(\d{{1,2}}) ({MONTHS}),? (\d{{4}})"), ("day", "month", "year")),
    (re.compile(rf"({MONTHS}) (\d{{1,2}})(?:-\d{{1,2}})?, ?(\d{{4}})"), ("month", "day", "year")),
    (re.compile(rf"({MONTHS}),? (\d{{4}})"), ("month", "year")),
)


def repaired(published: str) -> str:
    """The seed's text with its scanning damage repaired and its spacing collapsed."""
    value = " ".join(text(published).split())
    for pattern, replacement in SCANNING_DAMAGE:
        value = pattern.sub(replacement, value)
    return value


def comparable_name(value: str) -> str:
    """A name as compared with the seed's: repaired, lower case, no quotation marks or leading 'the'."""
    value = re.sub(r"[\"'“”]", "", repaired(value)).casefold()
    return value.removeprefix("the ").strip()


def published_date(published: str) -> str | None:
    """The first date in a seed cell as YYYY-MM-DD or YYYY-MM, or None when it gives none."""
    value = repaired(published)
    found = [(m.start(), m, parts) for p, parts in PUBLISHED_DATES if (m := p.search(value))]
    if not found:
        return None
    _, match, parts = min(found, key=lambda f: f[0])
    got = dict(zip(parts, match.groups(), strict=True))
    month = list(calendar.month_name).index(got["month"])
    day = f"-{int(got['day']):02d}" if "day" in got else ""
    return f"{got['year']}-{month:02d}{day}"


def seed_signatories(published: str, institutions: list[dict]) -> set[str]:
    """The institutions whose seed names occur in the seed's 'Signed by' text."""
    value = comparable_name(published)
    return {
        row["id"]
        for row in institutions
        if any(comparable_name(name) in value for name in items(row.get("seed_names")))
    }


def seed_and_verified(ctx: Context, row: dict, field: str) -> tuple[str, str] | None:
    """The seed's value and the verified value of one field, comparable; None if not compared."""
    if field == "signatories":
        seed = seed_signatories(row["signatories_published"], ctx.rows("institutions"))
        return "; ".join(sorted(seed)), "; ".join(sorted(items(row["signatories"])))
    if field == "date":
        if date_problem(text(row["announced"]), ctx.today):
            return None  # agreement_dates reports it
        return published_date(row["announced_published"]) or "", text(row["announced"])
    column = {"name": "name", "type": "type", "parent": "parent"}.get(field)
    if column is None:
        return None
    return comparable_name(row[f"{column}_published"]), comparable_name(row[column])


COMPARED_FIELDS = ("name", "type", "date", "signatories", "parent")
FIELD_COLUMNS = {"date": "announced"}


# --- Rules ------------------------------------------------------------------------------------


def institution_countries(ctx: Context) -> list[Problem]:
    """institutions.csv: a country in scope, and an id that starts with its code."""
    countries = {HOME_COUNTRY: "United States", **ctx.vocabulary.partners}
    problems = []
    for row in ctx.rows("institutions"):
        message = country_problem(row["country"], countries)
        if message:
            problems.append(Problem(INSTITUTIONS, row["_row"], "country", message))
        elif row["id"].split("-")[0].upper() != row["country"]:
            problems.append(
                Problem(
                    INSTITUTIONS,
                    row["_row"],
                    "id",
                    f"{quoted(row['id'])} should start with the country code "
                    f"'{row['country'].lower()}-' of its country column.",
                )
            )
    return problems


def institution_categories(ctx: Context) -> list[Problem]:
    """institutions.csv: a ministry category from criterion #2."""
    allowed = ctx.vocabulary.categories
    return [
        Problem(
            INSTITUTIONS,
            row["_row"],
            "category",
            category_problem("ministry category", row["category"], allowed),
        )
        for row in ctx.rows("institutions")
        if row["category"] not in allowed
    ]


def agreement_lists(ctx: Context) -> list[Problem]:
    """agreements.csv: partners and domains, at least one each, known, none twice."""
    problems = []
    for row in ctx.rows("agreements"):
        for column, what in (("partners", "partner"), ("domains", "domain")):
            listed = items(row[column])
            if not listed:
                problems.append(
                    Problem(AGREEMENTS, row["_row"], column, f"list at least one {what}.")
                )
            for item in listed:
                if column == "partners":
                    message = country_problem(item, ctx.vocabulary.partners)
                elif item not in ctx.vocabulary.domains:
                    message = category_problem(what, item, ctx.vocabulary.domains)
                else:
                    message = None
                if message:
                    problems.append(Problem(AGREEMENTS, row["_row"], column, message))
            if len(listed) != len(set(listed)):
                problems.append(
                    Problem(
                        AGREEMENTS,
                        row["_row"],
                        column,
                        f"{quoted('; '.join(listed))} lists a {what} twice; list each once.",
                    )
                )
    return problems


def code_problems(
    ctx: Context, name: str, file: str, column: str, allowed: dict[str, str]
) -> list[Problem]:
    """One problem per row of a file whose code in `column` is not in `allowed`."""
    return [
        Problem(file, row["_row"], column, category_problem(column, row[column], allowed))
        for row in ctx.rows(name)
        if row[column] not in allowed
    ]


def agreement_types(ctx: Context) -> list[Problem]:
    """agreements.csv: a type from criterion #1."""
    return code_problems(ctx, "agreements", AGREEMENTS, "type", ctx.vocabulary.types)


def agreement_dates(ctx: Context) -> list[Problem]:
    """agreements.csv: a real, past date, after 1 January 2021 unless a scope exception says why."""
    problems = []
    for row in ctx.rows("agreements"):
        message = date_problem(row["announced"], ctx.today)
        if not message and parse_date(row["announced"])[0] < PERIOD_START:
            if not text(row.get("scope_exception")):
                message = (
                    f"{quoted(row['announced'])} is before 1 January 2021, outside the report's "
                    "period (criterion #4). Correct the date, or explain in 'scope_exception' why "
                    "the agreement is kept."
                )
        if message:
            problems.append(Problem(AGREEMENTS, row["_row"], "announced", message))
    return problems


def agreement_signatories(ctx: Context) -> list[Problem]:
    """agreements.csv: signatories are institutions, and one belongs to a listed partner."""
    institutions = {row["id"]: row for row in ctx.rows("institutions")}
    problems = []
    for row in ctx.rows("agreements"):
        signatories = items(row["signatories"])
        unknown = [i for i in signatories if i not in institutions]
        if not signatories:
            problems.append(
                Problem(AGREEMENTS, row["_row"], "signatories", "list at least one institution.")
            )
        for item in unknown:
            problems.append(
                Problem(
                    AGREEMENTS,
                    row["_row"],
                    "signatories",
                    f"{quoted(item)} is not an id in {INSTITUTIONS}; add the institution "
                    "there first, or use one of its ids.",
                )
            )
        sides = {institutions[i]["country"] for i in signatories if i in institutions}
        if signatories and not unknown and not sides & set(items(row["partners"])):
            problems.append(
                Problem(
                    AGREEMENTS,
                    row["_row"],
                    "signatories",
                    f"{quoted('; '.join(signatories))}: no signatory belongs to a partner listed in "
                    f"'partners' ({'; '.join(items(row['partners']))}).",
                )
            )
    return problems


def agreement_parents(ctx: Context) -> list[Problem]:
    """agreements.csv: a parent_id is another agreement of the file."""
    ids = {row["id"] for row in ctx.tables["agreements"] if row.get("id")}
    problems = []
    for row in ctx.rows("agreements"):
        parent_id = text(row.get("parent_id"))
        if parent_id == row["id"]:
            message = f"{quoted(parent_id)}: an agreement cannot be its own parent."
        elif parent_id and parent_id not in ids:
            message = (
                f"{quoted(parent_id)} is not an id in {AGREEMENTS}; leave it empty "
                "when the parent is not in the dataset."
            )
        else:
            continue
        problems.append(Problem(AGREEMENTS, row["_row"], "parent_id", message))
    return problems


def parent_cycles(ctx: Context) -> list[Problem]:
    """agreements.csv: parent links never lead back to where they started."""
    rows = ctx.rows("agreements")
    parents = {r["id"]: text(r.get("parent_id")) for r in rows if text(r.get("parent_id"))}
    lines = {r["id"]: r["_row"] for r in rows}
    return [
        Problem(
            AGREEMENTS,
            lines[cycle[0]],
            "parent_id",
            f"the parent links go round in a circle ({' -> '.join([*cycle, cycle[0]])}); "
            "an agreement cannot descend from itself.",
        )
        for cycle in find_cycles({k: v for k, v in parents.items() if k != v})
    ]


def known_agreements(ctx: Context) -> list[Problem]:
    """events.csv, seed_review.csv and inclusion.csv: each row names an agreement of agreements.csv."""
    ids = {row["id"] for row in ctx.tables["agreements"] if row.get("id")}
    return [
        Problem(
            file,
            row["_row"],
            "agreement_id",
            f"{quoted(row['agreement_id'])} is not an id in {AGREEMENTS}.",
        )
        for name, file in (("events", EVENTS), ("seed-review", REVIEW), ("inclusion", INCLUSION))
        for row in ctx.rows(name)
        if row["agreement_id"] not in ids
    ]


def dates_in(ctx: Context, name: str, file: str, column: str) -> list[Problem]:
    """One problem per row of a file whose date in `column` is not real or lies in the future."""
    return [
        Problem(file, row["_row"], column, message)
        for row in ctx.rows(name)
        if (message := date_problem(row[column], ctx.today))
    ]


def event_dates(ctx: Context) -> list[Problem]:
    """events.csv: a real date, not in the future."""
    return dates_in(ctx, "events", EVENTS, "date")


def events_follow_announcement(ctx: Context) -> list[Problem]:
    """events.csv: no event is dated before its agreement was announced."""
    announced = {}
    for row in ctx.rows("agreements"):
        if not date_problem(row["announced"], ctx.today):
            announced[row["id"]] = row["announced"]
    problems = []
    for row in ctx.rows("events"):
        start = announced.get(row["agreement_id"])
        if start is None or date_problem(row["date"], ctx.today):
            continue
        if parse_date(row["date"])[0] < parse_date(start)[0]:
            problems.append(
                Problem(
                    EVENTS,
                    row["_row"],
                    "date",
                    f"{quoted(row['date'])} is before {row['agreement_id']} was announced "
                    f"({start} in {AGREEMENTS}); an event must date from the announcement or later. "
                    "If the agreement began earlier, correct its 'announced' date.",
                )
            )
    return problems


def event_kinds(ctx: Context) -> list[Problem]:
    """events.csv: a kind from the vocabulary."""
    return code_problems(ctx, "events", EVENTS, "kind", ctx.vocabulary.event_kinds)


def successor_problem(row: dict, announced: dict[str, str], today: dt.date) -> str | None:
    """Why an event's successor_id does not fit its kind, or None when it fits."""
    successor = text(row.get("successor_id"))
    kinds = " or ".join(f"'{kind}'" for kind in sorted(SUCCESSION_KINDS))
    if row["kind"] not in SUCCESSION_KINDS:
        if successor:
            return f"{quoted(successor)} is allowed only with kind {kinds}; leave it empty."
        return None
    if not successor:
        return (
            f"kind {quoted(row['kind'])} needs the id in {AGREEMENTS} of the agreement that took "
            "its place."
        )
    if successor == row["agreement_id"]:
        return f"{quoted(successor)}: an agreement cannot succeed itself."
    if successor not in announced:
        return f"{quoted(successor)} is not an id in {AGREEMENTS}; add the successor there first."
    start = announced[successor]
    if date_problem(row["date"], today) or date_problem(start, today):
        return None  # event_dates and agreement_dates report it
    if parse_date(row["date"])[0] < parse_date(start)[0]:
        return (
            f"{quoted(successor)} was announced on {start}, after this event "
            f"({row['date']}); a successor must be announced on or before the event's date."
        )
    return None


def event_successors(ctx: Context) -> list[Problem]:
    """events.csv: a successor_id exactly for renamed or replaced, an agreement announced by then."""
    announced = {row["id"]: row["announced"] for row in ctx.rows("agreements")}
    problems = []
    for row in ctx.rows("events"):
        message = successor_problem(row, announced, ctx.today)
        if message:
            problems.append(Problem(EVENTS, row["_row"], "successor_id", message))
    return problems


def inclusion_codes(ctx: Context) -> list[Problem]:
    """inclusion.csv: a criterion from 1 to 5, for an added agreement (seed rows have none)."""
    seed_rows = {row["id"]: row.get("seed_row") for row in ctx.rows("agreements")}
    problems = []
    for row in ctx.rows("inclusion"):
        if str(row["criterion"]) not in ctx.vocabulary.criteria:
            message = category_problem("criterion", row["criterion"], ctx.vocabulary.criteria)
            problems.append(Problem(INCLUSION, row["_row"], "criterion", message))
        if seed_rows.get(row["agreement_id"]) is not None:
            problems.append(
                Problem(
                    INCLUSION,
                    row["_row"],
                    "agreement_id",
                    f"{quoted(row['agreement_id'])} is a seed-table agreement (seed_row "
                    f"{seed_rows[row['agreement_id']]} in {AGREEMENTS}); only added agreements "
                    "(seed_row empty) have inclusion rows. Delete this row.",
                )
            )
    return problems


def inclusion_complete(ctx: Context) -> list[Problem]:
    """agreements.csv with inclusion.csv: an added agreement has a row for each of the five criteria."""
    given: dict[str, list[str]] = {}
    for row in ctx.rows("inclusion"):
        given.setdefault(row["agreement_id"], []).append(str(row["criterion"]))
    problems = []
    for row in ctx.rows("agreements"):
        if row.get("seed_row") is not None:
            continue
        missing = [c for c in ctx.vocabulary.criteria if c not in given.get(row["id"], [])]
        if missing:
            problems.append(
                Problem(
                    AGREEMENTS,
                    row["_row"],
                    "seed_row",
                    f"{row['id']} is an added agreement (seed_row empty), but {INCLUSION} has no "
                    f"row for criterion {', '.join(missing)}. Add one row per criterion (1 to 5) "
                    "saying how it meets it.",
                )
            )
    return problems


def screened_codes(ctx: Context) -> list[Problem]:
    """screened.csv: partners, verdict and criteria at issue from the vocabulary."""
    vocabulary = ctx.vocabulary
    problems = code_problems(ctx, "screened", SCREENED, "verdict", vocabulary.verdicts)
    for row in ctx.rows("screened"):
        for partner in items(row["partners"]):
            if message := country_problem(partner, vocabulary.partners):
                problems.append(Problem(SCREENED, row["_row"], "partners", message))
        for criterion in items(row["failing_criterion"]):
            if criterion not in vocabulary.criteria:
                message = category_problem("criterion", criterion, vocabulary.criteria)
                problems.append(Problem(SCREENED, row["_row"], "failing_criterion", message))
    return problems


def screened_dates(ctx: Context) -> list[Problem]:
    """screened.csv: a real date, not in the future (any year: criterion #4 may be why it failed)."""
    return dates_in(ctx, "screened", SCREENED, "announced")


def screened_not_included(ctx: Context) -> list[Problem]:
    """screened.csv: no candidate has the id or name of an agreement in agreements.csv."""
    ids = {row["id"] for row in ctx.rows("agreements")}
    names = {comparable_name(row["name"]): row["id"] for row in ctx.rows("agreements")}
    problems = []
    for row in ctx.rows("screened"):
        if row["id"] in ids:
            problems.append(
                Problem(
                    SCREENED,
                    row["_row"],
                    "id",
                    f"{quoted(row['id'])} is an agreement in {AGREEMENTS}; a candidate is either "
                    "added or screened out, not both. Delete one of the two rows.",
                )
            )
        elif (name := comparable_name(row["name"])) in names:
            problems.append(
                Problem(
                    SCREENED,
                    row["_row"],
                    "name",
                    f"{quoted(row['name'])} is the name of {names[name]} in {AGREEMENTS}; a "
                    "candidate is either added or screened out, not both. Delete one of the two rows.",
                )
            )
    return problems


def review_codes(ctx: Context) -> list[Problem]:
    """seed_review.csv: field, finding and rule codes from the vocabulary; a rule only for 'rule'."""
    problems = []
    vocabulary = ctx.vocabulary
    for row in ctx.rows("seed-review"):
        for column, allowed in (
            ("field", vocabulary.review_fields),
            ("finding", vocabulary.findings),
        ):
            if row[column] not in allowed:
                problems.append(
                    Problem(
                        REVIEW, row["_row"], column, category_problem(column, row[column], allowed)
                    )
                )
        rule = text(row.get("rule"))
        if row["finding"] == "rule" and rule not in vocabulary.rules:
            problems.append(
                Problem(
                    REVIEW, row["_row"], "rule", category_problem("rule", rule, vocabulary.rules)
                )
            )
        elif row["finding"] != "rule" and rule:
            problems.append(
                Problem(
                    REVIEW,
                    row["_row"],
                    "rule",
                    f"{quoted(rule)} is allowed only with finding 'rule'; "
                    f"leave it empty for finding {quoted(row['finding'])}.",
                )
            )
    return problems


def silent_departures(ctx: Context) -> list[Problem]:
    """agreements.csv: a verified value that differs from the seed's has a seed-review row."""
    reviewed = {(r["agreement_id"], r["field"]) for r in ctx.rows("seed-review")}
    problems = []
    for row in ctx.rows("agreements"):
        if row.get("seed_row") is None:
            continue
        for field in COMPARED_FIELDS:
            seed, verified = seed_and_verified(ctx, row, field) or ("", "")
            if seed == verified or (row["id"], field) in reviewed:
                continue
            column = FIELD_COLUMNS.get(field, field)
            if field in {"name", "type", "parent"}:  # show the cells, not their compared forms
                seed, verified = repaired(row[f"{field}_published"]), text(row[field])
            problems.append(
                Problem(
                    AGREEMENTS,
                    row["_row"],
                    column,
                    f"{quoted(verified)} departs from the seed's {quoted(seed)} (read from "
                    f"'{column}_published' after repairing scanning damage) with no row for "
                    f"({row['id']}, {field}) in {REVIEW}. Add that row (finding correction, "
                    "precision, disagreement or rule), or restore the seed's value.",
                )
            )
    return problems


def finding_problem(finding: str, field: str, seed: str, verified: str) -> str | None:
    """Why a finding does not fit the two values it describes, or None when it fits."""
    if finding == "disagreement" and seed != verified:
        return "a disagreement keeps the seed's value"
    if finding in {"correction", "precision", "rule"} and seed == verified:
        return f"a {finding} changes the seed's value"
    if finding == "precision" and not (
        field == "date" and seed and verified.startswith(seed) and verified != seed
    ):
        return "added precision makes the seed's date finer (its month made a day, say)"
    return None


def findings_mean_what_they_say(ctx: Context) -> list[Problem]:
    """seed_review.csv: a correction changes the value, a disagreement keeps it, precision refines it."""
    agreements = {row["id"]: row for row in ctx.rows("agreements")}
    problems = []
    for review in ctx.rows("seed-review"):
        row = agreements.get(review["agreement_id"])
        compared = row and review["field"] in COMPARED_FIELDS
        values = seed_and_verified(ctx, row, review["field"]) if compared else None
        compared = values is not None
        seed, verified = values or ("", "")
        reason = (
            finding_problem(review["finding"], review["field"], seed, verified)
            if compared
            else None
        )
        if review["finding"] == "precision" and not compared:
            reason = "added precision applies only to dates"
        if reason:
            problems.append(
                Problem(
                    REVIEW,
                    review["_row"],
                    "finding",
                    f"{quoted(review['finding'])} does not fit: {reason}, but the seed's "
                    f"{review['field']} is {quoted(seed)} and the verified one {quoted(verified)}. "
                    "Use correction for a changed value, precision for a finer date, disagreement "
                    "for a kept one, rule for a value written by a named rule.",
                )
            )
    return problems


def source_keys(ctx: Context) -> list[Problem]:
    """Every file's 'sources' cells: each key has an entry in references.bib."""
    if ctx.bibliography is None:
        return []
    return [
        Problem(
            file,
            row["_row"],
            "sources",
            f"{quoted(key)} has no entry in {BIBLIOGRAPHY}; add the entry there first.",
        )
        for name, file in CITING_FILES
        for row in ctx.rows(name)
        for key in items(row.get("sources"))
        if key not in ctx.bibliography
    ]


def entries_cited(ctx: Context) -> list[Problem]:
    """references.bib: every entry is cited by a chapter or by a 'sources' cell of the data."""
    if ctx.bibliography is None:
        return []
    cited = set(ctx.chapter_citations)
    for name, _ in CITING_FILES:
        cited.update(key for row in ctx.rows(name) for key in items(row.get("sources")))
    return [
        Problem(
            BIBLIOGRAPHY,
            None,
            None,
            f"entry '{key}' is cited nowhere: no {{cite:p}} or {{cite:t}} in chapters/ and no "
            "'sources' cell in data/ names it. Cite it, or delete the entry.",
        )
        for key in ctx.bibliography
        if key not in cited
    ]


TRACKING = re.compile(r"[?&](utm_[a-z]+|ref|cid|fbclid|gclid)=", re.IGNORECASE)
NOT_CANONICAL = re.compile(
    r"^https?://(stg\.|staging\.|m\.|mobile\.|amp\.)|/amp(/|\?|$)", re.IGNORECASE
)


def address_problem(url: str) -> str | None:
    """Why a source address is not a clean, canonical https address, or None."""
    if not url.lower().startswith("https://"):
        return "is not https; use the https:// address of the page"
    if match := TRACKING.search(url):
        return f"carries the tracking parameter '{match.group(1)}='; remove it"
    if match := NOT_CANONICAL.search(url):
        return (
            f"is a staging, mobile or AMP page ('{match.group(0).strip('/?')}'); "
            "use the page's published desktop address"
        )
    return None


def source_addresses(ctx: Context) -> list[Problem]:
    """references.bib: https addresses with no tracking parameters, staging hosts, AMP or mobile pages."""
    problems = []
    for key, fields in (ctx.bibliography or {}).items():
        url = fields.get("url", "")
        message = address_problem(url) if URL_PATTERN.match(url) else None
        if message:
            problems.append(
                Problem(BIBLIOGRAPHY, None, None, f"entry '{key}', field 'url': '{url}' {message}.")
            )
    return problems


def source_kinds(ctx: Context) -> list[Problem]:
    """references.bib: each entry records what kind of page it is."""
    listed = allowed_list(f"{code} ({label})" for code, label in SOURCE_KINDS.items())
    return [
        Problem(
            BIBLIOGRAPHY,
            None,
            None,
            f"entry '{key}', field 'kind': {quoted(fields.get('kind'))} is not an allowed kind. "
            f"Allowed: {listed}.",
        )
        for key, fields in (ctx.bibliography or {}).items()
        if fields.get("kind") not in SOURCE_KINDS
    ]


RULES = (
    institution_countries,
    institution_categories,
    agreement_lists,
    agreement_types,
    agreement_dates,
    agreement_signatories,
    agreement_parents,
    parent_cycles,
    known_agreements,
    event_dates,
    events_follow_announcement,
    event_kinds,
    event_successors,
    review_codes,
    silent_departures,
    findings_mean_what_they_say,
    inclusion_codes,
    inclusion_complete,
    screened_codes,
    screened_dates,
    screened_not_included,
    source_keys,
    entries_cited,
    source_addresses,
    source_kinds,
)


def check_rules(ctx: Context) -> list[Problem]:
    """Every rule's problems, in the order of RULES."""
    return [problem for rule in RULES for problem in rule(ctx)]
