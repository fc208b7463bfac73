"""Fixtures of the workflow tests."""

import pytest

from .helpers import make_submission


@pytest.fixture
def draft(partnership):
    return make_submission(partnership, "draft")


@pytest.fixture
def submitted(partnership):
    return make_submission(partnership, "submitted")
