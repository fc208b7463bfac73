"""Spreadsheet helpers for import tests: fill a template as a person would in Excel."""

from __future__ import annotations

import csv
import html
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from indicators.importing import RETURN_COLUMNS
from indicators.models import ImportBatch


def fill_xlsx(content: bytes, values: dict[tuple[str, str], dict]) -> bytes:
    """Open the template, type values into the rows of (indicator code, area code)."""
    book = load_workbook(io.BytesIO(content))
    sheet = book["Return"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        key = (row[0].value, row[2].value)
        for column, value in values.get(key, {}).items():
            row[header.index(column)].value = value
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx(rows: list[list], header: list[str] | None = None, sheet: str = "Return") -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header if header is not None else RETURN_COLUMNS)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[dict], header: list[str] | None = None) -> bytes:
    header = header or RETURN_COLUMNS
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header)
    writer.writeheader()
    for row in rows:
        writer.writerow(row)
    return out.getvalue().encode()


def row(code="crime", area="E07000991", quarter="2016/17-Q2", **values) -> dict:
    return {"indicator_code": code, "area_code": area, "quarter": quarter, **values}


def upload_and_preview(client, user, organisation, period, name: str, content: bytes):
    """Post a file through the upload page as `user`; the batch and the preview's text."""
    client.force_login(user)
    response = client.post(
        reverse("indicators:import_upload"),
        {
            "organisation": organisation.pk,
            "period": period.pk,
            "file": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    return ImportBatch.objects.latest("created_at"), html.unescape(page.content.decode())
