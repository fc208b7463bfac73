"""Template filters of the workflow pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def plain(value):
    """A stored figure as typed: 3000.0000 → 3000, 12.5000 → 12.5; blank stays '—'."""
    if value is None or value == "":
        return "—"
    if isinstance(value, Decimal):
        return (
            f"{value.normalize():f}" if value == value.to_integral() else f"{value.normalize():f}"
        )
    return value
