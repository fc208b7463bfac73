"""Fixtures for the people's pages in the browser."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests.conftest import Partnership
from tests.workflow.test_browser_journey import PASSWORD


@pytest.fixture
def browser_people(partnership, transactional_db) -> Partnership:
    """The personas, each able to sign in through the browser with the journey's password."""
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save()
    return partnership
