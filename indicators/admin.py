from django.contrib import admin
from django.urls import reverse
from import_export.admin import ExportMixin, ImportExportMixin

from portal import admin as portal_admin
from portal.models import Area, Organisation, Population

from .models import (
    ComparatorGroup,
    ComparatorMember,
    DefinitionChange,
    ImportBatch,
    Indicator,
    IndicatorTarget,
    Outcome,
    Override,
    PeerValue,
    ReportingPeriod,
    Submission,
    SubmissionEvent,
)
from .resources import (
    AdminImportExportMixin,
    AreaResource,
    ComparatorGroupResource,
    ComparatorMemberResource,
    HistoricValueResource,
    IndicatorResource,
    IndicatorTargetResource,
    OrganisationResource,
    OutcomeResource,
    PeerValueResource,
    PopulationResource,
)


class IndicatorInline(admin.TabularInline):
    model = Indicator
    fields = ["code", "title", "owner", "unit", "display_order", "is_active"]
    extra = 0
    show_change_link = True
    autocomplete_fields = ["owner"]


@admin.register(Outcome)
class OutcomeAdmin(AdminImportExportMixin, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [OutcomeResource]
    list_display = ["title", "rollup_rule", "display_order", "is_active"]
    list_editable = ["display_order"]
    list_filter = ["is_active", "rollup_rule"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [IndicatorInline]


class DefinitionChangeInline(admin.TabularInline):
    model = DefinitionChange
    extra = 0


class IndicatorTargetInline(admin.TabularInline):
    """Targets per financial year; a year without one uses the standing target above."""

    model = IndicatorTarget
    fields = ["year", "low", "high", "tolerance", "note"]
    extra = 0
    verbose_name = "target for a financial year"
    verbose_name_plural = (
        "targets per financial year (year 2016 is 2016/17; a year without one uses the "
        "standing target)"
    )


@admin.register(Indicator)
class IndicatorAdmin(AdminImportExportMixin, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [IndicatorResource]
    list_display = [
        "code",
        "title",
        "outcome",
        "owner",
        "unit",
        "formula",
        "aggregation",
        "polarity",
        "rag_method",
        "is_active",
    ]
    list_filter = [
        "outcome",
        "owner",
        "unit",
        "formula",
        "aggregation",
        "polarity",
        "rag_method",
        "is_active",
    ]
    search_fields = ["code", "title", "definition"]
    autocomplete_fields = ["owner", "outcome", "comparator_group"]
    filter_horizontal = ["areas"]
    inlines = [IndicatorTargetInline, DefinitionChangeInline]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "code",
                    "title",
                    "definition",
                    "outcome",
                    "owner",
                    "areas",
                    "display_order",
                    "is_active",
                    "notes",
                ]
            },
        ),
        (
            "How the figure is formed",
            {
                "fields": [
                    "unit",
                    "formula",
                    "aggregation",
                    "numerator_label",
                    "denominator_label",
                    "decimal_places",
                ]
            },
        ),
        (
            "Judging progress",
            {
                "fields": [
                    "polarity",
                    "rag_method",
                    "target",
                    "target_tolerance",
                    "direction_basis",
                    "stable_band",
                    "swing_threshold",
                    "comparator_group",
                ]
            },
        ),
    ]


