"""Quarters, overrides and publication: the services check the actor's role themselves, write
an audit entry (who, when, what), and two people at once give one result and one conflict."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import approved
from django.urls import reverse
from django.utils import timezone

from indicators import workflow
from indicators.models import Override, ReportingPeriod
from indicators.quarters import Quarter
from portal.models import AuditEntry
from reporting.models import Publication
from reporting.publishing import PublishError, publish

A = AuditEntry.Action


def services(p):
    """Each service as a call taking only the actor."""
    return {
        "open a quarter": lambda who: workflow.open_quarter(Quarter(2016, 3), who),
        "change a deadline": lambda who: workflow.set_deadline(
            p.open_period, dt.date(2099, 12, 1), who
        ),
        "close a quarter": lambda who: workflow.close_quarter(p.open_period, who),
        "set an override": lambda who: workflow.set_override(
            "rag", p.crime, p.county, p.open_period, "G", "On the trend", who
        ),
        "clear an override": lambda who: workflow.clear_override(
            Override.objects.create(
                kind="rag",
                indicator=p.crime,
                area=p.county,
                period=p.open_period,
                value="A",
                reason="Judged",
                author=p.approver,
            ),
            who,
        ),
        "publish": lambda who: publish(p.closed_period, who),
    }


SERVICES = [
    "open a quarter",
    "change a deadline",
    "close a quarter",
    "set an override",
    "clear an override",
    "publish",
]


@pytest.mark.parametrize("service", SERVICES)
@pytest.mark.parametrize("persona", ["submitter_a", "viewer"])
def test_each_service_refuses_an_actor_without_the_role(partnership, service, persona):
    call = services(partnership)[service]
    with pytest.raises((workflow.WorkflowError, PublishError)) as refused:
        call(getattr(partnership, persona))
    assert refused.value.code == "permission"
    assert "Only a performance manager can" in refused.value.message
    assert not AuditEntry.objects.exists()
    assert not ReportingPeriod.objects.filter(year=2016, quarter=3).exists()
    assert not Publication.objects.exists()
    assert not ReportingPeriod.objects.filter(closed_at__isnull=False, quarter=2).exists()


@pytest.mark.parametrize(
    ("service", "action", "subject"),
    [
        ("open a quarter", A.PERIOD_OPENED, "Q3 2016/17"),
        ("change a deadline", A.DEADLINE_CHANGED, "Q2 2016/17"),
        ("close a quarter", A.PERIOD_CLOSED, "Q2 2016/17"),
        ("set an override", A.OVERRIDE_SET, "Progress RAG of"),
        ("clear an override", A.OVERRIDE_CLEARED, "Progress RAG of"),
        ("publish", A.PUBLISHED, "Q1 2016/17"),
    ],
)
def test_each_service_writes_who_when_and_what(partnership, service, action, subject):
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=3000)
    before = timezone.now()
    services(p)[service](p.approver)
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == (action, p.approver)
    assert entry.subject.startswith(subject)
    assert before <= entry.at <= timezone.now()


def test_the_deadline_entry_records_the_old_and_new_dates(partnership):
    p = partnership
    workflow.set_deadline(p.open_period, dt.date(2099, 12, 1), p.approver)
    assert AuditEntry.objects.get().details == {"deadline": ["2099-11-11", "2099-12-01"]}


def test_an_override_set_by_a_colleague_since_the_page_loaded_is_a_conflict(partnership):
    p = partnership
    loaded = timezone.now()
    first = workflow.set_override(
        "rag", p.crime, p.county, p.open_period, "G", "On the trend", p.approver
    )
    with pytest.raises(workflow.WorkflowError) as conflict:
        workflow.set_override(
            "rag",
            p.crime,
            p.county,
            p.open_period,
            "R",
            "Off target",
            p.approver_2,
            seen_at=loaded,
        )
    assert conflict.value.code == "conflict"
    assert "set this override while you were working on it" in conflict.value.message
    assert list(Override.objects.filter(is_active=True)) == [first]
    assert AuditEntry.objects.filter(action=A.OVERRIDE_SET).count() == 1


def test_an_override_set_after_seeing_the_colleagues_one_replaces_it(partnership):
    p = partnership
    workflow.set_override("rag", p.crime, p.county, p.open_period, "G", "Trend", p.approver)
    seen = timezone.now()
    mine = workflow.set_override(
        "rag", p.crime, p.county, p.open_period, "R", "Off target", p.approver_2, seen_at=seen
    )
    assert list(Override.objects.filter(is_active=True)) == [mine]


def test_the_override_page_shows_the_conflict_to_the_second_approver(client, partnership):
    p = partnership
    url = reverse("indicators:overrides", args=[p.open_period.as_quarter])
    client.force_login(p.approver_2)
    loaded_at = client.get(url).context["form"]["loaded_at"].value()
    workflow.set_override("rag", p.crime, p.county, p.open_period, "G", "Trend", p.approver)
    response = client.post(
        url,
        {
            "kind": "rag",
            "indicator": p.crime.pk,
            "area": p.county.pk,
            "value": "R",
            "reason": "Off target",
            "loaded_at": loaded_at,
        },
    )
    assert response.status_code == 400
    assert "set this override while you were working on it" in response.content.decode()
    assert Override.objects.get(is_active=True).value == "G"


def test_a_double_clicked_publish_creates_one_revision(client, partnership):
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=3000)
    url = reverse("reporting:publish", args=[p.closed_period.code])
    client.force_login(p.approver)
    form = client.get(url).context["form"]
    data = {"note": "", "published": form["published"].value()}
    first, second = client.post(url, data), client.post(url, data)
    assert first.status_code == 302
    assert "was published a moment ago" in second.content.decode()
    assert (
        Publication.objects.filter(period=p.closed_period).count()
        == Publication.objects.filter(period=p.closed_period, revision=1).count()
        > 0
    )
    assert AuditEntry.objects.filter(action=A.PUBLISHED).count() == 1


def test_a_double_clicked_republish_with_a_note_creates_one_revision(client, partnership):
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=3000)
    publish(p.closed_period, p.approver)
    url = reverse("reporting:publish", args=[p.closed_period.code])
    client.force_login(p.approver)
    shown = client.get(url).context["form"]["published"].value()
    data = {"note": "Crime corrected.", "published": shown}
    client.post(url, data)
    client.post(url, data)
    assert sorted(set(Publication.objects.values_list("revision", flat=True))) == [1, 2]
