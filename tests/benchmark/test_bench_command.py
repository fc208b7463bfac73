"""`manage.py bench`: refuses a database that is not its own; its data and lines are sound."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from bench import data, measures
from indicators.models import Submission


def test_it_refuses_a_database_whose_name_does_not_say_bench(db):
    with pytest.raises(CommandError, match="contains 'bench'"):
        call_command("bench")


def test_the_generated_partnership_has_history_and_an_open_quarter(db):
    world = data.build(indicators=4, areas=3, quarters=5)
    approved = Submission.objects.approved()
    assert approved.count() == 4 * 3 * 5
    assert all(p.is_closed() for p in world.periods)
    assert not world.open_period.is_closed()
    waiting = Submission.objects.filter(period=world.open_period)
    assert sorted(waiting.values_list("state", flat=True)) == ["draft"] * 6 + ["submitted"] * 6
    owner = world.submitter_for(world.indicators[1])
    assert owner.memberships.get().organisation == world.indicators[1].owner


def test_a_line_says_measured_goal_ratio_and_verdict():
    assert str(measures.at_most("x", "12ms", 0.5, 1)) == "x measured=12ms goal=<=1x ratio=0.50 pass"
    assert str(measures.at_least("y", "3req/s", 0.2, 0.5)) == (
        "y measured=3req/s goal=>=0.5x ratio=0.20 fail"
    )
