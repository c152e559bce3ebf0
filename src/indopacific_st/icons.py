"""The theme's icons from a subset of Font Awesome: only the glyphs the book shows.

pydata-sphinx-theme draws its icons (menu, search, colour mode, download...) from the Font
Awesome web fonts (fa-solid-900.woff2 alone is 156 KB) and carries a CSS rule for each of
Font Awesome's ~2,000 icons. After the HTML build, this module writes fonts that hold only the
glyphs the book's pages, the theme's scripts and its stylesheets use, points the theme's
stylesheet at them, and drops the rules of icons no page uses. The full fonts stay in _static/
for a browser that still holds an old stylesheet, but no page asks for them.
"""

from __future__ import annotations

import re
from pathlib import Path

from fontTools import subset

STYLESHEET = Path("styles") / "pydata-sphinx-theme.css"
FONTS = Path("vendor") / "fontawesome" / "webfonts"
SUBSET_SUFFIX = ".subset.woff"
# One rule a Font Awesome icon: `.fa-bars:before,.fa-navicon:before{content:"\f0c9"}`.
ICON_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+:{1,2}before,?)+)\{content:"\\([0-9a-f]{4,5})"\}')
ICON_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
# A glyph named directly in a stylesheet (admonition icons, `--pst-icon-...` variables).
GLYPH = re.compile(r'"\\((?:f|e)[0-9a-f]{3})"')
FONT_URL = re.compile(r"url\(\.\./vendor/fontawesome/webfonts/(fa-[a-z]+-\d+)\.woff2\)")


def used_classes(outdir: Path) -> set[str]:
    """The `fa-` classes the built pages and the theme's scripts name."""
    files = [*outdir.rglob("*.html"), *(outdir / "_static").rglob("*.js")]
    return {name for f in files for name in ICON_CLASS.findall(f.read_text("utf-8", "ignore"))}


def kept_rules(css: str, classes: set[str]) -> tuple[str, set[int]]:
    """The stylesheet without the rules of unused icons, and the code points the rest show."""
    codepoints: set[int] = set()

    def keep(rule: re.Match) -> str:
        names = {s.split(":")[0].lstrip(".") for s in rule.group(1).split(",") if s}
        if names & classes:
            codepoints.add(int(rule.group(2), 16))
            return rule.group(0)
        return ""

    trimmed = ICON_RULE.sub(keep, css)
    return trimmed, codepoints


def stylesheet_glyphs(static: Path) -> set[int]:
    """Glyphs any stylesheet names outside the icon rules (e.g. the admonition icons)."""
    found = set()
    for path in static.rglob("*.css"):
        text = ICON_RULE.sub("", path.read_text("utf-8", "ignore"))
        found |= {int(code, 16) for code in GLYPH.findall(text)}
    return found


def write_subset(font: Path, codepoints: set[int], target: Path) -> None:
    """The font cut down to these code points, as WOFF (zlib: no Brotli dependency)."""
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    # Every name record kept: the fonts' copyright and licence (SIL OFL 1.1) travel with them.
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    face = subset.load_font(str(font), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(codepoints))
    subsetter.subset(face)
    subset.save_font(face, str(target), options)


def use_subset(outdir: Path) -> set[int]:
    """Subset the theme's icon fonts and stylesheet in a built book; return the glyphs kept."""
    static = outdir / "_static"
    sheet = static / STYLESHEET
    css = sheet.read_text(encoding="utf-8")
    if "fa-" not in css:
        return set()
    trimmed, codepoints = kept_rules(css, used_classes(outdir))
    codepoints |= stylesheet_glyphs(static)
    for name in set(FONT_URL.findall(trimmed)):
        write_subset(
            static / FONTS / f"{name}.ttf", codepoints, static / FONTS / f"{name}{SUBSET_SUFFIX}"
        )
    # Each face from its subset alone: every browser this book supports reads WOFF.
    trimmed = re.sub(
        r"src:url\(\.\./vendor/fontawesome/webfonts/(fa-[a-z]+-\d+)\.woff2\) format\(\"woff2\"\),"
        r"url\(\.\./vendor/fontawesome/webfonts/\1\.ttf\) format\(\"truetype\"\)",
        lambda m: (
            f'src:url(../vendor/fontawesome/webfonts/{m.group(1)}{SUBSET_SUFFIX}) format("woff")'
        ),
        trimmed,
    )
    if trimmed != css:
        sheet.write_text(trimmed, encoding="utf-8")
    return codepoints
