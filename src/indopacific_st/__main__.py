"""`python -m indopacific_st check`: validate data/ and say what is wrong, before any build."""

from __future__ import annotations

import argparse
import sys

from indopacific_st.dataset import find_root, load
from indopacific_st.validation import DataError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m indopacific_st", description=__doc__)
    parser.add_argument("command", choices=["check"], help="check: validate the data files")
    parser.add_argument("--root", default=None, help="project folder (default: found from here)")
    args = parser.parse_args(argv)
    try:
        ds = load(args.root or find_root())
    except DataError as error:
        print(error, file=sys.stderr)
        return 1
    partners = ds.agreements.explode("partners")["partners"].value_counts()
    counts = ", ".join(
        f"{ds.vocabulary.partners[c]} {partners.get(c, 0)}" for c in ds.vocabulary.partners
    )
    print(
        f"Data OK: {len(ds.agreements)} agreements ({counts}), {len(ds.institutions)} institutions, "
        f"{len(ds.events)} later events, {len(ds.review)} seed-review findings."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
