"""Small middlewares for session lifetime and caching of private pages."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control

LAST_SEEN_KEY = "portal_last_seen"
STARTED_KEY = "portal_session_started"
SIGNED_OUT_IDLE = (
    "You were signed out because you had not used the portal for a while. "
    "Sign in again to continue."
)
SIGNED_OUT_EXPIRED = (
    "You were signed out because your session had reached its time limit. "
    "Sign in again to continue."
)
# Record activity at most once a minute, so reading pages does not write the session each time.
SESSION_TOUCH_INTERVAL = 60


def stamp_session(sender, request: HttpRequest, user, **kwargs) -> None:
    """At sign-in, start both clocks (saved with the login itself, so no extra write)."""
    now = int(time.time())
    request.session[STARTED_KEY] = now
    request.session[LAST_SEEN_KEY] = now


class SessionIdleTimeoutMiddleware:
    """Sign out a session left idle for SESSION_IDLE_TIMEOUT seconds, and any session
    SESSION_COOKIE_AGE seconds after it began, however busy.

    The idle limit means a browser left open on a shared office computer does not stay
    signed in all day; the absolute one that a stolen session cookie does not last for ever
    (Django's own cookie age restarts whenever the session is saved, so it is not enough).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(LAST_SEEN_KEY)
            started = request.session.setdefault(STARTED_KEY, now)
            idle = last_seen is not None and now - last_seen > settings.SESSION_IDLE_TIMEOUT
            if idle or now - started > settings.SESSION_COOKIE_AGE:
                logout(request)
                messages.info(request, SIGNED_OUT_IDLE if idle else SIGNED_OUT_EXPIRED)
            elif last_seen is None or now - last_seen >= SESSION_TOUCH_INTERVAL:
                request.session[LAST_SEEN_KEY] = now
        return self.get_response(request)


class PrivatePagesMiddleware:
    """A page shown to a signed-in user may hold unpublished figures: no shared cache (a
    proxy, or the browser's back button after sign-out) may keep it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if request.user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
