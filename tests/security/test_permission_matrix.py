"""Every URL × every persona × GET and POST, against one table of expected answers.

Rows are keyed by the URL pattern as the resolver lists it, so a new URL without a row fails
`test_every_url_pattern_has_a_row`: whoever adds a page decides here who may see it.
Answers are per persona in the order of PERSONAS; "L" is a redirect to the sign-in page and
any other redirect is "302". POSTs carry no form data: a permitted persona gets the form's
own answer (400, or a redirect back with a message), the others the refusal. The admin site
is covered by one rule (staff only) instead of a row per page.

URL kwargs come from fixture objects belonging to organisation A (the submission, the
import) or to the committee (the live export), so submitter B's column shows the object
checks. Quarters in /quarters/ are the open one; dashboards show the published one.
"""

from __future__ import annotations

import re

import pytest
from conftest import approved
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from indicators.models import ImportBatch, Override, Submission
from reporting.models import ExportJob
from reporting.publishing import publish

PERSONAS = ("anonymous", "submitter_a", "submitter_b", "approver", "viewer", "admin")

# fmt: off
# route: (GET answers, POST answers), each for: anon sub_a sub_b approver viewer admin
MATRIX: dict[str, tuple[str, str]] = {
    '':                                                                    ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'accessibility/':                                                      ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'accounts/login/':                                                     ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'accounts/logout/':                                                    ('405 405 405 405 405 405',   '302 302 302 302 302 302'),
    'accounts/password_change/':                                           ('L 200 200 200 200 200',     'L 200 200 200 200 200'),
    'accounts/password_change/done/':                                      ('L 200 200 200 200 200',     'L 405 405 405 405 405'),
    'accounts/password_reset/':                                            ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'accounts/password_reset/done/':                                       ('200 200 200 200 200 200',   '405 405 405 405 405 405'),
    'accounts/reset/<uidb64>/<token>/':                                    ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'accounts/reset/done/':                                                ('200 200 200 200 200 200',   '405 405 405 405 405 405'),
    'committee/':                                                          ('L 403 403 200 200 200',     'L 403 403 200 200 200'),
    'committee/<quarter_code:period>/':                                    ('L 403 403 200 200 200',     'L 403 403 200 200 200'),
    'committee/<quarter_code:period>/<area_code:area>/':                   ('L 403 403 200 200 200',     'L 403 403 200 200 200'),
    'committee/<quarter_code:period>/<area_code:area>/export/<str:fmt>/':  ('405 405 405 405 405 405',   'L 403 403 302 302 302'),
    'committee/<quarter_code:period>/publish/':                            ('L 403 403 200 403 200',     'L 403 403 200 403 200'),
    'cookies/':                                                            ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'dashboard/':                                                          ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'dashboard/<quarter_code:period>/':                                    ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'dashboard/<quarter_code:period>/<area_code:area>/':                   ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'dashboard/<quarter_code:period>/<area_code:area>/dashboard.csv':      ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'dashboard/<quarter_code:period>/<area_code:area>/export/<str:fmt>/':  ('405 405 405 405 405 405',   '302 302 302 302 302 302'),
    'dashboard/indicators/<slug:code>/':                                   ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'dashboard/latest/':                                                   ('302 302 302 302 302 302',   '302 302 302 302 302 302'),
    'dashboard/open-data.csv':                                             ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'exports/<uuid:token>/':                                               ('404 404 404 200 200 200',   '404 404 404 200 200 200'),
    'exports/<uuid:token>/download/':                                      ('404 404 404 302 302 302',   '404 404 404 302 302 302'),
    'health/':                                                             ('200 200 200 200 200 200',   '405 405 405 405 405 405'),
    'import/':                                                             ('L 200 200 403 403 403',     'L 200 200 403 403 403'),
    'import/<int:pk>/':                                                    ('L 200 404 404 404 404',     'L 200 404 404 404 404'),
    'import/<int:pk>/confirm/':                                            ('L 405 405 405 405 405',     'L 409 404 404 404 404'),
    'import/historic/':                                                    ('L 403 403 403 403 200',     'L 403 403 403 403 200'),
    'import/historic/<int:pk>/':                                           ('L 403 403 403 403 200',     'L 403 403 403 403 200'),
    'import/template/':                                                    ('L 400 400 403 403 403',     'L 400 400 403 403 403'),
    'privacy/':                                                            ('200 200 200 200 200 200',   '200 200 200 200 200 200'),
    'quarters/':                                                           ('L 403 403 200 403 200',     'L 403 403 200 403 200'),
    'quarters/<quarter:quarter>/':                                         ('L 403 403 200 403 200',     'L 403 403 200 403 200'),
    'quarters/<quarter:quarter>/close/':                                   ('L 403 403 200 403 200',     'L 403 403 409 403 409'),
    'quarters/<quarter:quarter>/deadline/':                                ('L 403 403 200 403 200',     'L 403 403 200 403 200'),
    'quarters/<quarter:quarter>/overrides/':                               ('L 403 403 200 403 200',     'L 403 403 302 403 302'),
    'quarters/<quarter:quarter>/overrides/<int:pk>/clear/':                ('L 405 405 405 405 405',     'L 403 403 302 403 302'),
    'quarters/<quarter:quarter>/remind/':                                  ('L 405 405 405 405 405',     'L 403 403 302 403 302'),
    'quarters/<quarter:quarter>/tracker.csv':                              ('L 403 403 200 403 200',     'L 403 403 200 403 200'),
    'quarters/open/':                                                      ('L 403 403 200 403 200',     'L 403 403 200 403 200'),
    'review/':                                                             ('L 403 403 200 403 200',     'L 403 403 200 403 200'),
    'review/<int:pk>/':                                                    ('L 403 404 200 403 200',     'L 403 404 200 403 200'),
    'review/<int:pk>/approve/':                                            ('L 405 405 405 405 405',     'L 403 404 302 403 302'),
    'review/<int:pk>/reopen/':                                             ('L 403 404 200 403 200',     'L 403 404 200 403 200'),
    'review/<int:pk>/return/':                                             ('L 405 405 405 405 405',     'L 403 404 400 403 400'),
    'review/approve-selected/':                                            ('L 405 405 405 405 405',     'L 403 403 302 403 302'),
    'submissions/':                                                        ('L 200 200 403 403 403',     'L 200 200 403 403 403'),
    'submissions/<int:pk>/':                                               ('L 200 404 403 403 403',     'L 200 404 403 403 403'),
    'submissions/<int:pk>/history/':                                       ('L 200 404 200 200 200',     'L 200 404 200 200 200'),
    'submissions/<int:pk>/withdraw/':                                      ('L 405 405 405 405 405',     'L 302 404 403 403 403'),
    'submissions/quarter/<quarter:quarter>/':                              ('L 200 200 403 403 403',     'L 302 302 403 403 403'),
    'submissions/quarter/<quarter:quarter>/rows/<int:pk>/':                ('L 405 405 405 405 405',     'L 409 404 403 403 403'),
    'submissions/start/':                                                  ('L 405 405 405 405 405',     'L 404 404 403 403 403'),
}
# fmt: on


