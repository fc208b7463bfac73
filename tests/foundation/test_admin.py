"""An administrator sets up a second partnership through the admin alone."""

import datetime as dt

import pytest
from django.contrib.auth.models import User

from indicators.models import Indicator, Outcome, ReportingPeriod
from portal.models import Area, Membership, Organisation, Population


def inline_management(prefix: str, total: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.fixture
def admin_client_(db, client):
    user = User.objects.create_superuser("root", "root@example.org", "pw")
    client.force_login(user)
    return client


def test_an_administrator_sets_up_a_second_partnership_in_the_admin(admin_client_):
    c = admin_client_
    r = c.post(
        "/admin/portal/organisation/add/",
        {
            "name": "Rutland County Council",
            "short_name": "RCC",
            "slug": "rutland-cc",
            "kind": "county_council",
            "contact_email": "",
            "is_active": "on",
            **inline_management("memberships"),
        },
    )
    assert r.status_code == 302, r.content[:2000]
    org = Organisation.objects.get(slug="rutland-cc")

    r = c.post(
        "/admin/portal/area/add/",
        {
            "name": "Rutland",
            "code": "E06000017",
            "kind": "county",
            "parent": "",
            "display_order": "0",
            **inline_management("populations", 1),
            "populations-0-year": "2016",
            "populations-0-population": "38000",
            "populations-0-source": "ONS mid-year estimate",
        },
    )
    assert r.status_code == 302, r.content[:2000]
    area = Area.objects.get(code="E06000017")
    assert Population.objects.get(area=area, year=2016).population == 38000

    r = c.post(
        "/admin/indicators/outcome/add/",
        {
            "title": "Safer roads",
            "slug": "safer-roads",
            "description": "",
            "rollup_rule": "majority",
            "display_order": "1",
            "is_active": "on",
            **inline_management("indicators"),
        },
    )
    assert r.status_code == 302, r.content[:2000]
    outcome = Outcome.objects.get(slug="safer-roads")

    r = c.post(
        "/admin/indicators/indicator/add/",
        {
            "code": "ksi",
            "title": "People killed or seriously injured on the roads",
            "definition": "",
            "outcome": outcome.pk,
            "owner": org.pk,
            "areas": [area.pk],
            "display_order": "1",
            "is_active": "on",
            "notes": "",
            "unit": "count",
            "formula": "count",
            "aggregation": "sum",
            "numerator_label": "casualties",
            "denominator_label": "",
            "decimal_places": "0",
            "polarity": "lower",
            "rag_method": "contextual",
            "target": "",
            "target_tolerance": "",
            "direction_basis": "previous_year",
            "stable_band": "5",
            "swing_threshold": "25",
            "comparator_group": "",
            **inline_management("definition_changes"),
            **inline_management("targets"),
        },
    )
    assert r.status_code == 302, r.content[:2000]
    assert Indicator.objects.get(code="ksi").areas.get() == area

    r = c.post(
        "/admin/indicators/reportingperiod/add/",
        {
            "year": "2016",
            "quarter": "3",
            "opens_on": "01/01/2017",
            "deadline": "15/02/2017",
            "closes_on": "",
        },
    )
    assert r.status_code == 302, r.content[:2000]
    assert ReportingPeriod.objects.get(year=2016, quarter=3).deadline == dt.date(2017, 2, 15)

    r = c.post(
        "/admin/auth/user/add/",
        {
            "username": "rutland.officer",
            "password1": "a-Long-passphrase-2017",
            "password2": "a-Long-passphrase-2017",
            "usable_password": "true",
            **inline_management("memberships"),
        },
    )
    assert r.status_code == 302, r.content[:2000]
    user = User.objects.get(username="rutland.officer")
    r = c.post(
        "/admin/portal/membership/add/",
        {"user": user.pk, "organisation": org.pk, "role": "submitter"},
    )
    assert r.status_code == 302, r.content[:2000]
    assert Membership.objects.get(user=user).role == "submitter"


@pytest.fixture
def reference(db):
    """What a new indicator refers to: an outcome, an owner and an area."""
    return (
        Outcome.objects.create(title="O", slug="o"),
        Organisation.objects.create(name="Org", slug="org"),
        Area.objects.create(name="A", code="A1", kind="county"),
    )


def _indicator_form(outcome, org, area, **extra) -> dict:
    return {
        "code": "asb",
        "title": "Anti-social behaviour incidents",
        "outcome": outcome.pk,
        "owner": org.pk,
        "areas": [area.pk],
        "display_order": "1",
        "unit": "count",
        "formula": "count",
        "aggregation": "sum",
        "decimal_places": "0",
        "polarity": "lower",
        "rag_method": "target",
        "target": "5000",
        "direction_basis": "previous_year",
        "stable_band": "2",
        "swing_threshold": "25",
        **inline_management("definition_changes"),
        **extra,
    }


def test_a_target_rag_may_rely_on_yearly_targets_alone(admin_client_, reference):
    """With no standing target, a year without its own target rates "no target set"."""
    outcome, org, area = reference
    r = admin_client_.post(
        "/admin/indicators/indicator/add/",
        _indicator_form(outcome, org, area, target="", **inline_management("targets")),
    )
    assert r.status_code == 302
    indicator = Indicator.objects.get()
    assert (indicator.rag_method, indicator.target) == ("target", None)
    assert indicator.target_for(2016) is None


@pytest.mark.parametrize(
    "page",
    [
        "/admin/",
        "/admin/indicators/indicator/?q=crime",
        "/admin/indicators/submission/?state=approved",
        "/admin/indicators/peervalue/?q=crime",
        "/admin/indicators/indicatortarget/",
        "/admin/indicators/comparatorgroup/",
        "/admin/portal/organisation/",
        "/admin/auth/user/",
    ],
)
def test_admin_lists_load_with_the_demo_data(admin_client_, demo, page):
    assert admin_client_.get(page).status_code == 200


def test_an_administrator_sets_a_target_per_financial_year(admin_client_, reference):
    outcome, org, area = reference
    r = admin_client_.post(
        "/admin/indicators/indicator/add/",
        _indicator_form(
            outcome,
            org,
            area,
            **inline_management("targets", 2),
            **{"targets-0-year": "2016", "targets-0-high": "4800", "targets-0-tolerance": "100"},
            **{"targets-1-year": "2017", "targets-1-low": "25", "targets-1-high": "35"},
        ),
    )
    assert r.status_code == 302, r.content[:2000]
    indicator = Indicator.objects.get(code="asb")
    assert indicator.target_for(2016).high == 4800
    assert (indicator.target_for(2017).low, indicator.target_for(2017).high) == (25, 35)
    assert indicator.target_for(2018).high == 5000  # the standing target


def test_a_target_range_the_wrong_way_round_is_refused_in_the_admin(admin_client_, reference):
    outcome, org, area = reference
    r = admin_client_.post(
        "/admin/indicators/indicator/add/",
        _indicator_form(
            outcome,
            org,
            area,
            **inline_management("targets", 2),
            **{"targets-0-year": "2016", "targets-0-low": "40", "targets-0-high": "30"},
            **{"targets-1-year": "2017", "targets-1-note": "no bounds"},
        ),
    )
    assert r.status_code == 200
    page = r.content.decode()
    assert "“At most” cannot be less than “at least”." in page
    assert "Give at least one bound: “at least” or “at most”." in page
    assert not Indicator.objects.exists()


def test_the_indicator_form_shows_its_targets_per_year(admin_client_, demo):
    crime = Indicator.objects.get(code="crime-total")
    page = admin_client_.get(f"/admin/indicators/indicator/{crime.pk}/change/").content.decode()
    assert "targets per financial year" in page.lower()
    assert 'value="48.0000"' in page
