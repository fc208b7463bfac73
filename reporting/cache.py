"""Published pages served like files: rendered once, cached until the next publication.

A published snapshot never changes, so the page an anonymous visitor gets for a quarter,
area, layout and revision is the same until someone publishes again. `published_page`
keeps that page in Django's cache (the backend from settings: local memory by default, a
shared Redis in production, where every worker must see the same generation) under a
generation number that publishing moves on (`published_pages_changed`), answers
`If-None-Match` / `If-Modified-Since` with 304, and gzips the body.

Signed-in people get the page rendered for them (it names them and their menu). The CSRF
token of the export forms is the one per-visitor part of a public page: the cache keeps a
placeholder and each response gets the visitor's own masked token. Masking differs on every
response, which is Django's defence against BREACH for the token; the page carries no other
secret, so it is safe to compress (unlike signed-in pages, which are never gzipped here).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.utils.http import http_date, quote_etag
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import condition

GENERATION_KEY = "published-pages:generation"
PAGE_TIMEOUT = 24 * 3600  # a safety net: publishing is what makes an entry stale
CSRF_FIELD = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"@@csrf-token@@"


@dataclass(frozen=True)
class CachedPage:
    body: bytes  # with CSRF_PLACEHOLDER where a visitor's token goes
    content_type: str
    etag: str
    last_modified: float  # the last publication: the page cannot have changed since


def generation() -> int:
    """The current generation: the time (ms) of the last publication this cache saw."""
    cache.add(GENERATION_KEY, int(time.time() * 1000), timeout=None)
    return cache.get(GENERATION_KEY) or 0


def _bump() -> None:
    cache.set(GENERATION_KEY, max(int(time.time() * 1000), generation() + 1), timeout=None)


def published_pages_changed() -> None:
    """Every cached public page is stale: now, and again when the publication commits (a
    page rendered between the two from the old data would otherwise outlive it)."""
    _bump()
    transaction.on_commit(_bump)


def _key(request: HttpRequest, gen: int) -> str:
    query = sorted(request.GET.lists())
    digest = hashlib.sha256(f"{request.path}?{query}".encode()).hexdigest()
    return f"published-page:{gen}:{digest}"


def _cacheable(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and not request.user.is_authenticated
        and not len(get_messages(request))  # a message shown once must not be kept
    )


def _lookup(request: HttpRequest) -> tuple[str, CachedPage | None]:
    if not hasattr(request, "_published_page"):
        gen = generation()
        key = _key(request, gen)
        request._published_page = (key, gen, cache.get(key))
    key, _gen, page = request._published_page
    return key, page


def _store(request: HttpRequest, response: HttpResponse) -> CachedPage | None:
    key, gen, _ = request._published_page
    if response.status_code != 200 or response.streaming or response.cookies:
        return None
    body = CSRF_FIELD.sub(rb"\g<1>" + CSRF_PLACEHOLDER + rb"\g<2>", response.content)
    page = CachedPage(
        body=body,
        content_type=response["Content-Type"],
        etag=quote_etag(hashlib.sha256(body).hexdigest()[:32]),
        last_modified=gen / 1000,
    )
    cache.set(key, page, PAGE_TIMEOUT)
    return page


def _serve(request: HttpRequest, page: CachedPage) -> HttpResponse:
    body = page.body
    if CSRF_PLACEHOLDER in body:
        body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
    response = HttpResponse(body, content_type=page.content_type)
    response["ETag"] = page.etag
    response["Last-Modified"] = http_date(page.last_modified)
    return response


def published_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve `view` from the cache to anonymous visitors, with ETag, 304s and gzip."""

    def etag(request, *args, **kwargs):
        return _lookup(request)[1].etag if _lookup(request)[1] else None

    def last_modified(request, *args, **kwargs):
        page = _lookup(request)[1]
        return None if page is None else _as_datetime(page.last_modified)

    @condition(etag_func=etag, last_modified_func=last_modified)
    def from_cache(request, *args, **kwargs):
        page = _lookup(request)[1]
        if page is None:
            response = view(request, *args, **kwargs)
            page = _store(request, response)
            if page is None:
                return response
        return _serve(request, page)

    compressed = gzip_page(from_cache)

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        return compressed(request, *args, **kwargs)

    return wrapped


def _as_datetime(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
