"""Who is asking, and how often: the client address and the password-reset throttle."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's address, for the login lockout and the reset throttle.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it saw to X-Forwarded-For,
    so the client is that many entries from the right; entries further left are whatever the
    client chose to send and are never trusted.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    chain = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [hop for hop in chain if hop]
    return chain[-count] if len(chain) >= count else remote


def _count(key: str) -> int:
    """Count one more request in the current window; the window starts with the first."""
    cache.add(key, 0, timeout=settings.PASSWORD_RESET_LIMIT_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr: this request opens a new window
        cache.set(key, 1, timeout=settings.PASSWORD_RESET_LIMIT_WINDOW)
        return 1


def password_reset_allowed(email: str, ip: str | None) -> bool:
    """True while neither the address nor the client has asked too often this hour.

    Counting the address asked for, whether or not an account has it, keeps the answer the
    same for every address, so the limit does not reveal which ones are registered.
    """
    address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
    per_address = _count(f"password-reset:address:{address}")
    per_client = _count(f"password-reset:client:{ip}")
    return (
        per_address <= settings.PASSWORD_RESET_LIMIT_PER_ADDRESS
        and per_client <= settings.PASSWORD_RESET_LIMIT_PER_CLIENT
    )
