"""Accessibility statement, privacy notice and cookies page (issue 12, item 11)."""

from __future__ import annotations

import pytest
from django.urls import reverse

PAGES = [
    ("accessibility", "Accessibility statement"),
    ("privacy", "Privacy notice"),
    ("cookies", "Cookies"),
]


@pytest.mark.parametrize(("name", "heading"), PAGES)
def test_every_page_links_to_the_footer_pages(client, db, name, heading):
    html = client.get(reverse("home")).content.decode()
    assert f'<a class="govuk-footer__link" href="{reverse(name)}">' in html
    page = client.get(reverse(name))
    assert page.status_code == 200
    assert f'<h1 class="govuk-heading-xl">{heading}</h1>' in page.content.decode()


@pytest.mark.parametrize("name", ["accessibility", "privacy"])
def test_the_contact_address_comes_from_settings(client, db, settings, name):
    settings.PARTNERSHIP_CONTACT_EMAIL = "performance@shire.example.org.uk"
    html = client.get(reverse(name)).content.decode()
    assert 'href="mailto:performance@shire.example.org.uk"' in html


def test_without_a_contact_address_the_pages_say_whom_to_ask(client, db, settings):
    settings.PARTNERSHIP_CONTACT_EMAIL = ""
    html = client.get(reverse("accessibility")).content.decode()
    assert "mailto:" not in html
    assert "ask the performance lead of your organisation" in html


def test_the_cookies_page_explains_the_session_and_csrf_cookies_from_settings(client, db, settings):
    settings.SESSION_COOKIE_NAME = "portal_session"
    settings.SESSION_COOKIE_AGE = 8 * 3600
    settings.SESSION_EXPIRE_AT_BROWSER_CLOSE = False
    settings.CSRF_COOKIE_AGE = 31449600
    html = client.get(reverse("cookies")).content.decode()
    assert "<code>portal_session</code>" in html
    assert "Keeps you signed in" in html
    assert "8 hours, or when you sign out" in html
    assert f"<code>{settings.CSRF_COOKIE_NAME}</code>" in html
    assert "1 year" in html


def test_reading_the_public_pages_sets_no_cookie(client, db):
    for url in (reverse("home"), reverse("reporting:public_index"), reverse("cookies")):
        assert not client.get(url).cookies, url
