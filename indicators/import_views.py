"""Spreadsheet import pages: template download, upload → preview → confirm, historic import.

Thin views over `indicators.importing` (quarterly returns) and `indicators.import_tasks`
(historic approved values). A submitter imports only for the organisations they submit
for; the historic import is for administrators. An upload lives in an ImportBatch row, so
the preview and the confirm may be served by different workers.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_POST

from portal import access
from portal.models import Organisation

from .import_files import FileRefused, check_size
from .importing import ImportRefused, apply_return, build_template, plan_return, preview_upload
from .models import ImportBatch, ReportingPeriod


class PeriodChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: ReportingPeriod) -> str:
        return obj.label


class ReturnChoiceForm(forms.Form):
    """Which organisation and open quarter a template or upload is for."""

    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        error_messages={
            "invalid_choice": "You can only import figures for an organisation you submit for."
        },
    )
    period = PeriodChoiceField(
        queryset=ReportingPeriod.objects.none(),
        label="Quarter",
        error_messages={"invalid_choice": "Choose a quarter that is open for entry."},
    )

    def __init__(self, *args, organisations, periods, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["period"].queryset = periods
        if len(organisations) == 1:
            self.fields["organisation"].initial = organisations[0]
        if periods:
            self.fields["period"].initial = periods[0]


class UploadForm(ReturnChoiceForm):
    file = forms.FileField(
        label="Filled-in template",
        help_text="The template saved as an Excel workbook (.xlsx), an OpenDocument "
        "spreadsheet (.ods, LibreOffice Calc's own format) or a CSV file.",
    )
    submit = forms.TypedChoiceField(
        label="When the figures are imported",
        choices=[
            ("", "Save them as drafts, to check and submit later"),
            ("yes", "Submit them for review"),
        ],
        coerce=bool,
        required=False,
        empty_value=False,
        widget=forms.RadioSelect,
        initial="",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)  # before a byte is read
        except FileRefused as refused:
            raise forms.ValidationError(refused.messages) from None
        return upload


def _return_choices(request: HttpRequest):
    """The user's submitting organisations and the open quarters; 403 for non-submitters."""
    ids = access.submitter_organisation_ids(request.user)
    if not ids:
        raise PermissionDenied("Only a partner's data officer can import a quarterly return.")
    organisations = list(Organisation.objects.filter(pk__in=ids, is_active=True))
    periods = list(ReportingPeriod.objects.open_for_entry().order_by("-year", "-quarter"))
    return organisations, periods


def _get_batch_for_user(request: HttpRequest, pk: int) -> ImportBatch:
    """The user's own upload; anyone else's answers 404."""
    batch = get_object_or_404(
        ImportBatch.objects.select_related("organisation", "period"),
        pk=pk,
        owner=request.user,
        kind=ImportBatch.Kind.QUARTERLY_RETURN,
    )
    if batch.organisation_id not in access.submitter_organisation_ids(request.user):
        raise PermissionDenied("You no longer submit for this organisation.")
    return batch


def _my_submissions_url() -> str | None:
    try:
        return reverse("indicators:my_submissions")
    except NoReverseMatch:
        return None


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    organisations, periods = _return_choices(request)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        organisations=Organisation.objects.filter(pk__in=[o.pk for o in organisations]),
        periods=ReportingPeriod.objects.filter(pk__in=[p.pk for p in periods]),
    )
    template_form = ReturnChoiceForm(
        organisations=Organisation.objects.filter(pk__in=[o.pk for o in organisations]),
        periods=ReportingPeriod.objects.filter(pk__in=[p.pk for p in periods]),
        auto_id="template_%s",
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        batch, _ = preview_upload(
            data["file"].read(),
            data["file"].name,
            data["organisation"],
            data["period"],
            request.user,
            submit=data["submit"],
        )
        return redirect("indicators:import_preview", pk=batch.pk)
    return render(
        request,
        "indicators/import/upload.html",
        {"form": form, "template_form": template_form, "periods": periods},
    )


@login_required
def template(request: HttpRequest) -> HttpResponse:
    organisations, periods = _return_choices(request)
    form = ReturnChoiceForm(
        request.GET,
        organisations=Organisation.objects.filter(pk__in=[o.pk for o in organisations]),
        periods=ReportingPeriod.objects.filter(pk__in=[p.pk for p in periods]),
    )
    if not form.is_valid():
        return render(
            request,
            "indicators/import/upload.html",
            {
                "form": UploadForm(
                    organisations=form.fields["organisation"].queryset,
                    periods=form.fields["period"].queryset,
                ),
                "template_form": form,
                "periods": periods,
            },
            status=400,
        )
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    content, filename, content_type = build_template(
        form.cleaned_data["organisation"], form.cleaned_data["period"], file_format
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _preview_context(batch: ImportBatch, refused: list[str] | None = None) -> dict:
    plan = None
    if batch.rows and batch.status != ImportBatch.Status.APPLIED:
        plan = plan_return(batch.rows, batch.organisation, batch.period, batch.submit)
    return {
        "batch": batch,
        "plan": plan,
        "refused": refused or [],
        "my_submissions_url": _my_submissions_url(),
    }


@login_required
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    return render(request, "indicators/import/preview.html", _preview_context(batch))


@login_required
@require_POST
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    try:
        apply_return(batch, request.user)
    except ImportRefused as refused:
        batch.refresh_from_db()
        return render(
            request,
            "indicators/import/preview.html",
            _preview_context(batch, refused.messages),
            status=409,
        )
    return redirect("indicators:import_preview", pk=batch.pk)


# Historic approved values, for administrators.


class HistoricUploadForm(forms.Form):
    file = forms.FileField(
        label="Historic approved values",
        help_text="A CSV file, Excel workbook or OpenDocument spreadsheet with the open-data "
        "columns, one row per indicator, area and quarter.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except FileRefused as refused:
            raise forms.ValidationError(refused.messages) from None
        return upload


def _require_admin(request: HttpRequest) -> None:
    if not access.is_admin(request.user):
        raise PermissionDenied("Only an administrator can import historic figures.")


@login_required
def historic(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    form = HistoricUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        from .import_tasks import queue_historic_import

        upload_file = form.cleaned_data["file"]
        with transaction.atomic():
            batch = queue_historic_import(upload_file.read(), upload_file.name, request.user)
        return redirect("indicators:import_job", pk=batch.pk)
    batches = ImportBatch.objects.filter(kind=ImportBatch.Kind.HISTORIC)[:10]
    return render(request, "indicators/import/historic.html", {"form": form, "batches": batches})


@login_required
def job(request: HttpRequest, pk: int) -> HttpResponse:
    _require_admin(request)
    batch = get_object_or_404(ImportBatch, pk=pk, kind=ImportBatch.Kind.HISTORIC)
    from .historic import current_progress

    done = current_progress(batch)
    percent = done * 100 // batch.progress_total if batch.progress_total else 0
    return render(
        request, "indicators/import/job.html", {"batch": batch, "done": done, "percent": percent}
    )
