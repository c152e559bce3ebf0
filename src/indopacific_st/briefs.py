"""`python -m indopacific_st briefs`: a short PDF per partner, from the same data as the book.

Each brief has a cover block, the partner's key numbers, its charts (the same figures as the book,
rendered for print by `Figure.pdf()`), its agreements with their sources, the latest activity to
watch and how to cite it. The text is computed from the data; the partner chapter's hand-written
paragraphs are not repeated, but when any of them is stale the brief says so on its first page.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from indopacific_st import bibliography, charts, facts, guards, print_style, style, views
from indopacific_st.dataset import Dataset
from indopacific_st.validation import SOURCE_KINDS

LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/"
WATCH_COUNT = 4  # latest recorded events listed under "What to watch"

# The book's print style in a short document: its fonts (from _config.yml), colours, heads and
# titles. The first page opens with a band in the charts' U.S. grey and the partner's colour.
PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[margin=1.8cm,top=2.6cm,bottom=2.4cm,headheight=14pt]{geometry}
\usepackage{xcolor}
<<fonts>>
<<colours>>
\usepackage{graphicx}
\usepackage{tikz}
\usepackage{xurl}
\urlstyle{same}
\usepackage[hidelinks]{hyperref}
\usepackage{fancyhdr}
\usepackage{enumitem}
\usepackage{titlesec}
\usepackage{needspace}
\setlist{itemsep=2pt,topsep=4pt}
\titleformat{\section}{\sffamily\bfseries\large\color{ReportInk}}{}{0pt}{}
\titlespacing*{\section}{0pt}{12pt plus 3pt minus 2pt}{4pt}
\newcommand{\BriefHeadFont}{\sffamily\footnotesize\color{ReportGrey}}
\pagestyle{fancy}
\fancyhf{}
\renewcommand{\headrule}{{\color{ReportRule}\hrule height\headrulewidth \vskip-\headrulewidth}}
\fancypagestyle{plain}{\fancyhf{}\fancyfoot[R]{\BriefHeadFont\thepage}%
  \renewcommand{\headrulewidth}{0pt}}
\setlength{\parindent}{0pt}
\setlength{\parskip}{5pt}
\linespread{1.05}
% A long agreement name is not pushed into the margin when a justified line cannot take it.
\setlength{\emergencystretch}{3em}
\raggedbottom
\renewcommand{\topfraction}{0.9}
\renewcommand{\textfraction}{0.07}
\renewcommand{\floatpagefraction}{0.8}
"""


def tex(text: object) -> str:
    """Text from the data, shown literally in LaTeX."""
    value = " ".join(str(text).split())
    value = value.replace("\\", "\\textbackslash{}")
    value = print_style.latex_escape(value)
    return value.replace("~", "\\textasciitilde{}").replace("^", "\\textasciicircum{}")


def slug(ds: Dataset, partner: str) -> str:
    """The partner's chapter name, e.g. 'south-korea'."""
    return ds.vocabulary.partners[partner].lower().replace(" ", "-")


def source_line(key: str, entries: dict[str, dict[str, str]]) -> str:
    fields = entries.get(key, {})
    who = fields.get("author") or fields.get("organization") or fields.get("publisher") or ""
    # BibTeX braces (that keep a title's capitals) are not part of the text.
    parts = [
        tex(p.replace("{", "").replace("}", ""))
        for p in (who, fields.get("title", key), fields.get("year", ""))
        if p
    ]
    url = fields.get("url", "")
    return ". ".join(parts) + (f". \\url{{{url}}}" if url else ".")


def key_numbers(ds: Dataset, partner: str) -> list[str]:
    f = facts.partner_facts(ds, partner)
    label = ds.vocabulary.partners[partner]
    return [
        f"{f['count']} agreements with {tex(label)} ({tex(f['share'])} of the dataset's {f['total']}); "
        f"{tex(f['rank_text'])}.",
        f"Announced from {tex(f['first'])} to {tex(f['last'])}.",
        f"{f['seed_count']} from the seed table, {f['added_count']} added from the sources.",
        f"{f['binding']} legally binding; {f['leader_level']} signed at the level of head of "
        f"government; {f['nsc_led']} run by national security councils; {f['commerce_led']} by "
        "commerce, trade or industry ministries.",
        f"{f['domains_covered']} of the {f['domains_total']} technology domains covered.",
    ]


