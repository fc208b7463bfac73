"""Logging filters: keep the log readable for an operator."""

from __future__ import annotations

import logging


class OneLineForbidden(logging.Filter):
    """A refused request (403) is routine, not a fault: log it as one line, no traceback.

    Django's request logger attaches the PermissionDenied exception to the record; dropping
    it leaves "Forbidden (Permission denied): /path" and keeps real errors' tracebacks.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
        return True
