"""Each measure on its own: windows, changes, directions, ratings, benchmarks, status cells.

No database: indicators are unsaved instances, submissions plain raw values.
"""

from __future__ import annotations

from decimal import Decimal

from indicators.models import Indicator, IndicatorTarget, Outcome, Submission
from indicators.quarters import Quarter
from reporting.assembly import Footnotes, RawFigure
from reporting.measures import RowData, cells_for

Q1 = Quarter(2016, 1)
Q2 = Quarter(2016, 2)


def count_indicator(**changes) -> Indicator:
    fields = {
        "pk": 1,
        "code": "offences",
        "title": "Offences",
        "unit": "count",
        "formula": "count",
        "aggregation": "sum",
        "polarity": "lower",
        "decimal_places": 0,
        "rag_method": "target",
        "target": Decimal(100),
        "target_tolerance": Decimal(10),
        "direction_basis": "previous_year",
        "stable_band": Decimal(2),
        "outcome": Outcome(title="Less crime", slug="less-crime"),
    }
    fields.update(changes)
    return Indicator(**fields)


_ids = iter(range(1, 10_000))


def raw(count, status="figure", label="") -> RawFigure:
    return RawFigure(
        id=next(_ids),
        value=None,
        numerator=None if count is None else Decimal(count),
        denominator=None,
        is_nil_return=False,
        covered_start=None,
        covered_end=None,
        covered_label=label,
        status=status,
    )


def quarters_back(end: Quarter, counts: list) -> dict[Quarter, RawFigure]:
    """Counts for the quarters ending with `end`, oldest first."""
    start = end.shift(-(len(counts) - 1))
    return {start.shift(n): raw(c) for n, c in enumerate(counts) if c is not None}


def value_column(key, window, offset="current", **fmt):
    return {
        "key": key,
        "heading": key,
        "measure": "value",
        "options": {"window": window, "offset": offset},
        "format": fmt,
    }


def column(key, measure, **options):
    return {"key": key, "heading": key, "measure": measure, "options": options, "format": {}}


def cells(columns, submissions, quarter=Q2, indicator=None, **extra):
    notes = extra.pop("notes", Footnotes())
    row = RowData(
        indicator=indicator or count_indicator(),
        quarter=quarter,
        area_name="Shire",
        is_district=extra.pop("is_district", False),
        submissions=submissions,
        populations={},
        specs={c["key"]: c for c in columns},
        notes=notes.markers_for,
        **extra,
    )
    return cells_for(row, columns)


# --- windows ---------------------------------------------------------------------------


def test_year_to_date_in_q1_is_the_quarter_alone():
    subs = quarters_back(Q1, [100, 200, 300, 400, 5])
    got = cells([value_column("ytd", "year_to_date")], subs, quarter=Q1)
    assert got["ytd"].text == "5"


def test_year_to_date_in_q4_adds_the_whole_year():
    q4 = Quarter(2016, 4)
    subs = quarters_back(q4, [1, 2, 3, 4])
    assert cells([value_column("ytd", "year_to_date")], subs, quarter=q4)["ytd"].text == "10"


def test_the_previous_period_of_a_q1_is_the_q4_before_it():
    subs = quarters_back(Q1, [7, 11])
    got = cells([value_column("before", "quarter", "previous_period")], subs, quarter=Q1)
    assert got["before"].text == "7"


def test_the_previous_financial_year_from_q1_is_the_four_quarters_before():
    subs = quarters_back(Q1, [1, 2, 3, 4, 50])
    got = cells([value_column("last", "financial_year", "previous_year")], subs, quarter=Q1)
    assert got["last"].text == "10"


def test_same_quarter_last_year_and_rolling_12_months_against_the_previous_12():
    subs = quarters_back(Q2, [10, 20, 30, 40, 11, 21, 31, 41])
    columns = [
        value_column("q", "quarter"),
        value_column("q_last", "quarter", "same_period_last_year"),
        value_column("r12", "rolling_12_months"),
        value_column("r12_last", "rolling_12_months", "same_period_last_year"),
    ]
    got = cells(columns, subs)
    assert [got[k].text for k in ("q", "q_last", "r12", "r12_last")] == ["41", "40", "104", "100"]


def test_a_missing_quarter_in_a_window_is_awaiting_data_with_the_reason():
    subs = quarters_back(Q2, [10, None, 30, 40])
    got = cells([value_column("r12", "rolling_12_months")], subs)
    assert got["r12"].text == "awaiting data"
    assert "Q4 2015/16" in got["r12"].reason