def best_sources(ds: Dataset, keys: list[str]) -> list[str]:
    """The official sources, or if there are none the sources of the next kind (repost, news,
    research): the brief stays short; the report lists every source."""
    for kind in SOURCE_KINDS:
        found = [k for k in keys if ds.source_kinds.get(k) == kind]
        if found:
            return found
    return list(keys)


def agreement_items(ds: Dataset, partner: str, entries: dict[str, dict[str, str]]) -> list[str]:
    items = []
    for _, row in views.for_partner(ds, partner).iterrows():
        date = style.date_text(row["announced_date"], row["precision"])
        sources = [source_line(k, entries) for k in best_sources(ds, row["sources"])]
        sources = sources or ["No source found."]
        items.append(
            # \item{} so that a name opening with "[" is not read as the item's label.
            f"\\item{{}} \\textbf{{{tex(row['name'])}}} ({tex(date)}; {tex(row['type_label'])})\n"
            "{\\par\\scriptsize\\raggedright " + " \\textbullet{} ".join(sources) + "\\par}"
        )
    return items


def watch_items(ds: Dataset, partner: str) -> list[str]:
    """The latest recorded events of the partner's agreements, newest first."""
    own = views.for_partner(ds, partner).set_index("id")
    events = ds.events[ds.events["agreement_id"].isin(own.index)]
    events = events.sort_values("event_date", ascending=False).head(WATCH_COUNT)
    return [
        f"\\item{{}} {tex(style.date_text(e['event_date'], e['precision']))}: "
        f"{tex(own.loc[e['agreement_id'], 'label'])}: {tex(e['event'])}"
        for _, e in events.iterrows()
    ]


def stale_notice(ds: Dataset, partner: str) -> str:
    chapter = slug(ds, partner)
    stale = [g for g, _ in guards.stale(ds) if Path(g.file).stem == chapter]
    if not stale:
        return ""
    return (
        "\\fbox{\\parbox{\\dimexpr\\linewidth-2\\fboxsep}{\\textbf{Check against the data.} "
        f"{len(stale)} statement(s) in the report's {tex(ds.vocabulary.partners[partner])} "
        "chapter no longer match the data; the numbers in this brief follow the data.}}\n\n"
    )


def cover(ds: Dataset, partner: str, look: dict[str, str]) -> str:
    """The first page's band: the report's grey with the partner's colour under it, the title in
    it; then the edition's facts, the licence and how to cite."""
    label = tex(ds.vocabulary.partners[partner])
    organisation = tex(look["organisation"])
    updated = f"{ds.updated.day} {ds.updated:%B %Y}"
    version = tex(ds.version)
    title = f"U.S. Science and Technology Agreements with {label}"
    return (
        "\\thispagestyle{plain}\n"
        "\\begin{tikzpicture}[remember picture,overlay]\n"
        "\\fill[ReportInk] (current page.north west) rectangle ([yshift=-4.4cm]current page.north east);\n"
        f"\\fill[ReportPartner{partner}] ([yshift=-4.4cm]current page.north west) "
        "rectangle ([yshift=-4.8cm]current page.north east);\n"
        "\\node[anchor=north west,text width=17cm,align=left,inner sep=0pt] "
        "at ([xshift=1.8cm,yshift=-1.3cm]current page.north west) {"
        f"{{\\sffamily\\small\\color{{white!80!ReportInk}}PARTNER BRIEF \\quad {organisation}\\par}}"
        "\\vspace{0.5cm}"
        f"{{\\sffamily\\bfseries\\LARGE\\color{{white}}\\spaceskip=\\fontdimen2\\font\\hyphenpenalty=10000 \\exhyphenpenalty=10000 {title}\\par}}}};\n"
        "\\end{tikzpicture}\n"
        "\\vspace*{2.4cm}\n\n"
        f"{{\\sffamily\\small Data version {version}, updated {updated}. Full report, with "
        f"interactive charts and the data: \\url{{{look['url']}}}\\par}}\n"
        f"{{\\sffamily\\small Cite as: {organisation}, \\emph{{{title}: partner brief}}, "
        f"data version {version} ({updated}), \\url{{{look['url']}}}. "
        f"Text and data licensed under CC BY 4.0 (\\url{{{LICENCE_URL}}}).\\par}}\n"
    )


