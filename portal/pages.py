"""The footer's pages: accessibility statement, privacy notice and cookies.

Facts that settings decide (the contact address, the cookies' names and lifetimes) are read
from settings, so the pages stay true when a deployment changes them.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _duration(seconds: int | None) -> str:
    """'2 weeks', '1 year', '8 hours': a cookie's lifetime in words."""
    if not seconds:
        return "until you close your browser"
    for unit, size in (("year", 365 * 86400), ("week", 7 * 86400), ("day", 86400)):
        count = round(seconds / size)
        if count >= 1 and abs(count * size - seconds) <= size / 10:
            return f"{count} {unit}{'s' if count != 1 else ''}"
    hours = max(1, round(seconds / 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"


def _page(request: HttpRequest, template: str, **context) -> HttpResponse:
    return render(
        request,
        f"portal/{template}.html",
        {"contact_email": settings.PARTNERSHIP_CONTACT_EMAIL, **context},
    )


def accessibility(request: HttpRequest) -> HttpResponse:
    return _page(request, "accessibility")


def privacy(request: HttpRequest) -> HttpResponse:
    return _page(request, "privacy")


def cookies(request: HttpRequest) -> HttpResponse:
    """The cookies the portal sets: all essential, none for analytics or advertising."""
    session_age = None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE else settings.SESSION_COOKIE_AGE
    listed = [
        {
            "name": settings.SESSION_COOKIE_NAME,
            "purpose": "Keeps you signed in as you move from page to page. It holds a random "
            "identifier, not your name or password. It is set only when you sign in.",
            "expires": _duration(session_age) + ", or when you sign out",
        },
        {
            "name": settings.CSRF_COOKIE_NAME,
            "purpose": "Protects the portal's forms: it proves that a form you send was "
            "given to you by this site, so another site cannot send one in your name.",
            "expires": _duration(settings.CSRF_COOKIE_AGE),
        },
        {
            "name": "messages",
            "purpose": "Carries a confirmation (such as “Draft saved”) to the next page, "
            "when it is too long to keep with your session.",
            "expires": "when the message has been shown",
        },
    ]
    return _page(request, "cookies", cookies=listed)
