"""A yes/no cell in an admin import is read strictly: "yes" is yes, nonsense is refused."""

from __future__ import annotations

import tablib

from indicators.resources import OrganisationResource
from portal.models import Organisation


def _import(rows: list[list[str]], dry_run: bool = False):
    data = tablib.Dataset(
        headers=["slug", "name", "short_name", "kind", "contact_email", "is_active"]
    )
    for row in rows:
        data.append(row)
    return OrganisationResource().import_data(data, dry_run=dry_run)


def test_yes_and_no_are_read_as_people_write_them(db):
    result = _import(
        [
            ["open-org", "Open Org", "", "police", "", "yes"],
            ["closed-org", "Closed Org", "", "police", "", "no"],
        ]
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert dict(Organisation.objects.values_list("slug", "is_active")) == {
        "open-org": True,
        "closed-org": False,
    }


def test_a_cell_that_is_neither_yes_nor_no_is_refused_in_the_preview(db):
    """The admin previews (a dry run) and offers no confirm while a row is invalid."""
    result = _import(
        [
            ["open-org", "Open Org", "", "police", "", "yes"],
            ["odd-org", "Odd Org", "", "police", "", "maybe"],
        ],
        dry_run=True,
    )
    assert result.has_validation_errors()
    messages = [
        str(message)
        for row in result.invalid_rows
        for messages in row.error_dict.values()
        for message in messages
    ]
    assert any("'maybe' is not yes or no" in m for m in messages), messages
    assert not Organisation.objects.exists()