def chart_floats(figures: list[tuple[str, float]]) -> str:
    """The partner's charts, each no narrower than its print rendering allows (chart text stays
    at 7 pt or more). They float to the top of a page when they do not fit where they are called,
    and the text runs on, so no page is left half empty (a chart carries its own title)."""
    return "\n".join(
        f"\\begin{{figure}}[!htb]\\centering\\includegraphics[width={width:.0f}pt]{{{name}}}"
        "\\end{figure}"
        for name, width in figures
    )


def watch_section(ds: Dataset, partner: str) -> str:
    watch = watch_items(ds, partner) or ["\\item No later event is recorded."]
    return (
        # The heading stays with its first items, not alone at the foot of a page.
        "\\Needspace{8\\baselineskip}\\section*{What to watch}\n"
        "The latest activity the sources record:\n"
        "\\begin{itemize}\n" + "\n".join(watch) + "\n\\end{itemize}\n"
    )


def document(
    ds: Dataset, partner: str, look: dict[str, str], figures: list[tuple[str, float]]
) -> str:
    """The LaTeX source of one partner's brief."""
    label = tex(ds.vocabulary.partners[partner])
    entries = ds_entries(ds)
    preamble = PREAMBLE.replace("<<fonts>>", look["fonts"]).replace(
        "<<colours>>", print_style.colour_definitions()
    )
    return (
        preamble
        + f"\\fancyhead[L]{{\\BriefHeadFont Partner brief: {label}}}\n"
        + f"\\fancyhead[R]{{\\BriefHeadFont {tex(look['short_title'])}}}\n"
        + "\\fancyfoot[R]{\\BriefHeadFont\\thepage}\n"
        + "\\begin{document}\n"
        + cover(ds, partner, look)
        + stale_notice(ds, partner)
        + "\\section*{Key numbers}\n\\begin{itemize}\n"
        + "\n".join(f"\\item {line}" for line in key_numbers(ds, partner))
        + "\n\\end{itemize}\n"
        + chart_floats(figures)
        + watch_section(ds, partner)
        + "\\Needspace{8\\baselineskip}\\section*{The agreements and their sources}\n"
        + "Official sources where there are any, otherwise the best available; the full report "
        + "lists every source.\n\\begin{itemize}\n"
        + "\n".join(agreement_items(ds, partner, entries))
        + "\n\\end{itemize}\n"
        + "\\end{document}\n"
    )


def ds_entries(ds: Dataset) -> dict[str, dict[str, str]]:
    found, _ = bibliography.entries(ds.root / "references.bib")
    return found or {}


PARTNER_CHARTS = (charts.timeline_chart, charts.ministry_chart)


def build(ds: Dataset, out: Path, partners: list[str] | None = None) -> list[Path]:
    """One PDF per partner (all, or those listed) in `out`; the LaTeX sources and logs stay in
    `out`/work."""
    look = print_style.settings(ds.root)
    work = out / "work"
    work.mkdir(parents=True, exist_ok=True)
    built = []
    for partner in partners or ds.vocabulary.partners:
        name = slug(ds, partner)
        figures = []
        for position, make in enumerate(PARTNER_CHARTS):
            figure = f"{name}-{position}.pdf"
            chart = make(ds, partner)
            (work / figure).write_bytes(chart.pdf())
            figures.append((figure, chart.print_width()))
        (work / f"{name}.tex").write_text(document(ds, partner, look, figures), encoding="utf-8")
        for _ in range(2):  # the second run settles the page layout
            subprocess.run(
                ["xelatex", "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"],
                cwd=work,
                check=True,
                capture_output=True,
            )
        shutil.copy(work / f"{name}.pdf", out / f"{name}.pdf")
        built.append(out / f"{name}.pdf")
    return built
