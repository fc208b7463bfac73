"""`load_demo` never runs in production, and --reset never destroys data it did not create."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from indicators.models import Submission, SubmissionEvent
from portal.models import Organisation


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo", *args, stdout=out)
    return out.getvalue()


def test_load_demo_is_refused_with_debug_off(db, settings):
    settings.DEMO_DATA_ALLOWED = False  # what DEBUG=0 sets
    with pytest.raises(CommandError, match="refused with DEBUG=0"):
        load()
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("make", "named"),
    [
        (lambda: User.objects.create_user("jo.real"), "1 users (jo.real)"),
        (
            lambda: Organisation.objects.create(name="Rutland Council", slug="rutland"),
            "1 organisations (Rutland Council)",
        ),
    ],
    ids=["user", "organisation"],
)
def test_reset_refuses_when_the_database_holds_data_the_demo_did_not_create(db, make, named):
    load()
    make()
    before = Submission.objects.count()
    with pytest.raises(CommandError) as refused:
        load("--reset")
    message = str(refused.value)
    assert "would delete data the demo did not create" in message
    assert named in message
    assert "new, empty database" in message
    assert Submission.objects.count() == before


def test_reset_refuses_when_someone_else_has_worked_on_the_demo(db):
    load()
    someone = User.objects.create_user("real.manager")
    SubmissionEvent.objects.filter(pk=SubmissionEvent.objects.first().pk).update(actor=someone)
    with pytest.raises(CommandError, match=r"workflow events by other people \(real.manager\)"):
        load("--reset")


def test_reset_goes_ahead_on_a_database_holding_only_the_demo(db):
    load()
    assert "Wiped the portal's data" in load("--reset")
