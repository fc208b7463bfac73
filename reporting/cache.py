"""Published pages served like files: rendered once, cached until the next publication.

A published snapshot never changes, so the page an anonymous visitor gets for a quarter,
area, layout and revision is the same until someone publishes again. `published_page`
keeps that page in Django's cache (the backend from settings: local memory by default, a
shared Redis in production, where every worker must see the same generation) under a
generation number that publishing moves on (`published_pages_changed`), answers
`If-None-Match` / `If-Modified-Since` with 304, and serves a body gzipped once, when cached.

Signed-in people get the page rendered for them (it names them and their menu). The cached
page holds no secret: the export forms' CSRF fields are taken out, and the public export
they post to is exempt from CSRF (reporting/urls.py) because it acts on no one's behalf: it
prepares the one public file of a published revision, which anyone may ask for without a
cookie. With nothing secret in the body, compressing it gives BREACH nothing to find
(signed-in pages, which carry tokens and private figures, are never compressed here).
"""

from __future__ import annotations

import datetime as dt
import gzip
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
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import condition

GENERATION_KEY = "published-pages:generation"
PAGE_TIMEOUT = 24 * 3600  # a safety net: publishing is what makes an entry stale
CSRF_FIELD = re.compile(rb'<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">')
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    gzipped: bytes
    headers: tuple[tuple[str, str], ...]  # the view's own: type, download name, language
    etag: str  # of the plain body; the gzipped one is told apart by a suffix
    last_modified: float  # the last publication: the page cannot have changed since

    def variant(self, request: HttpRequest) -> tuple[bytes, str, bool]:
        """The body, ETag and whether it is gzipped, for what the client accepts."""
        if ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return self.gzipped, self.etag[:-1] + '-gz"', True
        return self.body, self.etag, False


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
    body = CSRF_FIELD.sub(b"", response.content)
    page = CachedPage(
        body=body,
        gzipped=gzip.compress(body, mtime=0),
        headers=tuple((h, response[h]) for h in KEPT_HEADERS if response.has_header(h)),
        etag=quote_etag(hashlib.sha256(body).hexdigest()[:32]),
        last_modified=gen / 1000,
    )
    cache.set(key, page, PAGE_TIMEOUT)
    return page


def _serve(request: HttpRequest, page: CachedPage) -> HttpResponse:
    body, etag, gzipped = page.variant(request)
    response = HttpResponse(body, headers=dict(page.headers))
    if gzipped:
        response["Content-Encoding"] = "gzip"
    patch_vary_headers(response, ("Accept-Encoding",))
    response["ETag"] = etag
    response["Last-Modified"] = http_date(page.last_modified)
    return response


def published_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve `view` from the cache to anonymous visitors, with ETag, 304s and gzip."""

    def etag(request, *args, **kwargs):
        page = _lookup(request)[1]
        return None if page is None else page.variant(request)[1]

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

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not _cacheable(request):
            return view(request, *args, **kwargs)
        return from_cache(request, *args, **kwargs)

    return wrapped


def _as_datetime(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(timestamp, tz=dt.UTC)
