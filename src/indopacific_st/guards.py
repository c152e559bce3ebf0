"""Guards: what a paragraph of prose assumes about the data, checked on every build.

A chapter places a guard just before a paragraph that discusses particular agreements:

    ```{guard}
    agreements AU = au-quantum
    au-quantum.signatories = us-ostp; au-disr
    ```

Each line is a condition: a measure of the data, and the value the paragraph was written against.
When the data changes so that a measure gives another value, the paragraph is stale: `make check`
lists it and fails, `make book` lists it and still builds, and the page shows a notice at that
paragraph. Once the prose is revised, `make reviewed` records the values it now matches.

Measures (values are lists joined with "; ", or "(none)"; sets of agreements are listed
alphabetically, a partner's agreements in order of announcement):
- `agreements P`: ids of the agreements partner P takes part in, in order of announcement;
- `events A`: dates of agreement A's later events; `review A`: its seed-review findings;
- `children A`: agreements whose parent is A; `signed-by I`: agreements institution I signs;
- `domain D`, `type T`, `category C`: agreements covering domain D, of type T, signed by a
  ministry of category C;
- `counts`: agreements per partner; `binding`: the legally binding agreements;
- `announced Y`: agreements announced in year (or month, YYYY-MM) Y; `latest`: the latest ones;
- `A.column`: one column of agreement A as data/agreements.csv holds it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from indopacific_st import views
from indopacific_st.dataset import Dataset

NONE = "(none)"
MISSING = "(not in the dataset)"
CHAPTERS = "chapters"
# A guard block in MyST: ```{guard} ... ``` (or with colons), one condition a line.
BLOCK = re.compile(
    r"^(?P<fence>`{3,}|:{3,})\{guard\}[ \t]*\n(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.MULTILINE | re.DOTALL,
)
CONDITION = re.compile(r"^\s*(?P<measure>[^=]+?)\s*=\s*(?P<value>.*?)\s*$")


class GuardError(ValueError):
    """A guard that cannot be read: an unknown measure or a malformed line."""


def joined(values) -> str:
    items = [str(v) for v in values]
    return "; ".join(items) if items else NONE


def listed(items: list[str], most: int = 8) -> str:
    """Items for a message: the first few, then how many more."""
    shown = "; ".join(f"'{item}'" for item in items[:most])
    return shown + (f" and {len(items) - most} more" if len(items) > most else "")


def shortened(value: str, most: int = 200) -> str:
    return value if len(value) <= most else value[:most] + "…"


def ids(frame: pd.DataFrame) -> str:
    """A set of agreements, in alphabetical order: a date correction elsewhere does not reorder it."""
    return joined(sorted(frame["id"]))


def agreements_of(ds: Dataset, partner: str) -> str:
    # In order of announcement: a paragraph that walks through a list may say what came first.
    return joined(views.for_partner(ds, partner)["id"])


def events_of(ds: Dataset, agreement: str) -> str:
    return joined(ds.events.loc[ds.events["agreement_id"] == agreement, "date"])


def review_of(ds: Dataset, agreement: str) -> str:
    rows = ds.review[ds.review["agreement_id"] == agreement]
    return joined(f"{r.field} {r.finding}" for r in rows.itertuples())


def children_of(ds: Dataset, agreement: str) -> str:
    return ids(ds.agreements[ds.agreements["parent_id"] == agreement])


def signed_by(ds: Dataset, institution: str) -> str:
    return ids(ds.agreements[ds.agreements["signatories"].map(lambda s: institution in s)])


def covering(ds: Dataset, domain: str) -> str:
    return ids(ds.agreements[ds.agreements["domains"].map(lambda d: domain in d)])


def of_type(ds: Dataset, code: str) -> str:
    return ids(ds.agreements[ds.agreements["type"] == code])


def of_category(ds: Dataset, category: str) -> str:
    signers = views.by_signatory(ds)
    wanted = set(signers.loc[signers["category"] == category, "id"])
    return ids(ds.agreements[ds.agreements["id"].isin(wanted)])


def binding(ds: Dataset, _: str = "") -> str:
    return ids(ds.agreements[ds.agreements["binding"]])


def announced_in(ds: Dataset, year: str) -> str:
    return ids(ds.agreements[ds.agreements["announced"].str.startswith(year)])


def latest(ds: Dataset, _: str = "") -> str:
    a = ds.agreements
    return ids(a[a["announced_date"] == a["announced_date"].max()])


def counts(ds: Dataset, _: str = "") -> str:
    table = views.partner_counts(ds)
    return joined(f"{r.partner} {r.agreements}" for r in table.itertuples())


MEASURES: dict[str, Callable[[Dataset, str], str]] = {
    "agreements": agreements_of,
    "events": events_of,
    "review": review_of,
    "children": children_of,
    "signed-by": signed_by,
    "domain": covering,
    "type": of_type,
    "category": of_category,
    "counts": counts,
    "binding": binding,
    "announced": announced_in,
    "latest": latest,
}


def cell_text(value: object) -> str:
    if isinstance(value, list):
        return joined(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return NONE
    return str(value) if str(value).strip() else NONE


def measure(ds: Dataset, expression: str) -> str:
    """The value a condition's left-hand side has in the data."""
    expression = " ".join(expression.split())
    if "." in expression and " " not in expression:
        agreement, column = expression.rsplit(".", 1)
        if column not in ds.agreements.columns:
            raise GuardError(
                f"'{column}' is not a column of data/agreements.csv (in '{expression}')."
            )
        row = ds.agreements[ds.agreements["id"] == agreement]
        return cell_text(row[column].iloc[0]) if len(row) else MISSING
    name, _, subject = expression.partition(" ")
    if name not in MEASURES:
        allowed = ", ".join(MEASURES)
        raise GuardError(
            f"'{name}' is not a measure; use one of {allowed}, or AGREEMENT.COLUMN "
            f"(in '{expression}')."
        )
    if name == "agreements" and subject not in ds.vocabulary.partners:
        raise GuardError(f"'{subject}' is not a partner code (in '{expression}').")
    return MEASURES[name](ds, subject)


