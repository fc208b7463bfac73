"""Published pages are served like files: cached, with ETag and 304, gzipped, and
refreshed by publishing only."""

from __future__ import annotations

import gzip
import re

from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from indicators.models import ReportingPeriod
from reporting.publishing import publish

Q2 = "2016/17-Q2"
PAGE = reverse("reporting:public_dashboard", args=[Q2])
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_a_second_visit_is_served_without_asking_the_database(
    client, demo, django_assert_num_queries
):
    first = client.get(PAGE)
    with django_assert_num_queries(0):
        second = Client().get(PAGE)
    assert second.status_code == 200
    assert second.content == first.content
    assert "Ongoing reductions in crime" in second.content.decode()


def test_the_page_carries_an_etag_and_a_date_and_answers_304_when_unchanged(client, demo):
    first = client.get(PAGE)
    etag, modified = first["ETag"], first["Last-Modified"]
    again = client.get(PAGE)
    assert again["ETag"] == etag and again["Last-Modified"] == modified
    unchanged = client.get(PAGE, headers={"if-none-match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    unchanged = client.get(PAGE, headers={"if-modified-since": modified})
    assert unchanged.status_code == 304


def test_the_page_is_gzipped_for_browsers_that_accept_it(client, demo):
    plain = client.get(PAGE)
    packed = client.get(PAGE, headers={"accept-encoding": "gzip, deflate, br"})
    assert packed["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed["Vary"]
    assert len(packed.content) < len(plain.content) / 3
    assert gzip.decompress(packed.content) == plain.content
    assert packed["ETag"] != plain["ETag"]  # two representations, two tags
    again = client.get(PAGE, headers={"accept-encoding": "gzip", "if-none-match": packed["ETag"]})
    assert again.status_code == 304


def test_the_cached_page_holds_no_token_and_its_export_forms_still_work(demo):
    html = Client().get(PAGE).content.decode()
    assert "csrfmiddlewaretoken" not in html and "Prepare a PDF" in html
    visitor = Client(enforce_csrf_checks=True)
    visitor.get(PAGE)
    url = reverse("reporting:public_export", args=[Q2, "E10000018", "csv"])
    assert visitor.post(url).status_code == 302


def test_signed_in_pages_keep_their_csrf_tokens(client, demo):
    client.force_login(User.objects.get(username="committee.member"))
    assert TOKEN.search(client.get(PAGE).content.decode())


def test_publishing_again_shows_the_new_revision_at_once(client, demo):
    assert "Revised" not in client.get(PAGE).content.decode()
    etag = client.get(PAGE)["ETag"]
    approver = User.objects.get(username="performance.manager")
    publish(ReportingPeriod.objects.get_by_code(Q2), approver, note="Recount of burglaries.")
    response = client.get(PAGE, headers={"if-none-match": etag})
    assert response.status_code == 200
    assert "Recount of burglaries." in response.content.decode()


def test_signed_in_people_get_their_own_page_not_the_cached_one(client, demo):
    Client().get(PAGE)
    client.force_login(User.objects.get(username="committee.member"))
    html = client.get(PAGE).content.decode()
    assert "Signed in as" in html and "committee.member" in html
    assert "ETag" not in client.get(PAGE).headers


def test_each_revision_and_area_is_cached_apart(client, demo):
    county = client.get(PAGE).content.decode()
    district = client.get(reverse("reporting:public_dashboard", args=[Q2, "E07000129"]))
    assert district.status_code == 200 and district.content.decode() != county
    approver = User.objects.get(username="performance.manager")
    publish(ReportingPeriod.objects.get_by_code(Q2), approver, note="Second look.")
    first = client.get(PAGE + "?revision=1").content.decode()
    latest = client.get(PAGE).content.decode()
    assert "Second look." in latest and "has been replaced" in first


def test_the_cached_csv_is_still_a_named_download(client, demo):
    url = reverse("reporting:public_csv", args=[Q2, "E10000018"])
    first, second = client.get(url), client.get(url)
    assert second["Content-Disposition"] == first["Content-Disposition"]
    assert second["Content-Disposition"].startswith("attachment; filename=")
    assert second["Content-Type"].startswith("text/csv") and second["ETag"]
