"""Load the agreements dataset from data/, validate it, and return tidy tables."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from frictionless import Resource, Schema

from indopacific_st import bibliography
from indopacific_st.validation import (
    CRITERION_1_TYPES,
    PERIOD_START,
    Context,
    DataError,
    Problem,
    Vocabulary,
    check_bytes,
    check_rules,
    frictionless_problems,
    header_problems,
    parse_date,
)

DATA_DIR = "data"
DESCRIPTOR = "datapackage.json"
BIBLIOGRAPHY = "references.bib"
CHAPTERS = "chapters"
# Validated datasets, so that `make check` and the notebooks of a build validate the data once.
CACHE_DIR = Path("_build") / "dataset-cache"
PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Dataset:
    """The validated dataset: one table per CSV file, plus its metadata."""

    agreements: pd.DataFrame
    institutions: pd.DataFrame
    events: pd.DataFrame
    review: pd.DataFrame
    inclusion: pd.DataFrame
    screened: pd.DataFrame
    vocabulary: Vocabulary
    source_kinds: dict[str, str]
    descriptor: dict
    title: str
    version: str
    updated: dt.date
    root: Path

    @property
    def citation(self) -> str:
        """How a chart's source note names the dataset."""
        return f"{self.title}, version {self.version} ({self.updated:%d %B %Y})"


def find_root(start: Path | None = None) -> Path:
    """The project folder: the nearest folder at or above `start` that holds data/datapackage.json."""
    if "INDOPACIFIC_ST_ROOT" in os.environ:
        return Path(os.environ["INDOPACIFIC_ST_ROOT"]).resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DATA_DIR / DESCRIPTOR).exists():
            return folder
    # The package is installed editable from src/, two levels below the project.
    return Path(__file__).resolve().parents[2]


def categories_of(schema: Schema, name: str) -> dict[str, str]:
    field = schema.get_field(name).to_descriptor()
    return {c["value"]: c["label"] for c in field["categories"]}


def read_resource(
    entry: dict, schema: Schema, data_dir: Path
) -> tuple[list[dict] | None, list[Problem]]:
    """Typed rows of one resource, each with its spreadsheet row number (None when the file
    cannot be read at all), and the problems found."""
    path = data_dir / entry["path"]
    label = f"{DATA_DIR}/{entry['path']}"
    problems = check_bytes(path, label) or header_problems(
        path, label, [field.name for field in schema.fields]
    )
    if problems:
        return None, problems
    resource = Resource(path=entry["path"], basepath=str(data_dir), schema=schema)
    problems = frictionless_problems(resource, label)
    rows = []
    with Resource(path=entry["path"], basepath=str(data_dir), schema=schema) as typed:
        for row in typed.row_stream:
            rows.append({**row.to_dict(), "_row": row.row_number, "_valid": row.valid})
    return rows, problems


def clean_list(value: list[str] | None) -> list[str]:
    return [item.strip() for item in (value or []) if item and item.strip()]


def load(root: Path | str | None = None, today: dt.date | None = None) -> Dataset:
    """Read and validate every data file; raise DataError listing every problem found.

    A dataset that passed is kept in _build/dataset-cache/, keyed on the bytes of the data, the
    bibliography, the chapters (the bibliography check reads their citations) and this package and
    on the date, and read from there while none of them changes.
    """
    root = Path(root).resolve() if root else find_root()
    today = today or dt.date.today()
    cached = root / CACHE_DIR / f"{cache_key(root, today)}.pickle"
    try:
        return pickle.loads(cached.read_bytes())
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        pass
    ds = validate(root, today)
    cached.parent.mkdir(parents=True, exist_ok=True)
    for old in cached.parent.glob("*.pickle"):
        old.unlink(missing_ok=True)
    # Written whole, then renamed: notebooks executing in parallel never read half a file.
    partial = cached.with_suffix(f".{os.getpid()}.tmp")
    partial.write_bytes(pickle.dumps(ds, protocol=pickle.HIGHEST_PROTOCOL))
    partial.replace(cached)
    return ds


def cache_key(root: Path, today: dt.date) -> str:
    """A digest of everything a validated dataset depends on."""
    digest = hashlib.sha256(f"{root}|{today}|{pd.__version__}".encode())
    files = sorted((root / DATA_DIR).glob("*")) + [root / BIBLIOGRAPHY]
    files += sorted((root / CHAPTERS).glob("*")) + sorted(PACKAGE_DIR.glob("*.py"))
    for path in files:
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:32]