def walk(patterns, prefix: str = ""):
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if pattern.app_name != "admin":  # the admin site: see the staff-only rule
                yield from walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


ROUTES = sorted(set(walk(get_resolver().url_patterns)))


def test_every_url_pattern_has_a_row():
    assert [r for r in ROUTES if r not in MATRIX] == []
    assert [r for r in MATRIX if r not in ROUTES] == []


@pytest.fixture
def objects(partnership):
    """One of each object a URL names, owned by organisation A where it has an owner."""
    p = partnership
    approved(p.crime, p.county, p.closed_period, p.submitter_a, p.approver, numerator=3000)
    publish(p.closed_period, p.approver)
    submission = Submission.objects.create(
        indicator=p.crime,
        area=p.district_1,
        period=p.open_period,
        state=Submission.State.SUBMITTED,
        numerator=120,
        submitted_by=p.submitter_a,
    )
    override = Override.objects.create(
        kind=Override.Kind.RAG,
        indicator=p.crime,
        area=p.county,
        period=p.open_period,
        value="G",
        reason="Judged on the trend",
        author=p.approver,
    )
    batch = ImportBatch.objects.create(
        kind=ImportBatch.Kind.QUARTERLY_RETURN,
        owner=p.submitter_a,
        organisation=p.org_a,
        period=p.open_period,
        status=ImportBatch.Status.PREVIEWED,
    )
    historic = ImportBatch.objects.create(
        kind=ImportBatch.Kind.HISTORIC, owner=p.admin, status=ImportBatch.Status.PREVIEWED
    )
    job = ExportJob.objects.create(
        format="csv", source=ExportJob.Source.LIVE, period=p.open_period, area=p.county
    )
    by_kwarg = {
        "quarter": p.open_period.code.replace("/", "-"),
        "period": p.closed_period.code,
        "area": p.county.code,
        "code": p.crime.code,
        "fmt": "csv",
        "token": str(job.token),
        "uidb64": "MQ",
        "token_reset": "set-password",
    }
    pk_by_route_start = {
        "submissions/": submission.pk,
        "review/": submission.pk,
        "quarters/": override.pk,
        "import/historic/": historic.pk,
        "import/": batch.pk,
    }
    return partnership, by_kwarg, pk_by_route_start


