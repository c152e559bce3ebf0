"""The bibliography's keys, read with pybtex so a broken entry is reported, not guessed at."""

from __future__ import annotations

from pathlib import Path

from pybtex.database import parse_file
from pybtex.scanner import PybtexError

from indopacific_st.validation import Problem


def keys(path: Path) -> tuple[set[str], list[Problem]]:
    """Every citation key in references.bib, or the problem that stops it being read."""
    label = path.name
    if not path.exists():
        return set(), [Problem(label, None, None, "the bibliography file is missing.")]
    try:
        database = parse_file(str(path), bib_format="bibtex")
    except PybtexError as error:
        return set(), [Problem(label, None, None, f"cannot be read: {error}")]
    return set(database.entries.keys()), []


def entries(path: Path):
    """All entries, for listing sources by kind."""
    return parse_file(str(path), bib_format="bibtex").entries
