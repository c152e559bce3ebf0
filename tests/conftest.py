"""Shared fixtures: the project, a scratch copy of its data, and the built outputs."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import importlib.util
import json
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


# The longest files first, in this order (pytest-xdist gives each worker one file at a time, the
# next when it is almost done). test_safety.py builds the project copy (`edited_copy`) that
# test_rebuild.py and test_updating.py then clone and rebuild; the browser tests, which need no
# copy, keep the other worker busy meanwhile, so neither waits for the copy.
LONGEST_FIRST = ("test_safety.py", "test_browser.py", "test_rebuild.py", "test_updating.py")


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

    def clone(self, folder: Path) -> ProjectCopy:
        """A copy of the copy, built book and PDF included, for a test that goes on to edit and
        rebuild it: the shared copy stays as built for the other files' tests."""
        return ProjectCopy(folder, source=self.site.root)

    def save(self, record: Path) -> None:
        builds = {name: vars(getattr(self, name)) for name in ("check", "book", "pdf")}
        data = {
            name: content.decode("utf-8")
            for name, content in self.data_without_hostile_text.items()
        }
        record.write_text(json.dumps({"root": str(self.site.root), "builds": builds, "data": data}))

    @classmethod
    def load(cls, record: Path) -> EditedCopy:
        saved = json.loads(record.read_text())
        builds = {name: Build(**build) for name, build in saved["builds"].items()}
        data = {name: text.encode("utf-8") for name, text in saved["data"].items()}
        return cls(ProjectCopy.built(Path(saved["root"])), **builds, data_without_hostile_text=data)


def build_edited_copy(folder: Path) -> EditedCopy:
    """Copy the project into folder, add an agreement and hostile text, and build it all."""
    site = ProjectCopy(folder)
    shutil.copytree(
        ROOT / "tests", site.root / "tests", ignore=shutil.ignore_patterns("__pycache__")
    )
    site.add_agreement(**TEST_AGREEMENT)
    without_hostile_text = site.data_files()
    site.add_hostile_text()
    check, book, pdf = site.make("check"), site.make("book"), site.make("pdf")
    return EditedCopy(site, check, book, pdf, without_hostile_text)


@contextlib.contextmanager
def exclusive(lock: Path):
    """Hold an exclusive lock on a file for the block (another process waits for it)."""
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


@pytest.fixture(scope="session")
def edited_copy(tmp_path_factory, worker_id) -> EditedCopy:
    """One copy, built once a test run (book and PDF), for test_safety.py, test_rebuild.py and
    test_updating.py. The pytest-xdist workers share it: the first to ask builds it while the
    others wait on a lock (the pattern pytest-xdist's documentation gives). A test that edits the
    copy works on a clone of it."""
    if worker_id == "master":  # no workers: this process is the only one
        return build_edited_copy(tmp_path_factory.mktemp("edited"))
    shared = tmp_path_factory.getbasetemp().parent  # the run's folder, above each worker's
    with exclusive(shared / "edited.lock"):
        record = shared / "edited.json"
        if record.exists():
            return EditedCopy.load(record)
        (shared / "edited").mkdir()
        edited = build_edited_copy(shared / "edited")
        edited.save(record)
        return edited


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
