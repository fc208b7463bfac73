"""Small parsers for settings read from the environment (kept out of settings.py to test)."""

from __future__ import annotations

from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_OPTIONS = {"endpoint_url", "region_name", "addressing_style", "signature_version"}


def storage_from_url(url: str) -> dict:
    """The STORAGES["default"] entry for STORAGE_URL.

    - unset or `file:///srv/portal/media`: files on this server's disk (one app server,
      or a shared mount);
    - `s3://bucket/prefix?endpoint_url=https://...&region_name=...`: S3-compatible object
      storage through django-storages, so every app server and worker sees the same files.
      Credentials come from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, never the URL.
    """
    if not url:  # MEDIA_ROOT, followed when a test overrides it
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parts = urlsplit(url)
    if parts.scheme == "file":
        location = unquote(parts.path)
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": location} if location else {},
        }
    if parts.scheme == "s3":
        if not parts.hostname:
            raise ImproperlyConfigured("STORAGE_URL s3://… needs a bucket name: s3://bucket/")
        query = dict(parse_qsl(parts.query))
        unknown = set(query) - S3_OPTIONS
        if unknown:
            raise ImproperlyConfigured(
                f"STORAGE_URL has unknown options {sorted(unknown)}; use {sorted(S3_OPTIONS)}."
            )
        options = {
            "bucket_name": parts.hostname,
            "location": parts.path.strip("/"),
            "file_overwrite": True,  # an export's name is unique; a retry replaces its file
            "default_acl": None,
            "querystring_auth": True,
            **query,
        }
        return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
    raise ImproperlyConfigured(
        f"STORAGE_URL must start with file:// or s3:// (got {parts.scheme or 'no scheme'}://)."
    )
