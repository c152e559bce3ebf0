"""Everything a reader sees decided once: partner colours and shapes, fonts, sizes, number words."""

from __future__ import annotations

# One colour and one point shape per partner, used in every chart of the book. The colours are
# the Okabe-Ito palette (safe for colour-blind readers); the shapes keep partners apart in greyscale.
PARTNER_COLOURS = {
    "JP": "#D55E00",
    "KR": "#0072B2",
    "TW": "#009E73",
    "AU": "#E69F00",
    "SG": "#CC79A7",
    "IN": "#56B4E9",
}
PARTNER_SHAPES = {
    "JP": "circle",
    "KR": "square",
    "TW": "triangle-up",
    "AU": "diamond",
    "SG": "cross",
    "IN": "triangle-down",
}
# Greys for everything that is not a partner: U.S. side, neutral bars, later events.
NEUTRAL = "#4D4D4D"
LIGHT = "#BDBDBD"
US_COLOUR = "#3C3C3C"

# Seed rows and rows added since the seed, told apart the same way in every chart, in greyscale
# too: points of an added agreement are hollow, its bars and cells a lighter tint of the same colour.
ORIGIN_FILL_OPACITY = {"seed": 1.0, "added": 0.0}
ORIGIN_BAR_OPACITY = {"seed": 1.0, "added": 0.4}
# The switch a reader of the HTML uses to show the seed table alone; the PDF shows the first option.
SWITCH_OPTIONS = {"all": "All agreements", "seed": "Seed table only"}
# The three statuses as of the data date, dark to light so that greyscale keeps them apart.
STATUS_COLOURS = {
    "replaced": "#6A3D9A",
    "active-since-2025": "#1B7837",
    "no-activity-since-2025": "#BDBDBD",
}

FONT = "DejaVu Sans"
WIDTH = 560
ROW_HEIGHT = 22
TITLE_SIZE = 15
LABEL_SIZE = 11

NUMBER_WORDS = [
    "none",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def number_word(n: int) -> str:
    """A count as a policy text writes it: words up to twenty, digits above."""
    return NUMBER_WORDS[n] if 0 <= n < len(NUMBER_WORDS) else f"{n:,}"


def plural_noun(word: str) -> str:
    """'dialogue' -> 'dialogues', 'treaty' -> 'treaties'."""
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def plural(n: int, singular: str, plural_form: str | None = None) -> str:
    """'one agreement', 'six agreements'."""
    word = singular if n == 1 else (plural_form or plural_noun(singular))
    return f"{'no' if n == 0 else number_word(n)} {word}"


def share(part: int, whole: int) -> str:
    """A share as a whole percentage."""
    return f"{round(100 * part / whole)}%" if whole else "0%"


def date_text(timestamp, precision: str) -> str:
    """A date written for readers at the precision it is known."""
    if precision == "year":
        return f"{timestamp:%Y}"
    if precision == "month":
        return f"{timestamp:%B %Y}"
    return f"{timestamp.day} {timestamp:%B %Y}"


def vega_config() -> dict:
    """The Vega-Lite config every chart carries."""
    return {
        "font": FONT,
        "view": {"stroke": None},
        "title": {
            "fontSize": TITLE_SIZE,
            "anchor": "start",
            "subtitleFontSize": 12,
            "subtitleColor": NEUTRAL,
            "offset": 12,
        },
        "axis": {
            "labelFontSize": LABEL_SIZE,
            "titleFontSize": LABEL_SIZE,
            "labelColor": "#222222",
            "titleColor": "#222222",
            "gridColor": "#E6E6E6",
            "domainColor": "#888888",
            "tickColor": "#888888",
            "labelLimit": 360,
        },
        "legend": {
            "labelFontSize": LABEL_SIZE,
            "titleFontSize": LABEL_SIZE,
            "orient": "top",
            "direction": "horizontal",
        },
        "header": {"labelFontSize": LABEL_SIZE, "titleFontSize": LABEL_SIZE},
        "text": {"fontSize": LABEL_SIZE},
        "background": "white",
    }


def join_words(words: list[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b, and c' (the serial comma keeps labels that contain 'and' apart)."""
    if len(words) <= 1:
        return "".join(words)
    if len(words) == 2:
        return f"{words[0]} {last} {words[1]}"
    return ", ".join(words[:-1]) + f", {last} " + words[-1]


# A sentence names at most this many agreements and counts the rest: well above any list the
# real data gives (twelve at most), so only a much larger dataset is summarised.
LISTED = 20


def the_named(labels) -> str:
    """'the CoRe Partnership and the Climate Partnership'; beyond LISTED names, '... and 95 others'."""
    labels = list(labels)
    named = [f"the {label}" for label in labels[:LISTED]]
    if len(labels) > LISTED:
        named.append(f"{number_word(len(labels) - LISTED)} others")
    return join_words(named)


def tied(labels: list[str], count: int, noun: str) -> str:
    """One leader or a tie, said plainly: 'quantum (nine agreements)' or
    'quantum, semiconductors, and space, with nine agreements each'."""
    if not labels:
        return "none"
    if len(labels) == 1:
        return f"{labels[0]} ({plural(count, noun)})"
    return f"{join_words(labels)}, with {plural(count, noun)} each"


def lower_first(label: str) -> str:
    """A label inside a sentence: 'Science, technology or IT' -> 'science, technology or IT'."""
    return label[:1].lower() + label[1:]


def portion(part: int, whole: int, owner: str) -> str:
    """'2 of Japan's 6 agreements', 'all 3 of South Korea's agreements', 'Australia's only agreement'."""
    if whole == 1 and part == 1:
        return f"{owner}'s only agreement"
    if part == whole:
        return f"all {whole} of {owner}'s agreements"
    return f"{part} of {owner}'s {whole} agreement{'s' if whole != 1 else ''}"


ORDINALS = ["", "", "second ", "third ", "fourth ", "fifth "]


def rank_text(counts, partner: str) -> str:
    """Where a partner stands by number of agreements: 'the most', 'joint second fewest'..."""
    mine = int(counts.loc[counts["partner"] == partner, "agreements"].iloc[0])
    above = int((counts["agreements"] > mine).sum())
    below = int((counts["agreements"] < mine).sum())
    joint = "joint " if int((counts["agreements"] == mine).sum()) > 1 else ""
    partners = f"the {number_word(len(counts))} partners"
    if above == 0 and below == 0:
        return f"as many as each of {partners}"
    if above <= below:
        return f"the {joint}{ORDINALS[above + 1]}most of {partners}"
    return f"the {joint}{ORDINALS[below + 1]}fewest of {partners}"
