import datetime as dt

import pytest

from indicators.quarters import FinancialYear, Quarter, british_date, period_label


@pytest.mark.parametrize(
    "number, start, end, code, label",
    [
        (1, dt.date(2016, 4, 1), dt.date(2016, 6, 30), "2016/17-Q1", "Q1 2016/17 (Apr–Jun 2016)"),
        (2, dt.date(2016, 7, 1), dt.date(2016, 9, 30), "2016/17-Q2", "Q2 2016/17 (Jul–Sep 2016)"),
        (3, dt.date(2016, 10, 1), dt.date(2016, 12, 31), "2016/17-Q3", "Q3 2016/17 (Oct–Dec 2016)"),
        (4, dt.date(2017, 1, 1), dt.date(2017, 3, 31), "2016/17-Q4", "Q4 2016/17 (Jan–Mar 2017)"),
    ],
)
def test_each_quarter_has_its_dates_code_and_label(number, start, end, code, label):
    q = Quarter(2016, number)
    assert (q.start, q.end, q.code, q.label) == (start, end, code, label)


def test_codes_parse_back_to_the_same_quarter():
    for number in (1, 2, 3, 4):
        q = Quarter(2016, number)
        assert Quarter.from_code(q.code) == q


@pytest.mark.parametrize("bad", ["2016-Q2", "2016/18-Q2", "2016/17-Q5", "", "Q2 2016/17"])
def test_a_malformed_code_is_refused_with_a_readable_message(bad):
    with pytest.raises(ValueError, match="2016/17-Q2"):
        Quarter.from_code(bad)


def test_a_quarter_outside_1_to_4_is_refused():
    with pytest.raises(ValueError, match="1 to 4"):
        Quarter(2016, 0)


@pytest.mark.parametrize(
    "day, expected",
    [
        (dt.date(2016, 4, 1), Quarter(2016, 1)),
        (dt.date(2016, 9, 30), Quarter(2016, 2)),
        (dt.date(2016, 12, 31), Quarter(2016, 3)),
        (dt.date(2017, 1, 1), Quarter(2016, 4)),
        (dt.date(2017, 3, 31), Quarter(2016, 4)),
    ],
)
def test_a_day_falls_in_the_financial_year_quarter(day, expected):
    assert Quarter.containing(day) == expected


def test_shifting_crosses_financial_year_boundaries():
    assert Quarter(2016, 4).next() == Quarter(2017, 1)
    assert Quarter(2016, 1).previous() == Quarter(2015, 4)
    assert Quarter(2016, 2).same_quarter_last_year() == Quarter(2015, 2)
    assert Quarter(2016, 2).shift(-9) == Quarter(2014, 1)


def test_rolling_year_is_the_four_quarters_ending_with_this_one():
    assert Quarter(2016, 2).rolling_year() == [
        Quarter(2015, 3),
        Quarter(2015, 4),
        Quarter(2016, 1),
        Quarter(2016, 2),
    ]
    window = Quarter(2016, 2).rolling_year()
    assert (window[0].start, window[-1].end) == (dt.date(2015, 10, 1), dt.date(2016, 9, 30))


def test_previous_financial_year_of_a_quarter():
    fy = Quarter(2016, 2).financial_year.previous()
    assert fy.label == "2015/16" and fy.dashed_label == "2015-16"
    assert (fy.start, fy.end) == (dt.date(2015, 4, 1), dt.date(2016, 3, 31))
    assert fy.quarters() == [Quarter(2015, n) for n in (1, 2, 3, 4)]
    assert FinancialYear.containing(dt.date(2016, 3, 31)) == fy


@pytest.mark.parametrize(
    "start, end, label",
    [
        (dt.date(2015, 4, 1), dt.date(2016, 3, 31), "2015-16"),
        (dt.date(2015, 4, 1), dt.date(2015, 12, 31), "Apr-Dec 2015"),
        (dt.date(2015, 7, 1), dt.date(2016, 6, 30), "Jul 2015-Jun 2016"),
    ],
)
def test_covered_periods_get_the_dashboards_labels(start, end, label):
    assert period_label(start, end) == label


def test_dates_are_written_the_british_way():
    assert british_date(dt.date(2016, 9, 30)) == "30 Sep 2016"
