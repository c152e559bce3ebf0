"""The bibliography's keys, read with pybtex so a broken entry is reported, not guessed at."""

from __future__ import annotations

from pathlib import Path

from pybtex.database import parse_file
from pybtex.scanner import PybtexError

from indopacific_st.validation import URL_PATTERN, Problem


def keys(path: Path) -> tuple[set[str] | None, list[Problem]]:
    """Every citation key in references.bib (None if the file cannot be read) and its problems."""
    label = path.name
    if not path.exists():
        return None, [Problem(label, None, None, "the bibliography file is missing.")]
    try:
        database = parse_file(str(path), bib_format="bibtex")
    except PybtexError as error:
        return None, [Problem(label, None, None, f"cannot be read: {error}")]
    problems = [
        Problem(
            label,
            None,
            None,
            f"entry '{key}', field 'url': '{entry.fields['url']}' is not a web address; "
            "source links must start with http:// or https://.",
        )
        for key, entry in database.entries.items()
        if "url" in entry.fields and not URL_PATTERN.match(entry.fields["url"].strip())
    ]
    return set(database.entries.keys()), problems