def validate(root: Path, today: dt.date) -> Dataset:
    """Read and validate every data file, with no cache."""
    data_dir = root / DATA_DIR
    descriptor_path = data_dir / DESCRIPTOR
    try:
        descriptor = json.loads(descriptor_path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise DataError(
            [Problem(f"{DATA_DIR}/{DESCRIPTOR}", None, None, "the file is missing.")]
        ) from error
    except json.JSONDecodeError as error:
        raise DataError(
            [
                Problem(
                    f"{DATA_DIR}/{DESCRIPTOR}", error.lineno, None, f"not valid JSON: {error.msg}."
                )
            ]
        ) from error

    problems: list[Problem] = []
    tables: dict[str, list[dict] | None] = {}
    schemas: dict[str, Schema] = {}
    for entry in descriptor["resources"]:
        schemas[entry["name"]] = Schema.from_descriptor(entry["schema"])
        tables[entry["name"]], found = read_resource(entry, schemas[entry["name"]], data_dir)
        problems += found

    agreements_schema = schemas["agreements"]
    vocabulary = Vocabulary(
        partners=categories_of(agreements_schema, "partners"),
        types=categories_of(agreements_schema, "type"),
        domains=categories_of(agreements_schema, "domains"),
        categories=categories_of(schemas["institutions"], "category"),
        findings=categories_of(schemas["seed-review"], "finding"),
        review_fields=categories_of(schemas["seed-review"], "field"),
        rules=categories_of(schemas["seed-review"], "rule"),
        event_kinds=categories_of(schemas["events"], "kind"),
        verdicts=categories_of(schemas["screened"], "verdict"),
        criteria={str(k): v for k, v in categories_of(schemas["inclusion"], "criterion").items()},
    )
    entries, bib_problems = bibliography.entries(root / BIBLIOGRAPHY)
    problems += bib_problems

    if all(rows is not None for rows in tables.values()):
        # Cross-file checks on a file that could not be read would only repeat its problem.
        context = Context(
            tables, vocabulary, entries, bibliography.chapter_citations(root / CHAPTERS), today
        )
        problems += check_rules(context)
    if problems:
        raise DataError(problems)

    return Dataset(
        agreements=agreements_frame(tables["agreements"], vocabulary),
        institutions=frame(tables["institutions"]),
        events=events_frame(tables["events"]),
        review=frame(tables["seed-review"]),
        inclusion=frame(tables["inclusion"]),
        screened=screened_frame(tables["screened"]),
        vocabulary=vocabulary,
        source_kinds={key: fields.get("kind", "") for key, fields in (entries or {}).items()},
        descriptor=descriptor,
        title=descriptor.get("title", "dataset"),
        version=str(descriptor.get("version", "")),
        updated=dt.date.fromisoformat(descriptor["updated"]),
        root=root,
    )


LIST_COLUMNS = ("partners", "signatories", "domains", "sources", "failing_criterion")


def frame(rows: list[dict]) -> pd.DataFrame:
    """A validated file as a table, with its list cells cleaned of stray blanks."""
    table = pd.DataFrame(rows).drop(columns=["_row", "_valid"], errors="ignore")
    for column in table.columns.intersection(LIST_COLUMNS):
        table[column] = table[column].map(clean_list)
    return table


def agreements_frame(rows: list[dict], vocabulary: Vocabulary) -> pd.DataFrame:
    table = frame(rows)
    parsed = table["announced"].map(parse_date)
    table["announced_date"] = pd.to_datetime(parsed.map(lambda p: p[0]))
    table["precision"] = parsed.map(lambda p: p[1])
    table["year"] = table["announced_date"].dt.year
    table["in_period"] = table["announced_date"] >= pd.Timestamp(PERIOD_START)
    table["type_label"] = table["type"].map(vocabulary.types)
    short = table["short_name"].fillna("").str.strip()
    table["label"] = short.where(short.ne(""), table["name"])
    published = table["type_published"].fillna("").str.strip().str.lower()
    table["type_outside_criterion_1"] = published.ne("") & ~published.isin(CRITERION_1_TYPES)
    table["sourced"] = table["sources"].map(bool)
    table["parent_id"] = table["parent_id"].fillna("")
    table["seed_row"] = table["seed_row"].astype("Int64")
    return table.sort_values(["announced_date", "id"]).reset_index(drop=True)


def events_frame(rows: list[dict]) -> pd.DataFrame:
    table = frame(rows)
    if table.empty:
        return pd.DataFrame(
            columns=[
                "agreement_id",
                "date",
                "event",
                "sources",
                "kind",
                "successor_id",
                "event_date",
                "precision",
            ]
        )
    parsed = table["date"].map(parse_date)
    table["event_date"] = pd.to_datetime(parsed.map(lambda p: p[0]))
    table["precision"] = parsed.map(lambda p: p[1])
    table["successor_id"] = table["successor_id"].fillna("")
    return table.sort_values(["event_date", "agreement_id"]).reset_index(drop=True)


def screened_frame(rows: list[dict]) -> pd.DataFrame:
    table = frame(rows)
    parsed = table["announced"].map(parse_date)
    table["announced_date"] = pd.to_datetime(parsed.map(lambda p: p[0]))
    table["precision"] = parsed.map(lambda p: p[1])
    return table.sort_values(["announced_date", "id"]).reset_index(drop=True)
