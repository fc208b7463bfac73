"""A NUL byte or other junk in an area code or quarter answers 404, never 500.

PostgreSQL refuses a NUL byte in a query ("cannot contain NUL"), so these only show the
500 they guard against when run with DATABASE_URL=postgres://…; SQLite just finds nothing.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from portal.models import Area

JUNK = ["%00", "E10%00", "..%2F..", "%3Cscript%3E", "E1000009'9", "x" * 300]


def urls(junk: str) -> list[str]:
    return [
        f"/dashboard/2016/17-Q2/{junk}/",
        f"/dashboard/2016/17-Q2/{junk}/dashboard.csv",
        f"/dashboard/2016/17-Q2/{junk}/export/csv/",
        f"/committee/2016/17-Q2/{junk}/",
        f"/committee/2016/17-Q2/{junk}/export/csv/",
        f"/dashboard/indicators/crime/?area={junk}",
        f"/dashboard/{junk}/",
        f"/committee/{junk}/",
        f"/quarters/{junk}/",
        f"/quarters/2016-17-Q2{junk}/",
    ]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_in_an_area_code_or_quarter_is_not_found(client, partnership, junk):
    client.force_login(partnership.admin)
    answers = {url: client.get(url).status_code for url in urls(junk)}
    assert answers == dict.fromkeys(answers, 404)


def test_an_area_code_with_characters_a_url_cannot_carry_is_refused(partnership):
    area = Area(name="Rutland", code="Rut land")
    with pytest.raises(ValidationError) as refused:
        area.full_clean()
    assert "letters, digits, dashes and underscores" in str(refused.value)
