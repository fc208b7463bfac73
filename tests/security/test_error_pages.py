"""The 403, 404 and 500 pages are the portal's own, in its GOV.UK look."""

from __future__ import annotations

from unittest import mock

import pytest
from django.test import Client
from django.views.defaults import server_error

GOVUK_PAGE = ('class="govuk-template__body"', "govuk-footer", "Go to the home page")


def assert_portal_page(html: str, heading: str) -> None:
    for part in GOVUK_PAGE:
        assert part in html
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html


def test_an_unknown_page_answers_the_portals_404(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert_portal_page(response.content.decode(), "Page not found")


def test_a_refused_page_answers_the_portals_403(client, partnership):
    client.force_login(partnership.viewer)
    response = client.get("/review/")
    assert response.status_code == 403
    html = response.content.decode()
    assert_portal_page(html, "You do not have access to this page")
    assert "This page is for performance managers." in html


def test_the_500_page_renders_without_a_request_context_or_database(rf):
    # No `db` fixture: any database query here would fail the test.
    response = server_error(rf.get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert_portal_page(html, "Sorry, there is a problem with the service")
    assert "Performance portal" in html  # the portal's header, from base.html


@pytest.mark.django_db
def test_an_unhandled_error_answers_the_portals_500(settings):
    settings.DEBUG = False
    client = Client(raise_request_exception=False)

    with mock.patch("portal.views.access.has_role", side_effect=RuntimeError("boom")):
        response = client.get("/")
    assert response.status_code == 500
    assert_portal_page(response.content.decode(), "Sorry, there is a problem with the service")