def test_latest_stands_with_its_own_period_label_when_the_quarter_has_none():
    subs = {Q1: raw(55)}
    got = cells([value_column("latest", "latest")], subs)
    assert got["latest"].text == "55 (Apr-Jun 2016)"


def test_thousands_separators_when_the_layout_asks():
    subs = quarters_back(Q2, [31843])
    got = cells([value_column("q", "quarter", thousands=True)], subs)
    assert (got["q"].text, got["q"].number) == ("31,843", "31843")


# --- changes ---------------------------------------------------------------------------

CHANGE_COLUMNS = [
    value_column("before", "quarter", "same_period_last_year"),
    value_column("now", "quarter"),
    column("volume", "change", **{"from": "before", "to": "now", "kind": "volume"}),
    {
        **column("percent", "change", **{"from": "before", "to": "now", "kind": "percent"}),
        "format": {"signed": True},
    },
]


def test_changes_in_volume_and_percent_are_signed():
    subs = {Q2.shift(-4): raw(400), Q2: raw(88)}
    got = cells(CHANGE_COLUMNS, subs)
    assert got["volume"].text == "-312"
    subs = {Q2.shift(-4): raw(400), Q2: raw(417)}
    got = cells(CHANGE_COLUMNS, subs)
    assert (got["volume"].text, got["percent"].text) == ("17", "+4.3%")


def test_a_zero_base_gives_a_reason_not_a_percentage():
    got = cells(CHANGE_COLUMNS, {Q2.shift(-4): raw(0), Q2: raw(5)})
    assert got["percent"].text == ""
    assert "earlier figure is 0" in got["percent"].reason
    assert got["volume"].text == "5"


def test_a_missing_base_gives_a_reason_not_a_change():
    got = cells(CHANGE_COLUMNS, {Q2: raw(5)})
    assert got["volume"].text == "" and "column 'before'" in got["volume"].reason


# --- direction -------------------------------------------------------------------------


def test_direction_none_shows_no_arrow():
    columns = [*CHANGE_COLUMNS[:2], column("dir", "direction", to="now", kind="none")]
    got = cells(columns, {Q2.shift(-4): raw(400), Q2: raw(88)})
    assert (got["dir"].text, got["dir"].value) == ("", "")


def test_direction_between_two_columns_by_polarity():
    columns = [*CHANGE_COLUMNS[:2], column("dir", "direction", to="now", **{"from": "before"})]
    got = cells(columns, {Q2.shift(-4): raw(400), Q2: raw(88)})
    assert (got["dir"].text, got["dir"].words) == ("↑", "improving")


def test_year_to_date_against_a_full_year_never_shows_a_direction():
    subs = quarters_back(Q2, [100, 100, 100, 100, 10, 10])
    columns = [
        value_column("last_year", "financial_year", "previous_year"),
        value_column("ytd", "year_to_date"),
        column("dir", "direction", to="ytd", **{"from": "last_year"}),
    ]
    got = cells(columns, subs)
    assert got["dir"].text == ""
    assert "different lengths of time" in got["dir"].reason


# --- ratings and targets ---------------------------------------------------------------

RAG_COLUMNS = [
    value_column("r12", "rolling_12_months"),
    column("progress", "rag", of="r12"),
    column("target", "target"),
]


def test_no_target_set_is_its_own_grey_rating_with_words():
    indicator = count_indicator(target=None)
    got = cells(RAG_COLUMNS, quarters_back(Q2, [10, 10, 10, 10]), indicator=indicator)
    assert (got["progress"].text, got["progress"].value) == ("no target set", "none")
    assert got["target"].text == "no target set"
    assert got["progress"].words == "no rating: no target set"


def test_a_range_target_for_the_year_rates_and_reads_as_a_range():
    indicator = count_indicator(unit="percentage", formula="direct", aggregation="latest")
    target = IndicatorTarget(indicator_id=1, year=2016, low=Decimal(25), high=Decimal(35))
    subs = {Q2: RawFigure(9, Decimal(30), None, None, False, None, None, "", "figure")}
    got = cells(RAG_COLUMNS, subs, indicator=indicator, targets=[target])
    assert (got["progress"].text, got["target"].text) == ("G", "25–35%")
    subs = {Q2: RawFigure(9, Decimal(40), None, None, False, None, None, "", "figure")}
    assert cells(RAG_COLUMNS, subs, indicator=indicator, targets=[target])["progress"].text == "R"


