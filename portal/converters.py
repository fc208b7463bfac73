"""URL converter for area codes: anything but a well-formed code is "not found" (404)."""

from __future__ import annotations

from .models import AREA_CODE_REGEX


class AreaCodeConverter:
    regex = AREA_CODE_REGEX

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value) -> str:
        return getattr(value, "code", value)
