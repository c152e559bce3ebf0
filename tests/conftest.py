"""Shared fixtures: the project, a scratch copy of its data, and the built outputs."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
import yaml

import indopacific_st as ip

ROOT = Path(__file__).resolve().parents[1]
HTML = ROOT / "_build" / "html"
PDF = ROOT / "_build" / "pdf" / "report.pdf"
BRIEFS = ROOT / "_build" / "briefs"
SOURCE_FILES = sorted((ROOT / "data").glob("*")) + [ROOT / "references.bib"]


def toc_order() -> list[str]:
    """The chapters in the order of _toc.yml (the order figures and tables are numbered in)."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text("utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc["parts"] for c in part["chapters"]]
    return [Path(f).name for f in files]


# Fixtures that need the built book: tests using them, and every notebook (nbval), are slow.
BUILT_OUTPUTS = {"html_dir", "pdf_path", "briefs_dir"}


# The files that build copies of the project take longest: `make test` starts them first, so the
# other worker (pytest-xdist, one file per worker) runs the rest beside them.
LONGEST_FIRST = ("test_updating.py", "test_rebuild.py", "test_safety.py")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that need a built book as `slow`; `make test-fast` leaves them out."""
    for item in items:
        if item.path.suffix == ".ipynb" or BUILT_OUTPUTS & set(item.fixturenames):
            item.add_marker(pytest.mark.slow)
    rank = {name: n for n, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


def digest(paths) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.fixture(scope="session", autouse=True)
def source_data_untouched():
    """Nothing in the build or the tests may write to data/ or references.bib."""
    before = digest(SOURCE_FILES)
    yield
    after = digest(sorted((ROOT / "data").glob("*")) + [ROOT / "references.bib"])
    assert after == before, "a test or build step changed the maintainers' source files"


@pytest.fixture(scope="session")
def ds() -> ip.Dataset:
    return ip.load(ROOT)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the data, bibliography and chapters (their citations) that a test may break."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copytree(ROOT / "chapters", tmp_path / "chapters")
    shutil.copy(ROOT / "references.bib", tmp_path / "references.bib")
    return tmp_path


@pytest.fixture(scope="session")
def html_dir() -> Path:
    if not (HTML / "index.html").exists():
        pytest.fail("No built book in _build/html: run `make book` (make test does it first).")
    return HTML


@pytest.fixture(scope="session")
def pdf_path() -> Path:
    if not PDF.exists():
        pytest.fail("No PDF in _build/pdf: run `make pdf` (make test does it first).")
    return PDF


@pytest.fixture(scope="session")
def briefs_dir() -> Path:
    if not BRIEFS.is_dir():
        pytest.fail("No partner briefs in _build/briefs: run `make briefs` (make test does it).")
    return BRIEFS
