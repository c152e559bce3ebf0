"""The prose says nothing about the data that the data can silently stop supporting.

Every count, rank, superlative and list that comes from the data is glued (computed when the book
is built); a paragraph about particular agreements carries a guard that the build checks. This
lint reads every chapter and fails on a number, a number word or a data superlative that is
neither glued, guarded, nor on the short allow-list below, each entry with its reason.
"""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

import indopacific_st as ip
from indopacific_st import guards

# Phrases that contain a number or superlative but state no fact from the data, with the reason.
ALLOWED = {
    "criterion #": "the seed table's numbered criteria",
    "the two countries": "the parties to a bilateral agreement, not a count of the data",
    "the two governments": "the parties to a bilateral agreement",
    "the two leaders": "the parties to a leaders' statement",
    "the two sides": "the parties to a bilateral agreement",
    "the two ministers": "the signatories of a bilateral statement",
    "the two national security advisers": "the co-chairs of a bilateral dialogue",
    "the two national security councils": "the co-chairs of a bilateral dialogue",
    "the two foreign ministries": "the co-chairs of a bilateral dialogue",
    "five inclusion criteria": "the seed table's fixed design",
    "five criteria": "the seed table's fixed design",
    "23 agreements": "the seed table's fixed length, a historical fact",
    "23 rows": "the seed table's fixed length, a historical fact",
    "more than one partner": "a definition, not a count",
    "at least one": "a condition, not a rank",
    "ISO 3166-1": "the name of a standard",
    "UTF-8": "the name of an encoding",
}
# Words that state a count or a rank. "one" counts only before a noun of the data.
NUMBER_WORDS = (
    "two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen "
    "sixteen seventeen eighteen nineteen twenty twice thrice dozen single"
).split()
DATA_NOUNS = r"(?:agreements?|partners?|rows?|domains?|treaty|treaties|statements?|dialogues?|memorandums?|partnerships?|initiatives?|channels?)"
SUPERLATIVES = "most fewest least shortest longest largest smallest only sole".split()
# "all" and "every" state a fact of the data when they quantify over partners or agreements.
QUANTIFIERS = r"\b(?:all|every|none|neither|both)(?: of)?(?: the| its| their| them)? " + DATA_NOUNS
RANKS = "most fewest least shortest longest largest smallest".split()
MONTHS = (
    "January February March April May June July August September October November December".split()
)

MARKUP = [
    (re.compile(r"^(`{3,}|:{3,})\{guard\}.*?^\1\s*$", re.M | re.S), " "),
    (re.compile(r"^(`{3,}|:{3,}).*?^\1\s*$", re.M | re.S), " "),  # directives, code
    (re.compile(r"\{[a-z:]+\}`[^`]*`"), " "),  # roles: glue, cite, numref, download
    (re.compile(r"`[^`]*`"), " "),  # inline code
    (re.compile(r"\]\([^)]*\)"), "]"),  # link targets
    (re.compile(r"<[^>]+>"), " "),  # HTML
    (re.compile(r"^%.*$", re.M), " "),  # MyST comments
    (re.compile(r"https?://\S+"), " "),
    (re.compile(r"\u201c[^\u201d]*\u201d|\"[^\"]*\""), " "),  # quotations
    # Dates of sources' events: "16 April 2021", "April 2021", "2021", "1-2 December".
    (re.compile(r"\b\d{1,2}(-\d{1,2})? (" + "|".join(MONTHS) + r")\b"), " "),
    (re.compile(r"\b(1[89]|20)\d{2}s?\b"), " "),
    (re.compile(r"#\d+"), " "),
    (re.compile(r"^\s*\d+\.\s", re.M), " "),  # numbered lists
]


# A paragraph about the seed table itself (a fixed historical document) may state its numbers: a
# MyST comment right before it says so, with the reason, e.g. "% fixed: the seed table's numbering".
FIXED = re.compile(r"^%\s*fixed:\s*\S", re.M)


def paragraphs():
    """(where, paragraph, exempt) for every paragraph of every chapter; a paragraph is exempt from
    the count rules when a guard or a '% fixed:' comment stands right before it."""
    for path, cell, text in guards.chapter_texts(ROOT):
        guarded_spans = [(g.end, g.end + 2) for g in guards.guards_in(text, str(path), cell)]
        position = 0
        for block in re.split(r"\n\s*\n", text):
            start = text.find(block, position)
            position = start + len(block)
            before = text[:start].rstrip().rsplit("\n", 1)[-1]
            guarded = bool(FIXED.match(before) or FIXED.match(block)) or any(
                text[end:start].strip() == "" for end, _ in guarded_spans if end <= start
            )
            where = f"{path.relative_to(ROOT)}" + (f", cell {cell}" if cell is not None else "")
            yield where, block, guarded


def plain(paragraph: str) -> str:
    text = paragraph
    for pattern, replacement in MARKUP:
        text = pattern.sub(replacement, text)
    text = " ".join(text.split())
    for phrase in ALLOWED:
        text = re.sub(re.escape(phrase), " ", text, flags=re.I)
    return text