@admin.register(IndicatorTarget)
class IndicatorTargetAdmin(AdminImportExportMixin, ImportExportMixin, admin.ModelAdmin):
    """Targets per financial year; also edited inline on their indicator."""

    resource_classes = [IndicatorTargetResource]
    list_display = ["indicator", "year", "low", "high", "tolerance", "note"]
    list_filter = ["year", "indicator__outcome"]
    list_select_related = ["indicator"]
    search_fields = ["indicator__code", "indicator__title"]
    autocomplete_fields = ["indicator"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["__str__", "opens_on", "deadline", "closes_on", "closed_at", "published_at"]
    list_filter = ["year", "quarter"]
    readonly_fields = ["closed_at", "closed_by", "published_at"]
    ordering = ["-year", "-quarter"]


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "at", "from_state", "to_state", "comment", "changes"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(AdminImportExportMixin, ExportMixin, admin.ModelAdmin):
    """Read-mostly: figures change through the workflow, so every change is audited.

    Export gives the approved values in the open-data long format; they are imported by
    the historic import (see ImportBatch), which checks the whole file first.
    """

    resource_classes = [HistoricValueResource]

    list_display = [
        "indicator",
        "area",
        "period",
        "version",
        "state",
        "value",
        "numerator",
        "denominator",
        "is_current",
        "is_latest_approved",
    ]
    list_filter = [
        "state",
        "period",
        "indicator__outcome",
        "indicator__owner",
        "area",
        "is_current",
        "is_latest_approved",
    ]
    search_fields = ["indicator__code", "indicator__title", "area__name"]
    list_select_related = ["indicator", "area", "period"]
    inlines = [SubmissionEventInline]
    readonly_fields = [f.name for f in Submission._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ComparatorMemberInline(admin.TabularInline):
    model = ComparatorMember
    extra = 1


@admin.register(ComparatorGroup)
class ComparatorGroupAdmin(AdminImportExportMixin, ImportExportMixin, admin.ModelAdmin):
    resource_classes = [ComparatorGroupResource, ComparatorMemberResource]
    list_display = ["name", "source", "as_at"]
    search_fields = ["name", "source"]
    inlines = [ComparatorMemberInline]


@admin.register(PeerValue)
class PeerValueAdmin(AdminImportExportMixin, ImportExportMixin, admin.ModelAdmin):
    """Comparator values, loaded in long format: all or nothing, previewed first."""

    resource_classes = [PeerValueResource]
    list_display = ["indicator", "period", "member", "value", "source", "as_at"]
    list_filter = ["period", "indicator", "member__group"]
    list_select_related = ["indicator", "period", "member"]
    search_fields = ["indicator__code", "member__name", "source"]


@admin.register(Override)
class OverrideAdmin(admin.ModelAdmin):
    list_display = [
        "kind",
        "indicator",
        "outcome",
        "area",
        "period",
        "value",
        "author",
        "created_at",
        "is_active",
    ]
    list_filter = ["kind", "period", "is_active"]
    search_fields = ["reason", "indicator__title", "outcome__title"]


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    """Uploads and historic imports, read-only; a historic import starts from its own page."""

    list_display = [
        "created_at",
        "kind",
        "filename",
        "owner",
        "organisation",
        "status",
        "row_count",
    ]
    list_filter = ["kind", "status"]
    readonly_fields = [f.name for f in ImportBatch._meta.fields if f.name != "content"]
    exclude = ["content"]
    change_list_template = "indicators/import/admin_change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "historic_url": reverse("indicators:import_historic"),
        }
        return super().changelist_view(request, extra_context)


# Reference data of the portal app, with import and export. Registered here because
# imports run reporting → indicators → portal: portal/admin.py may not import this app.


class OrganisationImportExportAdmin(
    AdminImportExportMixin, ImportExportMixin, portal_admin.OrganisationAdmin
):
    resource_classes = [OrganisationResource]


class AreaImportExportAdmin(AdminImportExportMixin, ImportExportMixin, portal_admin.AreaAdmin):
    resource_classes = [AreaResource, PopulationResource]


class PopulationImportExportAdmin(
    AdminImportExportMixin, ImportExportMixin, portal_admin.PopulationAdmin
):
    resource_classes = [PopulationResource]


for model, model_admin in [
    (Organisation, OrganisationImportExportAdmin),
    (Area, AreaImportExportAdmin),
    (Population, PopulationImportExportAdmin),
]:
    admin.site.unregister(model)
    admin.site.register(model, model_admin)
