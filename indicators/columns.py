"""The long-format columns of published values: the open-data CSV and the historic import.

One list, so the open data exported by one portal loads into another unchanged.
"""

OPEN_DATA_COLUMNS = [
    "indicator_code",
    "indicator_title",
    "area_code",
    "area_name",
    "quarter",  # 2016/17-Q2
    "figure",  # the figure this quarter's values give on their own (read-only on import)
    "value",
    "numerator",
    "denominator",
    "unit",
    "covered_start",  # ISO dates; blank when the value covers the quarter itself
    "covered_end",
    "covered_label",
    "nil_return",  # yes / no
    "provisional",
    "estimated",
    "footnote",
    "revision",  # the submission's version number
]
