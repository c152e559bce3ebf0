"""A throwaway copy of the project that tests may edit and build with the real Makefile."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

ROOT = Path(__file__).resolve().parents[1]
COPIED = [
    "data",
    "chapters",
    "references.bib",
    "_config.yml",
    "_toc.yml",
    "Makefile",
    "requirements.lock",
    "pyproject.toml",
    "bench",  # the fast tests grow the data 100x with bench/synthetic.py
]
RENDERINGS = "_build/renderings"
# Each chart queues its element id and payload (Vega spec, datasets, table) for report-charts.js;
# the build gathers a page's payloads, one a line, into _static/charts/<page>.js.
SPEC = re.compile(r'reportCharts \|\| \[\]\)\.push\(\["chart-[0-9a-f]+", (\{.*\})\]\);$', re.M)

# The agreement the rebuild and updating tests add, as a maintainer would, to a copy.
TEST_AGREEMENT = {
    "id": "au-test-ai",
    "name": "U.S.-Australia Test Dialogue on Artificial Intelligence",
    "short_name": "Test AI dialogue",
    "partners": "AU",
    "type": "dialogue",
    "binding": "false",
    "announced": "2024-02-01",
    "signatories": "us-state; au-disr",
    "domains": "ai",
    "domain_reason": "A test row.",
    "summary": "A row added by the test suite.",
    "sources": "asps_seed_table",
}


# Text in every kind of field that would run as script, markup or LaTeX if anything along the
# way interpreted it (test_safety.py): an agreement's name, short name and summary, an
# institution's name and a seed-review note. None of them changes a guarded paragraph's measures.
HOSTILE_NAME = "<script>window.__pwned=1</script> CoRe & {{x}} $5 50% _u_ #h \\back"
HOSTILE_SHORT = '<img src=x onerror="window.__pwned=2">'
HOSTILE_SUMMARY = "</script><script>window.__pwned=3</script> [link](javascript:alert(1)) **bold**"
HOSTILE_INSTITUTION = "<b>Ministry</b> & {{z}} 100% $"
HOSTILE_REVIEW = "{cite}`nokey` <iframe src=javascript:alert(4)></iframe> ~~gone~~"


@dataclass
class Build:
    returncode: int
    output: str

    @property
    def executed(self) -> int:
        """How many notebooks the build executed."""
        return len(re.findall(r"Executing notebook", self.output))


class ProjectCopy:
    def __init__(self, folder: Path, source: Path = ROOT):
        """A copy of the project's sources in folder, or (`source` a built copy) of everything
        in that copy, its built book and PDF included, times kept, so that make sees them as
        built."""
        self.root = folder
        if source != ROOT:
            shutil.copytree(source, folder, symlinks=True)
            return
        for name in COPIED:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(
                    source,
                    folder / name,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"),
                )
            else:
                shutil.copy2(source, folder / name)
        # The charts' print renderings that earlier builds kept, as a maintainer's checkout has
        # them (display.render): the copy's PDF draws only the charts its edits change.
        if (ROOT / RENDERINGS).is_dir():
            shutil.copytree(ROOT / RENDERINGS, folder / RENDERINGS)

    @classmethod
    def built(cls, root: Path) -> ProjectCopy:
        """The copy already in root (built by another test worker), as it is."""
        copy = cls.__new__(cls)
        copy.root = root
        return copy

    # --- building ---

    def make(self, target: str) -> Build:
        result = subprocess.run(
            ["make", "-C", str(self.root), target, f"VENV={ROOT / '.venv'}"],
            capture_output=True,
            text=True,
            check=False,
        )
        return Build(result.returncode, result.stdout + result.stderr)

    # --- editing the data ---

    def rows(self, name: str) -> list[list[str]]:
        return list(
            csv.reader(io.StringIO((self.root / "data" / name).read_text(encoding="utf-8")))
        )

    def write_rows(self, name: str, rows: list[list[str]]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        (self.root / "data" / name).write_text(buffer.getvalue(), encoding="utf-8")

    def add_agreement(self, **values: str) -> None:
        rows = self.rows("agreements.csv")
        rows.append([values.get(column, "") for column in rows[0]])
        self.write_rows("agreements.csv", rows)
        if not values.get("seed_row"):  # an added agreement says how it meets each criterion
            inclusion = self.rows("inclusion.csv")
            inclusion += [
                [values["id"], str(n), "A test row.", values["sources"]] for n in range(1, 6)
            ]
            self.write_rows("inclusion.csv", inclusion)

    def remove_agreement(self, agreement_id: str) -> None:
        for name in ("agreements.csv", "events.csv", "seed_review.csv", "inclusion.csv"):
            rows = self.rows(name)
            self.write_rows(name, [rows[0], *[r for r in rows[1:] if r[0] != agreement_id]])

    def add_hostile_text(self) -> None:
        """Give one Japanese agreement, its ministry and its review the hostile values above."""
        self.set_cell("agreements.csv", "jp-core", "name", HOSTILE_NAME)
        self.set_cell("agreements.csv", "jp-core", "short_name", HOSTILE_SHORT)
        self.set_cell("agreements.csv", "jp-core", "summary", HOSTILE_SUMMARY)
        self.set_cell("institutions.csv", "jp-meti", "name", HOSTILE_INSTITUTION)
        rows = self.rows("seed_review.csv")
        for row in rows[1:]:
            if row[0] == "jp-core":
                row[rows[0].index("sources_say")] = HOSTILE_REVIEW
                # A changed name is a correction under the data rules (a disagreement keeps the
                # seed's).
                if row[rows[0].index("field")] == "name":
                    row[rows[0].index("finding")] = "correction"
        self.write_rows("seed_review.csv", rows)

    def data_files(self) -> dict[str, bytes]:
        return {p.name: p.read_bytes() for p in (self.root / "data").glob("*")}

    def restore_data(self, files: dict[str, bytes]) -> None:
        for name, content in files.items():
            (self.root / "data" / name).write_bytes(content)

    def set_cell(self, name: str, row_id: str, column: str, value: str) -> None:
        rows = self.rows(name)
        index = rows[0].index(column)
        for row in rows[1:]:
            if row[0] == row_id:
                row[index] = value
        self.write_rows(name, rows)

    # --- reading the built book ---

    @property
    def html(self) -> Path:
        return self.root / "_build" / "html"

    def page(self, chapter: str) -> BeautifulSoup:
        return BeautifulSoup(
            (self.html / "chapters" / f"{chapter}.html").read_text(encoding="utf-8"), "html.parser"
        )

    def text(self, chapter: str) -> str:
        soup = self.page(chapter)
        for script in soup.find_all("script"):
            script.decompose()
        return " ".join(soup.get_text(" ").split())

    def glued(self, chapter: str) -> list[str]:
        return [span.get_text() for span in self.page(chapter).select("span.pasted-text")]

    def specs(self, chapter: str) -> list[dict]:
        """Each chart's payload, its datasets (sent in columns) as rows, as the chart draws them."""
        source = self.html / "_static" / "charts" / "chapters" / f"{chapter}.js"
        if 'class="report-chart"' not in (self.html / "chapters" / f"{chapter}.html").read_text():
            return []  # a page without charts has no chart script
        payloads = [json.loads(match) for match in SPEC.findall(source.read_text("utf-8"))]
        for payload in payloads:
            payload["datasets"] = {
                name: [dict(zip(d["columns"], row, strict=True)) for row in d["rows"]]
                for name, d in payload["datasets"].items()
            }
        return payloads

    def fingerprint(self) -> dict[str, str]:
        """A hash of every file of the published book."""
        return {
            str(p.relative_to(self.html)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(self.html.rglob("*"))
            if p.is_file()
        }