def test_the_standing_target_reads_one_sided_by_polarity():
    got = cells(RAG_COLUMNS, quarters_back(Q2, [20, 20, 20, 20]))
    assert (got["progress"].text, got["target"].text) == ("G", "≤ 100")


def test_a_contextual_indicator_is_not_rated():
    indicator = count_indicator(rag_method="contextual", target=None)
    got = cells(RAG_COLUMNS, quarters_back(Q2, [1, 1, 1, 1]), indicator=indicator)
    assert (got["progress"].text, got["target"].text) == ("n/a", "n/a")


# --- benchmarks ------------------------------------------------------------------------

GROUP_COLUMNS = [
    value_column("rate", "quarter"),
    column("rank", "group_rank", of="rate"),
    column("lowest", "group_rank", of="rate", order="lowest"),
    column("mean", "group_mean", of="rate"),
    column("distance", "group_distance", of="rate"),
    column("position", "group_position", of="rate", band=5),
]


def test_group_measures_rank_with_ties_and_measure_the_distance_from_the_mean():
    indicator = count_indicator(polarity="higher")
    peers = {Q2: [Decimal(10), Decimal(20), Decimal(30)], Q2.shift(-4): [Decimal(20)] * 3}
    subs = {Q2: raw(20), Q2.shift(-4): raw(10)}
    got = cells(GROUP_COLUMNS, subs, indicator=indicator, peers=peers)
    # Ours (20) ties with one member: both are second of four, higher being better.
    assert got["rank"].text == "2/4"
    assert got["lowest"].text == "2/4"
    assert got["mean"].text == "20"
    assert got["distance"].text == "0.0%"
    # In line now; a year ago 10 against a mean of 17.5 was below: improving.
    assert got["position"].text == "In line ↑"
    assert got["position"].words == "in line the group mean, improving against a year earlier"


def test_group_measures_are_blank_without_comparator_values():
    got = cells(GROUP_COLUMNS, {Q2: raw(20)})
    assert got["rank"].text == "" and "no comparator values" in got["rank"].reason


def test_a_district_rank_is_blank_with_fewer_than_two_ranked_districts():
    subs = quarters_back(Q2, [5, 5, 5, 5])
    columns = [value_column("r12", "rolling_12_months"), column("d", "district_rank", of="r12")]
    got = cells(columns, subs, is_district=True, area_id=7, siblings={7: (subs, {})})
    assert got["d"].text == ""
    other = quarters_back(Q2, [9, 9, 9, 9])
    got = cells(
        columns, subs, is_district=True, area_id=7, siblings={7: (subs, {}), 8: (other, {})}
    )
    assert got["d"].text == "1/2"


def test_a_typed_comparison_reads_as_the_source_published_it():
    sub = Submission(numerator=Decimal(5), nn_rank=3, nn_of=9, county_band="Top")
    columns = [
        column("nn", "typed_comparison", source="nn"),
        column("c", "typed_comparison", source="county"),
    ]
    got = cells(columns, {Q2: sub})
    assert (got["nn"].text, got["c"].text) == ("3/9", "Top")


# --- data status -----------------------------------------------------------------------


def test_not_yet_available_is_said_in_words():
    subs = {Q2: raw(None, status="not_yet_available")}
    got = cells([value_column("q", "quarter"), column("s", "status")], subs)
    assert got["q"].text == "not yet available"
    assert got["s"].text == "Not yet available"


def test_no_new_data_lets_the_last_figure_stand_with_its_period_and_a_footnote():
    notes = Footnotes()
    subs = {Q1: raw(55), Q2: raw(None, status="no_new_data")}
    got = cells([value_column("q", "quarter"), column("s", "status")], subs, notes=notes)
    assert got["q"].text == "55* (Apr-Jun 2016)"
    assert got["s"].text == "No new data published"
    assert [(n.marker, n.text) for n in notes.as_list()] == [
        ("*", "No new data published since Apr-Jun 2016")
    ]


def test_quarters_of_the_year_side_by_side_with_a_later_one_still_awaited():
    subs = quarters_back(Q2, [5, 7])
    columns = [value_column(k, "quarter", k) for k in ("fy_q1", "fy_q2", "fy_q3")]
    got = cells(columns, subs)
    assert [got[k].text for k in ("fy_q1", "fy_q2", "fy_q3")] == ["5", "7", "awaiting data"]
