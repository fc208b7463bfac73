"""URLs of the submission and approval workflow (included by indicators/urls.py).

A quarter is named in URLs by its code with a dash for the slash: /quarters/2016-17-Q3/.
"""

from django.urls import path, register_converter

from .quarters import Quarter
from .views import periods, quarter, review, submitter


class QuarterConverter:
    """'2016-17-Q3' ⇄ Quarter(2016, 3); anything else does not match (404)."""

    regex = r"\d{4}-\d{2}-Q[1-4]"

    def to_python(self, value: str) -> Quarter:
        year, rest = value[:4], value[5:]
        return Quarter.from_code(f"{year}/{rest}")

    def to_url(self, value) -> str:
        quarter = value.as_quarter if hasattr(value, "as_quarter") else value
        return quarter.code.replace("/", "-")


register_converter(QuarterConverter, "quarter")

urlpatterns = [
    path("submissions/", submitter.my_submissions, name="my_submissions"),
    path("submissions/quarter/<quarter:quarter>/", quarter.quarter_return, name="quarter_return"),
    path(
        "submissions/quarter/<quarter:quarter>/rows/<int:pk>/",
        quarter.quarter_row_save,
        name="quarter_row_save",
    ),
    path("submissions/start/", submitter.submission_start, name="submission_start"),
    path("submissions/<int:pk>/", submitter.submission_edit, name="submission_edit"),
    path(
        "submissions/<int:pk>/withdraw/",
        submitter.submission_withdraw,
        name="submission_withdraw",
    ),
    path(
        "submissions/<int:pk>/history/",
        submitter.submission_history,
        name="submission_history",
    ),
    path("review/", review.review_queue, name="review_queue"),
    path("review/approve-selected/", review.bulk_approve, name="bulk_approve"),
    path("review/<int:pk>/", review.submission_review, name="submission_review"),
    path("review/<int:pk>/approve/", review.submission_approve, name="submission_approve"),
    path("review/<int:pk>/return/", review.submission_return, name="submission_return"),
    path("review/<int:pk>/reopen/", review.submission_reopen, name="submission_reopen"),
    path("quarters/", periods.period_list, name="period_list"),
    path("quarters/open/", periods.period_open, name="period_open"),
    path("quarters/<quarter:quarter>/", periods.tracker, name="tracker"),
    path("quarters/<quarter:quarter>/remind/", periods.tracker_remind, name="tracker_remind"),
    path("quarters/<quarter:quarter>/tracker.csv", periods.tracker_csv, name="tracker_csv"),
    path("quarters/<quarter:quarter>/deadline/", periods.period_deadline, name="period_deadline"),
    path("quarters/<quarter:quarter>/close/", periods.period_close, name="period_close"),
    path("quarters/<quarter:quarter>/overrides/", periods.overrides, name="overrides"),
    path(
        "quarters/<quarter:quarter>/overrides/<int:pk>/clear/",
        periods.override_clear,
        name="override_clear",
    ),
]
