"""`python -m indopacific_st check`: validate data/ and find stale prose, before any build.

`python -m indopacific_st reviewed`: after revising stale paragraphs, record in each chapter's
guards the values the prose now matches.

`python -m indopacific_st briefs`: one short PDF per partner into _build/briefs/ (see briefs.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from indopacific_st import guards
from indopacific_st.dataset import find_root, load
from indopacific_st.validation import DataError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indopacific_st", description=__doc__)
    parser.add_argument(
        "command",
        choices=["check", "reviewed", "briefs"],
        help="check: validate the data and the chapters' guards; "
        "reviewed: record that the guarded paragraphs match the data as it is now; "
        "briefs: build one PDF per partner into _build/briefs/",
    )
    parser.add_argument("--root", default=None, help="project folder (default: found from here)")
    parser.add_argument(
        "--allow-stale",
        action="store_true",
        help="with check: list stale statements but exit 0 (the book still builds, with notices)",
    )
    parser.add_argument(
        "chapters",
        nargs="*",
        help="with reviewed: only these chapters (e.g. japan south-korea); default all",
    )
    args = parser.parse_args(argv)
    try:
        ds = load(args.root or find_root())
    except DataError as error:
        print(error, file=sys.stderr)
        return 1
    if args.command == "briefs":
        return build_briefs(ds)
    try:
        if args.command == "reviewed":
            changed = guards.mark_reviewed(ds, only=args.chapters or None)
            print(
                "Recorded the current values in " + ", ".join(changed) + "."
                if changed
                else "Nothing to record: every guarded paragraph already matches the data."
            )
            return 0
        found = guards.stale(ds)
    except guards.GuardError as error:
        print(f"A guard in the chapters cannot be read: {error}", file=sys.stderr)
        return 1
    partners = ds.agreements.explode("partners")["partners"].value_counts()
    counts = ", ".join(
        f"{ds.vocabulary.partners[c]} {partners.get(c, 0)}" for c in ds.vocabulary.partners
    )
    print(
        f"Data OK: {len(ds.agreements)} agreements ({counts}), {len(ds.institutions)} institutions, "
        f"{len(ds.events)} later events, {len(ds.review)} seed-review findings."
    )
    if not found:
        print("Prose OK: every guarded paragraph matches the data.")
        return 0
    print(guards.stale_report(found), file=sys.stderr)
    return 0 if args.allow_stale else 1


def build_briefs(ds) -> int:
    """The partner briefs, in the print style and with the online address of _config.yml."""
    from indopacific_st import briefs

    for path in briefs.build(ds, Path(ds.root) / "_build" / "briefs"):
        print(f"Brief: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
