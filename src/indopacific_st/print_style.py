"""The print editions' look, shared by the book's PDF (sphinx_ext) and the partner briefs (briefs):
their colours, taken from the charts' (style.py), and their settings in _config.yml."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from indopacific_st import style

TEX_SPECIALS = re.compile(r"([&%$#_{}])")


def latex_escape(text: str) -> str:
    """Text shown literally in LaTeX (the characters LaTeX would act on escaped)."""
    return TEX_SPECIALS.sub(r"\\\1", text)


def colour_definitions() -> str:
    """xcolor definitions of the print colours: the charts' U.S. grey for titles and covers, their
    neutral grey for heads and labels, their light grey for rules, and each partner's colour."""
    colours = {
        "ReportInk": style.US_COLOUR,
        "ReportGrey": style.NEUTRAL,
        "ReportRule": style.LIGHT,
    } | {f"ReportPartner{code}": colour for code, colour in style.PARTNER_COLOURS.items()}
    return "\n".join(
        f"\\definecolor{{{name}}}{{HTML}}{{{value.lstrip('#')}}}" for name, value in colours.items()
    )


def settings(root: Path) -> dict[str, str]:
    """What the briefs share with the book, as _config.yml states it once: the online address,
    the publishing organisation, the running heads' short title and the fonts."""
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    sphinx = config["sphinx"]["config"]
    return {
        "url": config["html"]["baseurl"],
        "organisation": config["author"],
        "short_title": sphinx["report_short_title"],
        "fonts": sphinx["latex_elements"]["fontpkg"],
    }