def url_for(route: str, by_kwarg: dict, pk_by_route_start: dict) -> str:
    def fill(match: re.Match) -> str:
        name = match.group(1)
        if name == "pk":
            return str(next(v for k, v in pk_by_route_start.items() if route.startswith(k)))
        if name == "token" and route.startswith("accounts/"):
            return by_kwarg["token_reset"]
        return str(by_kwarg[name])

    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", fill, route)


def answer(response) -> str:
    if response.status_code == 302:
        return "L" if response["Location"].startswith("/accounts/login/") else "302"
    return str(response.status_code)


def answers_for(p, url: str, method: str) -> str:
    found = []
    for persona in PERSONAS:
        client = Client()
        with transaction.atomic():
            if persona != "anonymous":
                client.force_login(getattr(p, persona))
            response = client.get(url) if method == "GET" else client.post(url, {})
            found.append(answer(response))
            transaction.set_rollback(True)
    return " ".join(found)


@pytest.mark.parametrize("route", ROUTES)
def test_each_persona_gets_the_expected_answer(objects, route):
    p, by_kwarg, pk_by_route_start = objects
    url = url_for(route, by_kwarg, pk_by_route_start)
    expected_get, expected_post = MATRIX[route]
    found = (answers_for(p, url, "GET"), answers_for(p, url, "POST"))
    assert found == (expected_get, expected_post), url


def admin_urls() -> list[str]:
    urls = [reverse("admin:index")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        if hasattr(model_admin, "export_action"):
            urls.append(reverse("admin:{}_{}_export".format(*info)))
        if hasattr(model_admin, "import_action"):
            urls.append(reverse("admin:{}_{}_import".format(*info)))
    return urls


def test_the_admin_site_is_for_staff_only(objects):
    p = objects[0]
    for url in admin_urls():
        for persona in PERSONAS:
            client = Client()
            user: User | None = getattr(p, persona, None)
            if user:
                client.force_login(user)
            response = client.get(url)
            if user and user.is_staff:
                assert response.status_code == 200, (url, persona)
            else:
                assert response.status_code == 302, (url, persona)
                assert response["Location"].startswith("/admin/login/"), (url, persona)
