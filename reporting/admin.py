"""Layouts in the admin: columns and indicators inline, a live preview of the latest quarter,
and the JSON form (reporting/layouts.py) to download and upload."""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse

from indicators.models import ReportingPeriod
from portal.models import Area

from . import vocabulary
from .assembly import build_dashboard
from .layouts import LayoutError, export_layouts, import_layouts, layout_to_data
from .models import Layout, LayoutColumn, LayoutIndicator

# Which form field a vocabulary message belongs next to.
FIELD_WORDS = [
    ("unknown measure", "measure"),
    ("heading", "heading"),
    ("placeholder", "heading"),
    ("key '", "key"),
    ("decimals", "decimals"),
    ("format", "options"),
]


def _field_for(message: str) -> str:
    return next((name for words, name in FIELD_WORDS if words in message), "options")


class ColumnFormSet(forms.BaseInlineFormSet):
    """Checks every column against the vocabulary, with operands among the layout's columns."""

    def _live_forms(self):
        return [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]

    def clean(self) -> None:
        super().clean()
        live = self._live_forms()
        specs = [self._spec(f) for f in live]
        keys: dict[str, str] = {}
        for form, spec in zip(live, specs, strict=True):
            if spec["key"] in keys:
                form.add_error("key", f"Key '{spec['key']}' is used twice.")
            keys.setdefault(spec["key"], spec["measure"])
        grouping = self.instance.grouping
        for form, spec in zip(live, specs, strict=True):
            for message in vocabulary.column_errors(spec, keys):
                form.add_error(_field_for(message), message)
            if spec["measure"] in ("outcome", "outcome_rag") and grouping != "outcome":
                form.add_error("measure", f"The {spec['measure']} measure needs outcome grouping.")
            if spec["measure"] == "area" and grouping != "area":
                form.add_error("measure", "The area measure needs area grouping.")
        if not live:
            raise ValidationError("A layout needs at least one column.")

    @staticmethod
    def _spec(form) -> dict:
        data = form.cleaned_data
        return {
            "key": data.get("key", ""),
            "heading": data.get("heading", ""),
            "measure": data.get("measure", ""),
            "options": data.get("options") or {},
            "format": {"decimals": data.get("decimals")},
        }


class LayoutColumnInline(admin.TabularInline):
    model = LayoutColumn
    formset = ColumnFormSet
    fields = [
        "position",
        "key",
        "heading",
        "measure",
        "options",
        "thousands",
        "decimals",
        "signed",
        "markers",
    ]
    extra = 0


class LayoutIndicatorInline(admin.TabularInline):
    model = LayoutIndicator
    fields = ["position", "indicator"]
    autocomplete_fields = ["indicator"]
    extra = 0
    verbose_name_plural = "Indicators shown (none chosen: every active indicator)"


class UploadForm(forms.Form):
    file = forms.FileField(help_text="A JSON file of one layout or a list of layouts.")


def parse_upload(content: bytes) -> list[dict]:
    """The layouts in an uploaded file; raises LayoutError when it is not layout JSON."""
    try:
        data = json.loads(content.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LayoutError([f"The file is not JSON: {exc}."]) from None
    if isinstance(data, dict) and "layouts" in data:
        data = data["layouts"]
    return data if isinstance(data, list) else [data]


def preview(layout: Layout) -> str:
    """The layout rendered for the latest quarter with approved figures, for the default area."""
    period = (
        ReportingPeriod.objects.filter(submissions__is_latest_approved=True)
        .order_by("-year", "-quarter")
        .first()
    )
    area = Area.objects.filter(parent__isnull=True).order_by("display_order", "name").first()
    if period is None or area is None:
        return ""
    dashboard = build_dashboard(period, area, layout)
    return render_to_string(
        "reporting/includes/dashboard_table.html", {"dashboard": dashboard, "committee": True}
    )


@admin.register(Layout)
class LayoutAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "grouping", "is_default", "updated_at"]
    list_filter = ["grouping", "is_default"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [LayoutColumnInline, LayoutIndicatorInline]
    change_form_template = "reporting/admin/layout_change_form.html"
    change_list_template = "reporting/admin/layout_change_list.html"

    def get_urls(self):
        own = [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="reporting_layout_upload",
            ),
            path(
                "download/",
                self.admin_site.admin_view(self.download_all_view),
                name="reporting_layout_download_all",
            ),
            path(
                "<int:pk>/json/",
                self.admin_site.admin_view(self.download_view),
                name="reporting_layout_json",
            ),
        ]
        return own + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        layout = self.get_object(request, object_id)
        extra = {"preview": preview(layout) if layout else ""}
        if layout:
            extra["json_url"] = reverse("admin:reporting_layout_json", args=[layout.pk])
        return super().change_view(request, object_id, form_url, {**(extra_context or {}), **extra})

    def _json(self, data, filename: str) -> HttpResponse:
        response = HttpResponse(
            json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response

    def download_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise Http404
        layout = get_object_or_404(Layout, pk=pk)
        return self._json(layout_to_data(layout), f"layout-{layout.slug}.json")

    def download_all_view(self, request):
        if not self.has_view_permission(request):
            raise Http404
        return self._json(export_layouts(), "layouts.json")

    def upload_view(self, request):
        if not self.has_add_permission(request) or not self.has_change_permission(request):
            raise Http404
        form = UploadForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                saved = import_layouts(parse_upload(form.cleaned_data["file"].read()))
            except LayoutError as exc:
                errors = exc.messages
            else:
                names = ", ".join(layout.slug for layout in saved)
                messages.success(request, f"Saved {len(saved)} layouts: {names}.")
                return redirect("admin:reporting_layout_changelist")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "errors": errors,
            "title": "Upload layouts (JSON)",
        }
        return render(request, "reporting/admin/layout_upload.html", context)