@dataclass(frozen=True)
class Condition:
    """One line of a guard: a measure, the value written against, and the value it has now."""

    measure: str
    written: str
    current: str = ""

    @property
    def holds(self) -> bool:
        return self.written == self.current

    @property
    def change(self) -> str:
        """What changed, briefly: the items a list gained and lost, or the old and new value.
        (At scale a list holds thousands of ids; a notice names a few and counts the rest.)"""
        old, new = self.written.split("; "), self.current.split("; ")
        added = [v for v in new if v not in old and v != NONE]
        removed = [v for v in old if v not in new and v != NONE]
        if (len(old) > 1 or len(new) > 1) and (added or removed):
            parts = [f"now also {listed(added)}"] if added else []
            parts += [f"no longer {listed(removed)}"] if removed else []
            return " and ".join(parts)
        return f"was '{shortened(self.written)}', is now '{shortened(self.current)}'"


@dataclass(frozen=True)
class Guard:
    """A guard block in a chapter, with the first words of the paragraph it protects."""

    file: str
    cell: int | None
    start: int
    end: int
    conditions: tuple[Condition, ...]
    paragraph: str

    @property
    def where(self) -> str:
        cell = f", cell {self.cell}" if self.cell is not None else ""
        return f'{self.file}{cell}, paragraph "{self.paragraph}"'


def parse_conditions(body: str) -> tuple[Condition, ...]:
    conditions = []
    for line in body.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        match = CONDITION.match(line)
        if not match:
            raise GuardError(
                f"'{line.strip()}' is not a condition; write MEASURE = VALUE, "
                "for example 'agreements AU = au-quantum'."
            )
        conditions.append(Condition(" ".join(match["measure"].split()), match["value"]))
    if not conditions:
        raise GuardError("the guard has no condition.")
    return tuple(conditions)


def first_words(text: str, count: int = 8) -> str:
    """The opening words of a paragraph as a reader sees them (roles and markup removed)."""
    plain = re.sub(r"\{[a-z:]+\}`([^`]*)`", r"\1", text)
    plain = re.sub(r"[*_`]", "", plain)
    words = plain.split()
    return " ".join(words[:count]) + (" ..." if len(words) > count else "")


