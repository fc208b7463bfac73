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


def test_the_admin_explains_a_target_rag_without_a_target(admin_client_):
    org = Organisation.objects.create(name="Org", slug="org")
    outcome = Outcome.objects.create(title="O", slug="o")
    area = Area.objects.create(name="A", code="A1", kind="county")
    r = admin_client_.post(
        "/admin/indicators/indicator/add/",
        {
            "code": "x",
            "title": "X",
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
            "target": "",
            "direction_basis": "previous_year",
            "stable_band": "5",
            "swing_threshold": "25",
            **inline_management("definition_changes"),
        },
    )
    assert r.status_code == 200
    assert "A target is needed when RAG is set by target." in r.content.decode()
    assert not Indicator.objects.exists()


@pytest.mark.parametrize(
    "page",
    [
        "/admin/",
        "/admin/indicators/indicator/?q=crime",
        "/admin/indicators/submission/?state=approved",
        "/admin/portal/organisation/",
        "/admin/auth/user/",
    ],
)
def test_admin_lists_load_with_the_demo_data(admin_client_, demo, page):
    assert admin_client_.get(page).status_code == 200
