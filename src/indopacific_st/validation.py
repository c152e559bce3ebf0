"""Check the data files and explain every problem in words a maintainer can act on."""

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