def typed_facts(paragraph: str, guarded: bool) -> list[str]:
    """The words of a paragraph that state a count or superlative nobody computes or checks."""
    text = plain(paragraph)
    found = []
    if not guarded:
        found += re.findall(r"\b\d[\d,.]*%?", text)
        found += re.findall(r"\b(?:" + "|".join(NUMBER_WORDS) + r")\b", text, flags=re.I)
        found += re.findall(r"\bone (?:of the |[a-z-]+ )?" + DATA_NOUNS + r"\b", text, flags=re.I)
        found += re.findall(r"\b(?:" + "|".join(SUPERLATIVES) + r")\b", text, flags=re.I)
        found += re.findall(QUANTIFIERS, text, flags=re.I)
    else:
        found += re.findall(r"\b(?:" + "|".join(RANKS) + r")\b", text, flags=re.I)
    return found


def test_no_typed_numbers_in_the_prose():
    offences = []
    for where, paragraph, guarded in paragraphs():
        words = typed_facts(paragraph, guarded)
        if words:
            offences.append(f'{where}: {sorted(set(words))} in "{guards.first_words(paragraph)}"')
    assert not offences, (
        "Typed numbers or superlatives in the prose (glue them from facts.py, guard the paragraph, "
        "or allow the phrase in tests/test_prose.py with a reason):\n" + "\n".join(offences)
    )


@pytest.mark.parametrize(
    "text, guarded, expected",
    [
        ("Australia's list is the shortest in the dataset.", False, ["shortest"]),
        ("It launched three U.S.-Japan partnerships on one day.", False, ["three"]),
        ("The dataset holds one binding treaty.", False, ["one binding treaty"]),
        ("The seed table lists one agreement with Australia.", False, ["one agreement"]),
        ("Of the {glue:text}`total` agreements, {glue:text}`binding_all` is binding.", False, []),
        ("Signed on 13 January 2023 under criterion #1 {cite:p}`mofa2023`.", False, []),
        ("The dialogue met twice, in 2022 and 2023.", True, []),
        ("The dialogue met twice, in 2022 and 2023.", False, ["twice"]),
        ("Quantum travels furthest; it is the most common domain.", True, ["most"]),
        ('The statement speaks of "two or three initiatives".', False, []),
        ("The two countries signed 2 annexes.", False, ["2"]),
    ],
)
def test_the_lint_finds_typed_facts(text, guarded, expected):
    assert typed_facts(text, guarded) == expected


def test_every_guard_holds(ds):
    """The prose matches the data it is built from (make check says the same)."""
    stale = guards.stale(ds)
    assert not stale, guards.stale_report(stale)


def test_guards_name_real_measures(ds):
    for guard in guards.all_guards(ds):
        for condition in guard.conditions:
            assert condition.current, f"{guard.where}: '{condition.measure}' gives nothing"


def test_a_changed_value_makes_its_paragraph_stale(ds):
    text = "```{guard}\nagreements AU = au-nothing\n```\nAustralia has a short list.\n"
    [guard] = guards.guards_in(text, "chapters/x.md")
    checked = guards.evaluate(ds, guard)
    assert checked.paragraph == "Australia has a short list."
    [condition] = checked.conditions
    assert not condition.holds
    assert condition.current == guards.joined(ip.views.for_partner(ds, "AU")["id"])
    rewritten = guards.rewrite(text, ds, "chapters/x.md", None)
    assert f"agreements AU = {condition.current}\n" in rewritten
    assert rewritten.endswith("```\nAustralia has a short list.\n")


def test_an_unknown_measure_is_reported(ds):
    text = "```{guard}\nagreemnts AU = au-quantum\n```\nText.\n"
    [guard] = guards.guards_in(text, "chapters/x.md")
    with pytest.raises(guards.GuardError, match="'agreemnts' is not a measure; use one of"):
        guards.evaluate(ds, guard)


def test_a_stale_list_is_reported_by_what_it_gained_and_lost(ds):
    """A maintainer reads which agreements a list gained or lost, a few by name, however long it is."""
    current = list(ip.views.for_partner(ds, "AU")["id"])
    many = [f"au-synthetic-{n}" for n in range(20)]
    written = guards.joined([*current[1:], *many])
    text = f"```{{guard}}\nagreements AU = {written}\n```\nAustralia's list.\n"
    [guard] = guards.guards_in(text, "chapters/x.md")
    [condition] = guards.evaluate(ds, guard).conditions
    shown = ", ".join(f"'{i}'" for i in many[:8]).replace(", ", "; ")
    assert condition.change == (
        f"now also '{current[0]}' and no longer {shown} and {len(many) - 8} more"
    )
    report = guards.stale_report([(guard, condition)])
    assert f"'agreements AU' now also '{current[0]}'" in report and "au-synthetic-8" not in report


def test_a_stale_single_value_gives_the_old_and_the_new(ds):
    announced = ds.agreements.set_index("id").loc["au-quantum", "announced"]
    text = "```{guard}\nau-quantum.announced = 1999-01-01\n```\nThe date.\n"
    [guard] = guards.guards_in(text, "chapters/x.md")
    [condition] = guards.evaluate(ds, guard).conditions
    assert condition.change == f"was '1999-01-01', is now '{condition.current}'"
    assert str(announced)[:7] in condition.current


@pytest.mark.parametrize("text", ["4,300", "1.10", "2021", "O'Neil's \"view\"", "(none)", "a\\b"])
def test_glued_text_reaches_the_page_exactly_as_computed(text):
    """{glue:text} reads text/plain with literal_eval: a count of thousands must not become a tuple."""
    from myst_nb.core.variables import format_plain_text

    from indopacific_st.display import Text

    plain = Text(text)._repr_mimebundle_()["text/plain"]
    assert format_plain_text(plain, "") == text