def guards_in(text: str, file: str, cell: int | None = None) -> Iterator[Guard]:
    """Every guard block in one piece of MyST text."""
    for match in BLOCK.finditer(text):
        after = text[match.end() :].lstrip("\n")
        paragraph = after.split("\n\n", 1)[0]
        try:
            conditions = parse_conditions(match["body"])
        except GuardError as error:
            line = text[: match.start()].count("\n") + 1
            raise GuardError(f"{file}, line {line}: {error}") from None
        yield Guard(file, cell, match.start(), match.end(), conditions, first_words(paragraph))


def chapter_texts(root: Path) -> Iterator[tuple[Path, int | None, str]]:
    """The MyST text of every chapter: each Markdown cell of a notebook, each Markdown file."""
    for path in sorted((root / CHAPTERS).glob("*")):
        if path.suffix == ".ipynb":
            cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
            for number, cell in enumerate(cells):
                if cell["cell_type"] == "markdown":
                    yield path, number, "".join(cell["source"])
        elif path.suffix == ".md":
            yield path, None, path.read_text(encoding="utf-8")


def evaluate(ds: Dataset, guard: Guard) -> Guard:
    """The guard with each condition's current value filled in."""
    checked = tuple(replace(c, current=measure(ds, c.measure)) for c in guard.conditions)
    return replace(guard, conditions=checked)


def all_guards(ds: Dataset, root: Path | None = None) -> list[Guard]:
    """Every guard of every chapter, evaluated against the dataset."""
    root = root or ds.root
    found = []
    for path, cell, text in chapter_texts(root):
        label = str(path.relative_to(root))
        found += [evaluate(ds, g) for g in guards_in(text, label, cell)]
    return found


def stale(ds: Dataset, root: Path | None = None) -> list[tuple[Guard, Condition]]:
    """Each condition that no longer holds, with its guard."""
    return [(g, c) for g in all_guards(ds, root) for c in g.conditions if not c.holds]


def stale_report(found: list[tuple[Guard, Condition]]) -> str:
    """What a maintainer reads in `make check` and `make book`."""
    count = len(found)
    lines = [
        f"{count} stale statement{'s' if count != 1 else ''}: the data no longer gives the "
        "values these paragraphs were written against."
    ]
    for guard, condition in found:
        lines.append(f"  - {guard.where}: '{condition.measure}' {condition.change}.")
    lines.append(
        "Revise each paragraph so that it is true of the data, then run `make reviewed` to "
        "record the values it now matches (see chapters/updating.md)."
    )
    return "\n".join(lines)


def rewrite(text: str, ds: Dataset, label: str, cell: int | None) -> str:
    """The text with every guard's written values set to what the data gives now."""
    pieces, position = [], 0
    for guard in guards_in(text, label, cell):
        checked = evaluate(ds, guard)
        block = text[guard.start : guard.end]
        for condition in checked.conditions:
            if not condition.holds:
                line = re.compile(
                    rf"^(\s*{re.escape(condition.measure)}\s*=\s*).*$".replace(r"\ ", r"\s+"),
                    re.MULTILINE,
                )
                block = line.sub(lambda m, c=condition: m[1] + c.current, block, count=1)
        pieces += [text[position : guard.start], block]
        position = guard.end
    return "".join(pieces) + text[position:]


def mark_reviewed(
    ds: Dataset, root: Path | None = None, only: list[str] | None = None
) -> list[str]:
    """Record in each chapter (or only in the chapters named, e.g. 'japan') the values its guarded
    paragraphs now match; return the files changed."""
    root = root or ds.root
    changed = []
    for path in sorted((root / CHAPTERS).glob("*")):
        if only and path.stem not in only and path.name not in only:
            continue
        label = str(path.relative_to(root))
        if path.suffix == ".md":
            text = path.read_text(encoding="utf-8")
            new = rewrite(text, ds, label, None)
            if new != text:
                path.write_text(new, encoding="utf-8")
                changed.append(label)
        elif path.suffix == ".ipynb":
            raw = path.read_text(encoding="utf-8")
            notebook = json.loads(raw)
            for number, cell in enumerate(notebook["cells"]):
                if cell["cell_type"] != "markdown":
                    continue
                text = "".join(cell["source"])
                new = rewrite(text, ds, label, number)
                if new != text:
                    cell["source"] = new.splitlines(keepends=True)
            out = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
            if out != raw:
                path.write_text(out, encoding="utf-8")
                changed.append(label)
    return changed
