"""Sign-in, password reset and sessions: throttles, the lockout behind a proxy, timeouts."""

from __future__ import annotations

import io
import logging
import time

import pytest

from portal.middleware import LAST_SEEN_KEY, STARTED_KEY

LOGIN = "/accounts/login/"
RESET = "/accounts/password_reset/"
PROXY = "10.0.0.1"


def test_password_reset_is_throttled_per_address(client, partnership, settings, mailoutbox):
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 2
    for _ in range(2):
        assert client.post(RESET, {"email": "sub_a@example.org.uk"}).status_code == 302
    refused = client.post(RESET, {"email": "SUB_A@example.org.uk"})
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert len(mailoutbox) == 2
    # Another address from the same computer is still served.
    assert client.post(RESET, {"email": "sub_b@example.org.uk"}).status_code == 302


def test_password_reset_is_throttled_per_client(client, partnership, settings, mailoutbox):
    settings.PASSWORD_RESET_LIMIT_PER_CLIENT = 3
    for n in range(3):
        client.post(RESET, {"email": f"nobody{n}@example.org.uk"}, REMOTE_ADDR="203.0.113.5")
    refused = client.post(RESET, {"email": "sub_a@example.org.uk"}, REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 429
    assert mailoutbox == []
    other = client.post(RESET, {"email": "sub_a@example.org.uk"}, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302 and len(mailoutbox) == 1


def login_via_proxy(client, password: str, client_address: str):
    return client.post(
        LOGIN,
        {"username": "sub_a", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=client_address,
    )


def test_behind_a_proxy_a_stranger_cannot_lock_a_known_account(client, partnership, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(3):
        login_via_proxy(client, "guess", "203.0.113.9")
    assert (
        "Too many failed"
        in login_via_proxy(client, "pw-test-12345", "203.0.113.9").content.decode()
    )
    owner = login_via_proxy(client, "pw-test-12345", "198.51.100.7")
    assert owner.status_code == 302


def test_a_forged_forwarded_for_does_not_escape_the_lockout(client, partnership, settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    for fake in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        # The proxy appends the address it saw after whatever the client sent.
        login_via_proxy(client, "guess", f"{fake}, 203.0.113.9")
    forged = login_via_proxy(client, "pw-test-12345", "4.4.4.4, 203.0.113.9")
    assert "Too many failed" in forged.content.decode()


def test_without_a_trusted_proxy_forwarded_for_is_ignored(rf, settings):
    from portal.security import client_ip

    settings.TRUSTED_PROXY_COUNT = 0
    request = rf.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert client_ip(request) == "198.51.100.7"


def test_an_idle_session_is_signed_out(client, partnership, settings):
    settings.SESSION_IDLE_TIMEOUT = 2 * 60 * 60
    client.force_login(partnership.submitter_a)
    assert client.get("/submissions/").status_code == 200
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 2 * 60 * 60 - 1
    session.save()
    response = client.get("/submissions/", follow=True)
    assert response.redirect_chain[0][0].startswith("/accounts/login/")
    assert not response.context["user"].is_authenticated
    assert "You were signed out because you had not used the portal" in response.content.decode()


def test_an_active_session_stays_signed_in(client, partnership):
    client.force_login(partnership.submitter_a)
    client.get("/")
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - 60 * 60
    session.save()
    assert client.get("/submissions/").status_code == 200


def test_a_busy_session_still_ends_after_its_absolute_lifetime(client, partnership, settings):
    settings.SESSION_COOKIE_AGE = 12 * 60 * 60
    client.force_login(partnership.submitter_a)
    client.get("/")
    session = client.session
    session[STARTED_KEY] = int(time.time()) - 12 * 60 * 60 - 1
    session[LAST_SEEN_KEY] = int(time.time()) - 30
    session.save()
    assert client.get("/submissions/").status_code == 302


def test_session_limits_default_to_two_hours_idle_and_twelve_in_all():
    from django.conf import settings

    assert (settings.SESSION_IDLE_TIMEOUT, settings.SESSION_COOKIE_AGE) == (7200, 43200)


@pytest.mark.parametrize(
    ("persona", "url"),
    [
        ("viewer", "/committee/"),
        ("approver", "/review/"),
        ("submitter_a", "/submissions/"),
    ],
)
def test_pages_for_signed_in_users_are_never_cached(client, partnership, persona, url):
    client.force_login(getattr(partnership, persona))
    response = client.get(url)
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives


def test_a_refused_request_is_logged_as_one_line(client, partnership):
    console = next(h for h in logging.getLogger().handlers if h.get_name() == "console")
    stream = io.StringIO()
    previous = console.setStream(stream)
    try:
        client.force_login(partnership.submitter_a)
        assert client.get("/review/").status_code == 403
    finally:
        console.setStream(previous)
    assert stream.getvalue().splitlines() == ["Forbidden (Permission denied): /review/"]
