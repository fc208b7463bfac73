import pytest
from django.contrib.auth.models import User


def test_the_home_page_invites_the_public_to_the_dashboard(client, db):
    page = client.get("/").content.decode()
    assert "Sign in" in page
    assert "My submissions" not in page


def test_the_login_page_signs_a_user_in_and_sends_them_home(client, partnership):
    r = client.post("/accounts/login/", {"username": "sub_a", "password": "pw-test-12345"})
    assert r.status_code == 302 and r.url == "/"
    assert client.get("/").context["user"].username == "sub_a"


def test_a_wrong_password_is_refused_with_a_message(client, partnership):
    r = client.post("/accounts/login/", {"username": "sub_a", "password": "wrong"})
    assert r.status_code == 200
    assert "There is a problem" in r.content.decode()
    assert not r.context["user"].is_authenticated


def test_repeated_failed_logins_lock_the_account(client, partnership, settings):
    settings.AXES_FAILURE_LIMIT = 3
    for _ in range(3):
        client.post("/accounts/login/", {"username": "sub_a", "password": "wrong"})
    r = client.post("/accounts/login/", {"username": "sub_a", "password": "pw-test-12345"})
    assert "Too many failed sign-in attempts" in r.content.decode()
    assert not client.get("/").context["user"].is_authenticated


def test_logout_is_a_post(client, partnership):
    client.force_login(partnership.submitter_a)
    assert client.get("/").context["user"].is_authenticated
    client.post("/accounts/logout/")
    assert not client.get("/").context["user"].is_authenticated


def test_password_reset_sends_an_email(client, partnership, mailoutbox):
    r = client.post("/accounts/password_reset/", {"email": "sub_a@example.org.uk"})
    assert r.status_code == 302
    assert len(mailoutbox) == 1 and "sub_a" in mailoutbox[0].body


@pytest.mark.parametrize(
    "persona, section",
    [
        ("submitter_a", "My submissions"),
        ("approver", "Review queue"),
        ("viewer", "Committee dashboard"),
        ("admin", "Administration"),
    ],
)
def test_the_home_page_sends_each_role_where_it_works(client, partnership, persona, section):
    client.force_login(getattr(partnership, persona))
    assert section in client.get("/").content.decode()


def test_a_viewer_is_not_offered_the_review_queue(client, partnership):
    client.force_login(partnership.viewer)
    assert "Review queue" not in client.get("/").content.decode()


def test_a_user_without_a_membership_sees_only_public_pages(client, db):
    client.force_login(User.objects.create_user("stranger", password="x"))
    page = client.get("/").content.decode()
    assert "Review queue" not in page and "My submissions" not in page
