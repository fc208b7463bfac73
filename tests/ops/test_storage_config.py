"""STORAGE_URL chooses where uploaded and exported files live."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.config import storage_from_url


def test_unset_means_this_servers_media_folder():
    assert storage_from_url("") == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_file_url_names_the_folder():
    assert storage_from_url("file:///srv/portal/media")["OPTIONS"] == {
        "location": "/srv/portal/media"
    }


def test_an_s3_url_gives_bucket_prefix_and_endpoint():
    storage = storage_from_url(
        "s3://portal-files/exports-live?endpoint_url=https://s3.example.org&region_name=eu-west-2"
    )
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    options = storage["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("portal-files", "exports-live")
    assert options["endpoint_url"] == "https://s3.example.org"
    assert options["region_name"] == "eu-west-2"
    assert options["file_overwrite"] is True


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://files.example.org/", "must start with file:// or s3://"),
        ("s3:///prefix", "needs a bucket name"),
        ("s3://bucket/?secret_key=x", "unknown options"),
    ],
)
def test_a_bad_url_is_refused_with_a_clear_message(url, message):
    with pytest.raises(ImproperlyConfigured, match=message):
        storage_from_url(url)
