"""Shared fixtures: the project, a scratch copy of its data, and the built outputs."""

from __future__ import annotations

import hashlib
import importlib.util
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from project_copy import TEST_AGREEMENT, Build, ProjectCopy

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


# The files that build copies of the project take longest: `make test` starts them first, in this
# order, so the other worker (pytest-xdist, one file per worker) runs the rest beside them.
# test_safety.py reads the copy that test_updating.py then revises (`edited_copy`): in one
# process it runs first; test_updating.py, queued after test_rebuild.py, most often joins it on
# the worker that is free first, and otherwise builds its own copy there.
LONGEST_FIRST = ("test_safety.py", "test_rebuild.py", "test_updating.py")


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


@dataclass
class EditedCopy:
    """A project copy as a maintainer leaves it after adding an agreement, with hostile text in
    the data, and what `make check`, `make book` and `make pdf` said on it."""

    site: ProjectCopy
    check: Build
    book: Build
    pdf: Build
    # The data with the added agreement but without the hostile text.
    data_without_hostile_text: dict[str, bytes]


@pytest.fixture(scope="session")
def edited_copy(tmp_path_factory) -> EditedCopy:
    """One copy, built once (book and PDF), for test_safety.py and then test_updating.py."""
    site = ProjectCopy(tmp_path_factory.mktemp("edited"))
    shutil.copytree(
        ROOT / "tests", site.root / "tests", ignore=shutil.ignore_patterns("__pycache__")
    )
    site.add_agreement(**TEST_AGREEMENT)
    without_hostile_text = site.data_files()
    site.add_hostile_text()
    check, book, pdf = site.make("check"), site.make("book"), site.make("pdf")
    return EditedCopy(site, check, book, pdf, without_hostile_text)


def load_synthetic():
    """bench/synthetic.py, the generator `make bench` grows the data with."""
    spec = importlib.util.spec_from_file_location("synthetic", ROOT / "bench" / "synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def ds_100x(tmp_path_factory) -> ip.Dataset:
    """The dataset grown to 100 times its agreements by bench/synthetic.py, on a project copy."""
    root = tmp_path_factory.mktemp("x100")
    for folder in ("data", "chapters"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copy(ROOT / "references.bib", root / "references.bib")
    load_synthetic().scale(root, 100)
    return ip.load(root)
