"""The bibliography's entries, read with pybtex so a broken entry is reported, not guessed at."""

from __future__ import annotations

import re
from pathlib import Path

from pybtex.database import parse_file
from pybtex.scanner import PybtexError

from indopacific_st.validation import URL_PATTERN, Problem

CITATION = re.compile(r"\{cite:[pt]\}`([^`]*)`")


def entries(path: Path) -> tuple[dict[str, dict[str, str]] | None, list[Problem]]:
    """Every entry of references.bib with its fields (None if the file cannot be read), and its
    problems."""
    label = path.name
    if not path.exists():
        return None, [Problem(label, None, None, "the bibliography file is missing.")]
    try:
        database = parse_file(str(path), bib_format="bibtex")
    except PybtexError as error:
        return None, [Problem(label, None, None, f"cannot be read: {error}")]
    found = {
        key: {name.lower(): str(value).strip() for name, value in entry.fields.items()}
        for key, entry in database.entries.items()
    }
    problems = [
        Problem(
            label,
            None,
            None,
            f"entry '{key}', field 'url': '{fields['url']}' is not a web address; "
            "source links must start with http:// or https://.",
        )
        for key, fields in found.items()
        if "url" in fields and not URL_PATTERN.match(fields["url"])
    ]
    return found, problems


def chapter_citations(chapters: Path) -> set[str]:
    """Every key a chapter cites with {cite:p} or {cite:t} (notebooks and Markdown files)."""
    keys: set[str] = set()
    for path in sorted(chapters.glob("*.ipynb")) + sorted(chapters.glob("*.md")):
        for group in CITATION.findall(path.read_text(encoding="utf-8")):
            keys.update(k.strip() for k in re.split(r"[,;]", group) if k.strip())
    return keys
