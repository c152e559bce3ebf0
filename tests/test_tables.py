"""The report's tables, built from the data with no book build: captions, the classes the web
edition's sorting and filters read, and tables that stay bounded when the data grows."""

from __future__ import annotations

import re

import pytest
from test_prose import typed_facts

from indopacific_st import tables, views
from indopacific_st.display import LIST_SEPARATOR, Table, class_name


def every_table(ds) -> list[Table]:
    """The tables the chapters show, made as the chapters make them."""
    made = [tables.screened_table(ds)]
    for code in ds.vocabulary.partners:
        made += [
            tables.agreements_table(ds, code),
            tables.review_table(ds, partner=code),
            tables.status_table(ds, code),
        ]
    made += [
        tables.review_table(ds, findings=("correction", "disagreement")),
        tables.criteria_table(ds),
        tables.agreements_table(ds),
        tables.institutions_table(ds),
    ]
    made += [tables.dictionary_table(ds, r["name"]) for r in ds.descriptor["resources"]]
    return made


def test_every_table_has_a_neutral_caption(ds):
    """A caption states no count or rank that nobody computes (the prose lint applies)."""
    for table in every_table(ds):
        assert table.caption, table.frame.columns
        assert typed_facts(table.caption, guarded=False) == [], table.caption


def test_filters_and_dates_name_columns_of_their_table(ds):
    for table in every_table(ds):
        assert set(table.filters) | set(table.dates) <= set(table.frame.columns), table.caption
        assert set(table.lists) <= set(table.filters), table.caption
        classes = table.classes().split()
        assert "longtable" in classes
        for column in table.filters:
            assert f"report-filter-{class_name(column)}" in classes


def test_list_cells_split_cleanly(ds):
    """report-tables.js splits a list cell on the separator: no value of a list may contain it."""
    assert {c for t in every_table(ds) for c in t.lists} == {"Partners", "Domains"}
    labels = [*ds.vocabulary.partners.values(), *ds.vocabulary.domains.values()]
    assert not [label for label in labels if LIST_SEPARATOR in label]


def test_agreement_table_offers_partner_type_and_domain_filters(ds):
    assert tables.agreements_table(ds).filters == ("Partners", "Type", "Domains")
    assert tables.agreements_table(ds, "JP").filters == ("Type", "Domains")


def test_data_dictionary_covers_every_field(ds):
    for resource in ds.descriptor["resources"]:
        table = tables.dictionary_table(ds, resource["name"])
        assert list(table.frame["Column"]) == [f["name"] for f in resource["schema"]["fields"]]
        assert resource["path"] in table.caption


GROWING = {
    "agreements of a partner": (lambda ds: tables.agreements_table(ds, "JP"), tables.CHAPTER_ROWS),
    "status of a partner's agreements": (
        lambda ds: tables.status_table(ds, "TW"),
        tables.CHAPTER_ROWS,
    ),
    "agreements in the data appendix": (tables.agreements_table, tables.BOOK_ROWS),
    "rows that strain the criteria": (tables.criteria_table, tables.BOOK_ROWS),
}


@pytest.mark.parametrize("kind", GROWING)
def test_a_table_of_100x_data_is_bounded(ds_100x, ds, kind):
    """At 100 times the agreements a table shows at most its limit of rows, says how many there
    are and where they all are, and weighs about what its limit of today's rows would."""
    make, limit = GROWING[kind]
    big, today = make(ds_100x), make(ds)
    assert len(big.frame) <= limit < big.total
    markdown = big.markdown()
    assert f"Shown: {len(big.frame)} of {big.total} rows" in markdown
    assert re.search(r"\{download\}`agreements\.csv </data/agreements\.csv>`", markdown)
    per_row_today = len(today.markdown()) / len(today.frame)
    assert len(markdown) <= 1.5 * limit * per_row_today, (len(markdown), per_row_today)


def test_a_bounded_table_shows_the_latest_agreements(ds_100x):
    table = tables.agreements_table(ds_100x, "KR")
    every = views.for_partner(ds_100x, "KR")
    assert list(table.frame["Agreement"]) == list(every.tail(tables.CHAPTER_ROWS)["name"])
    assert table.total == len(every)
