"""Synthetic but valid agreements, to see how the report behaves when the dataset grows.

Every value comes from the project's own vocabularies: partners, types and domains from
data/datapackage.json, signatories from data/institutions.csv, sources from references.bib, and
announcement dates between the start of the report's period and the dataset's `updated` date.
The seed table's rows and their review stay as they are: the seed table does not grow.

    python bench/synthetic.py PROJECT_FOLDER --scale 10    # 10x the real number of agreements
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import random
import re
from collections import defaultdict
from pathlib import Path

PERIOD_START = dt.date(2021, 1, 1)
HOME_COUNTRY = "US"
BIB_KEY = re.compile(r"^@\w+\{([^,\s]+),", re.M)


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


def write_csv(path: Path, header: list[str], rows: list[dict[str, str]]) -> None:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def codes(descriptor: dict, resource: str, field: str) -> list[str]:
    entry = next(r for r in descriptor["resources"] if r["name"] == resource)
    spec = next(f for f in entry["schema"]["fields"] if f["name"] == field)
    return [c["value"] for c in spec["categories"]]


class Generator:
    """Makes agreement rows (and their later events) that pass `make check`."""

    def __init__(self, root: Path, seed: int = 2021):
        data = root / "data"
        descriptor = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
        self.partners = codes(descriptor, "agreements", "partners")
        self.types = codes(descriptor, "agreements", "type")
        self.domains = codes(descriptor, "agreements", "domains")
        self.last_day = dt.date.fromisoformat(descriptor["updated"])
        self.institutions: dict[str, list[str]] = defaultdict(list)
        for row in read_csv(data / "institutions.csv"):
            self.institutions[row["country"]].append(row["id"])
        self.bib_keys = BIB_KEY.findall((root / "references.bib").read_text(encoding="utf-8"))
        self.random = random.Random(seed)
        self.count = 0

    def date(self, after: dt.date = PERIOD_START) -> dt.date:
        return after + dt.timedelta(days=self.random.randrange((self.last_day - after).days + 1))

    def agreement(self, parent_ids: list[str]) -> dict[str, str]:
        """One agreement: one partner (sometimes two, as the trilateral dialogue has)."""
        self.count += 1
        pick = self.random
        with_institutions = [p for p in self.partners if self.institutions[p]]
        partners = pick.sample(with_institutions, 2 if pick.random() < 0.1 else 1)
        signatories = [pick.choice(self.institutions[HOME_COUNTRY])]
        signatories += [pick.choice(self.institutions[p]) for p in partners]
        kind = pick.choice(self.types)
        domains = pick.sample(self.domains, pick.randint(1, 3))
        number = f"{self.count:05d}"
        return {
            "id": f"{partners[0].lower()}-synthetic-{number}",
            "name": f"U.S.-{'-'.join(partners)} Synthetic {kind.title()} No. {number}",
            "short_name": f"Synthetic {kind} {number}",
            "partners": "; ".join(partners),
            "type": kind,
            "binding": pick.choice(["true", "false"]),
            "announced": self.date().isoformat(),
            "signatories": "; ".join(dict.fromkeys(signatories)),
            "parent_id": pick.choice(parent_ids) if parent_ids and pick.random() < 0.2 else "",
            "domains": "; ".join(domains),
            "domain_reason": "Synthetic row written by bench/synthetic.py.",
            "summary": f"A synthetic {kind} used to measure how the report scales.",
            "sources": "; ".join(pick.sample(self.bib_keys, pick.randint(1, 2))),
        }

    def event(self, agreement: dict[str, str]) -> dict[str, str]:
        day = self.date(dt.date.fromisoformat(agreement["announced"]))
        return {
            "agreement_id": agreement["id"],
            "date": day.isoformat(),
            "event": "First meeting (synthetic)",
            "sources": self.random.choice(self.bib_keys),
            "kind": "meeting",
            "successor_id": "",
        }

    def inclusion(self, agreement: dict[str, str]) -> list[dict[str, str]]:
        """The five criteria rows every agreement added beyond the seed needs."""
        return [
            {
                "agreement_id": agreement["id"],
                "criterion": str(criterion),
                "reason": "Synthetic row written by bench/synthetic.py.",
                "sources": agreement["sources"],
            }
            for criterion in range(1, 6)
        ]


def scale(root: Path, factor: int, seed: int = 2021) -> int:
    """Grow data/ in `root` to `factor` times its agreements and events; return the new count."""
    data = root / "data"
    agreements = read_csv(data / "agreements.csv")
    events = read_csv(data / "events.csv")
    header = next(csv.reader(io.StringIO((data / "agreements.csv").read_text(encoding="utf-8"))))
    event_header = list(events[0]) if events else ["agreement_id", "date", "event", "sources"]
    generator = Generator(root, seed)
    wanted = len(agreements) * factor
    event_share = len(events) / max(len(agreements), 1)
    new: list[dict[str, str]] = []
    while len(agreements) + len(new) < wanted:
        row = generator.agreement([r["id"] for r in new])
        new.append(row)
        if generator.random.random() < event_share:
            events.append(generator.event(row))
    write_csv(data / "agreements.csv", header, agreements + [fill(row, header) for row in new])
    write_csv(data / "events.csv", event_header, events)
    append_inclusion(root, [line for row in new for line in generator.inclusion(row)])
    return len(agreements) + len(new)


def append_inclusion(root: Path, lines: list[dict[str, str]]) -> None:
    path = root / "data" / "inclusion.csv"
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    write_csv(path, header, read_csv(path) + lines)


def add_one(root: Path, seed: int) -> str:
    """Append one synthetic agreement (a one-row edit); return its id."""
    path = root / "data" / "agreements.csv"
    header = next(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    generator = Generator(root, seed)
    generator.count = 90_000 + seed
    row = generator.agreement([])
    with path.open("a", encoding="utf-8", newline="") as handle:
        csv.DictWriter(handle, fieldnames=header, lineterminator="\n").writerow(fill(row, header))
    append_inclusion(root, generator.inclusion(row))
    return row["id"]


def fill(row: dict[str, str], header: list[str]) -> dict[str, str]:
    return {column: row.get(column, "") for column in header}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="the project copy whose data/ is rewritten")
    parser.add_argument("--scale", type=int, default=10, help="times the real agreements")
    args = parser.parse_args()
    if (args.root.resolve() / ".git").exists():
        parser.error("refusing to rewrite the data of a git checkout: give a copy of the project")
    print(f"{scale(args.root, args.scale)} agreements in {args.root / 'data'}")


if __name__ == "__main__":
    main()
