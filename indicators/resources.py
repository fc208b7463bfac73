"""django-import-export resources: a partnership's reference data and its approved history.

Reference data (organisations, areas and populations, outcomes, indicators) is keyed on
natural keys (slug, ONS code, indicator code), so a workbook exported from one portal
imports into another, and importing it again changes nothing (`skip_unchanged`). Rows are
loaded through `CachedInstanceLoader` (one query for all existing rows, not one per row),
validated with the models' own `full_clean`, and imported in a transaction that is rolled
back whole when any row fails.

Approved values are exported in the open-data long format (`OPEN_DATA_COLUMNS`); they are
imported by `indicators.historic`, which streams and bulk-inserts, not row by row here.
"""

from __future__ import annotations

from decimal import Decimal

import tablib
from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets
from import_export.instance_loaders import CachedInstanceLoader
from import_export.results import Result, RowResult

from portal import access
from portal.models import Area, Organisation, Population

from . import figures
from .columns import OPEN_DATA_COLUMNS, status_and_comparison_cells
from .comparators import PEER_VALUE_COLUMNS, apply_peer_plan, export_peer_values, plan_peer_values
from .import_files import CellError, FileRefused, check_zip, parse_flag, sniff_format
from .models import (
    ComparatorGroup,
    ComparatorMember,
    ImportBatch,
    Indicator,
    IndicatorTarget,
    Outcome,
    PeerValue,
    Submission,
)


class StrictBooleanWidget(widgets.BooleanWidget):
    """yes / no, 1 / 0, true / false; anything else is an error, never a silent "no"."""

    def clean(self, value, row=None, **kwargs):
        if value in self.NULL_VALUES:
            return None
        try:
            return parse_flag(value)
        except CellError as error:
            raise ValueError(str(error)) from None


class PortalResource(resources.ModelResource):
    """The portal's resources: a yes/no cell that is neither is refused, not read as no."""

    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "BooleanField": StrictBooleanWidget,
        "NullBooleanField": StrictBooleanWidget,
    }


class _Strict:
    """Shared options: natural keys, whole-file transactions, the models' own validation."""

    skip_unchanged = True
    report_skipped = True
    clean_model_instances = True
    use_transactions = True
    instance_loader_class = CachedInstanceLoader


class OrganisationResource(PortalResource):
    class Meta(_Strict):
        model = Organisation
        import_id_fields = ["slug"]
        fields = ["slug", "name", "short_name", "kind", "contact_email", "is_active"]
        export_order = fields


class AreaResource(PortalResource):
    parent = fields.Field(
        attribute="parent", column_name="parent", widget=widgets.ForeignKeyWidget(Area, "code")
    )

    class Meta(_Strict):
        model = Area
        import_id_fields = ["code"]
        fields = ["code", "name", "kind", "parent", "display_order"]
        export_order = fields

    def get_queryset(self):
        # Parents first, so an exported file imports in one pass.
        return Area.objects.select_related("parent").parents_first()


class PopulationResource(PortalResource):
    area = fields.Field(
        attribute="area", column_name="area", widget=widgets.ForeignKeyWidget(Area, "code")
    )

    class Meta(_Strict):
        model = Population
        import_id_fields = ["area", "year"]
        fields = ["area", "year", "population", "source"]
        export_order = fields
        instance_loader_class = None  # keyed on a foreign key: the default loader

    def get_queryset(self):
        return Population.objects.select_related("area")


class OutcomeResource(PortalResource):
    class Meta(_Strict):
        model = Outcome
        import_id_fields = ["slug"]
        fields = ["slug", "title", "description", "rollup_rule", "display_order", "is_active"]
        export_order = fields


class ComparatorGroupWidget(widgets.ForeignKeyWidget):
    """A comparator group by name; of revisions sharing a name, the latest."""

    def __init__(self):
        super().__init__(ComparatorGroup, "name")

    def clean(self, value, row=None, **kwargs):
        name = (value or "").strip()
        if not name:
            return None
        group = ComparatorGroup.objects.filter(name=name).order_by("-as_at").first()
        if group is None:
            raise ValueError(f"There is no comparator group named '{name}': import it first.")
        return group


class ComparatorGroupResource(PortalResource):
    class Meta(_Strict):
        model = ComparatorGroup
        import_id_fields = ["name", "as_at"]
        fields = ["name", "source", "as_at", "notes"]
        export_order = fields
        instance_loader_class = None


class ComparatorMemberResource(PortalResource):
    group = fields.Field(attribute="group", column_name="group", widget=ComparatorGroupWidget())

    class Meta(_Strict):
        model = ComparatorMember
        import_id_fields = ["group", "name"]
        fields = ["group", "name", "is_self"]
        export_order = fields
        instance_loader_class = None

    def get_queryset(self):
        return ComparatorMember.objects.select_related("group")


class IndicatorResource(PortalResource):
    outcome = fields.Field(
        attribute="outcome", column_name="outcome", widget=widgets.ForeignKeyWidget(Outcome, "slug")
    )
    owner = fields.Field(
        attribute="owner",
        column_name="owner",
        widget=widgets.ForeignKeyWidget(Organisation, "slug"),
    )
    areas = fields.Field(
        attribute="areas",
        column_name="areas",
        widget=widgets.ManyToManyWidget(Area, field="code", separator="|"),
    )
    comparator_group = fields.Field(
        attribute="comparator_group", column_name="comparator_group", widget=ComparatorGroupWidget()
    )

    class Meta(_Strict):
        model = Indicator
        import_id_fields = ["code"]
        fields = [
            "code",
            "title",
            "definition",
            "outcome",
            "owner",
            "areas",
            "unit",
            "formula",
            "aggregation",
            "numerator_label",
            "denominator_label",
            "polarity",
            "decimal_places",
            "rag_method",
            "target",
            "target_tolerance",
            "direction_basis",
            "stable_band",
            "swing_threshold",
            "comparator_group",
            "notes",
            "display_order",
            "is_active",
        ]
        export_order = fields

    def get_queryset(self):
        return Indicator.objects.select_related(
            "outcome", "owner", "comparator_group"
        ).prefetch_related("areas")


class IndicatorTargetResource(PortalResource):
    """Targets per financial year, keyed on the indicator's code and the year."""

    indicator = fields.Field(
        attribute="indicator",
        column_name="indicator",
        widget=widgets.ForeignKeyWidget(Indicator, "code"),
    )

    class Meta(_Strict):
        model = IndicatorTarget
        import_id_fields = ["indicator", "year"]
        fields = ["indicator", "year", "low", "high", "tolerance", "note"]
        export_order = fields
        instance_loader_class = None

    def get_queryset(self):
        return IndicatorTarget.objects.select_related("indicator")


def _plain(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"


def _status_or_comparison(column: str) -> fields.Field:
    """An export column filled by `status_and_comparison_cells`, as every file writes it."""
    return fields.Field(
        column_name=column,
        readonly=True,
        dehydrate_method=lambda sub: status_and_comparison_cells(sub)[column],
    )


class HistoricValueResource(PortalResource):
    """Latest approved values in the open-data long format (export only)."""

    indicator_code = fields.Field(column_name="indicator_code", readonly=True)
    indicator_title = fields.Field(column_name="indicator_title", readonly=True)
    area_code = fields.Field(column_name="area_code", readonly=True)
    area_name = fields.Field(column_name="area_name", readonly=True)
    quarter = fields.Field(column_name="quarter", readonly=True)
    figure = fields.Field(column_name="figure", readonly=True)
    value = fields.Field(column_name="value", readonly=True)
    numerator = fields.Field(column_name="numerator", readonly=True)
    denominator = fields.Field(column_name="denominator", readonly=True)
    unit = fields.Field(column_name="unit", readonly=True)
    covered_start = fields.Field(column_name="covered_start", readonly=True)
    covered_end = fields.Field(column_name="covered_end", readonly=True)
    covered_label = fields.Field(column_name="covered_label", readonly=True)
    nil_return = fields.Field(column_name="nil_return", readonly=True)
    provisional = fields.Field(column_name="provisional", readonly=True)
    estimated = fields.Field(column_name="estimated", readonly=True)
    footnote = fields.Field(column_name="footnote", readonly=True)
    revision = fields.Field(column_name="revision", readonly=True)
    status = _status_or_comparison("status")
    nn_rank = _status_or_comparison("nn_rank")
    nn_of = _status_or_comparison("nn_of")
    nn_band = _status_or_comparison("nn_band")
    nn_not_benchmarked = _status_or_comparison("nn_not_benchmarked")
    county_rank = _status_or_comparison("county_rank")
    county_of = _status_or_comparison("county_of")
    county_band = _status_or_comparison("county_band")
    county_not_benchmarked = _status_or_comparison("county_not_benchmarked")
    district_rank = _status_or_comparison("district_rank")
    district_of = _status_or_comparison("district_of")
    district_band = _status_or_comparison("district_band")
    district_not_benchmarked = _status_or_comparison("district_not_benchmarked")

    class Meta:
        model = Submission
        fields = list(OPEN_DATA_COLUMNS)
        export_order = list(OPEN_DATA_COLUMNS)

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._populations: dict[int, dict[int, int]] | None = None

    def get_queryset(self):
        return (
            Submission.objects.approved()
            .select_related("indicator", "area", "period")
            .order_by("period__year", "period__quarter", "area__display_order", "indicator")
        )

    def _pops(self, area_id: int) -> dict[int, int]:
        if self._populations is None:
            self._populations = Population.objects.by_area()
        return self._populations.get(area_id, {})

    def dehydrate_indicator_code(self, sub):
        return sub.indicator.code

    def dehydrate_indicator_title(self, sub):
        return sub.indicator.title

    def dehydrate_area_code(self, sub):
        return sub.area.code

    def dehydrate_area_name(self, sub):
        return sub.area.name

    def dehydrate_quarter(self, sub):
        return sub.period.code

    def dehydrate_figure(self, sub):
        own = figures.submission_figure(
            sub.indicator, sub, sub.period.as_quarter, self._pops(sub.area_id)
        )
        return figures.format_number(own.value, own.decimal_places) if own.available else ""

    def dehydrate_value(self, sub):
        return _plain(sub.value)

    def dehydrate_numerator(self, sub):
        return _plain(sub.numerator)

    def dehydrate_denominator(self, sub):
        return _plain(sub.denominator)

    def dehydrate_unit(self, sub):
        return sub.indicator.unit

    def dehydrate_covered_start(self, sub):
        return sub.covered_start.isoformat() if sub.covered_start else ""

    def dehydrate_covered_end(self, sub):
        return sub.covered_end.isoformat() if sub.covered_end else ""

    def dehydrate_covered_label(self, sub):
        return sub.covered_label

    def dehydrate_nil_return(self, sub):
        return "yes" if sub.is_nil_return else "no"

    def dehydrate_provisional(self, sub):
        return "yes" if sub.is_provisional else "no"

    def dehydrate_estimated(self, sub):
        return "yes" if sub.is_estimated else "no"

    def dehydrate_footnote(self, sub):
        return sub.footnote

    def dehydrate_revision(self, sub):
        return sub.version


class PeerValueResource(PortalResource):
    """Comparator values in long format, checked and written by `indicators.comparators`.

    The admin's preview and confirm call `import_data`; here it hands the whole file to
    the same planner the partnership bundle uses and reports each bad row and column in
    import-export's result, so the admin shows the usual preview or the usual error table.
    """

    indicator_code = fields.Field(column_name="indicator_code")
    period = fields.Field(column_name="period")
    member = fields.Field(column_name="member")
    value = fields.Field(column_name="value")
    source = fields.Field(column_name="source")
    as_at = fields.Field(column_name="as_at")

    class Meta:
        model = PeerValue
        fields = list(PEER_VALUE_COLUMNS)
        export_order = list(PEER_VALUE_COLUMNS)

    def export(self, queryset=None, **kwargs) -> tablib.Dataset:
        rows = export_peer_values()
        return tablib.Dataset(
            *[[row[c] for c in PEER_VALUE_COLUMNS] for row in rows], headers=PEER_VALUE_COLUMNS
        )

    def import_data(self, dataset, dry_run: bool = False, **kwargs) -> Result:
        rows = [dict(zip(dataset.headers or [], values, strict=False)) for values in dataset]
        plan = plan_peer_values(rows)
        result = Result()
        result.diff_headers = list(PEER_VALUE_COLUMNS)
        result.add_dataset_headers(dataset.headers or [])
        for message in plan.file_errors:
            result.append_invalid_row(1, {}, ValidationError(message))
        for row in plan.rows:
            values = [row.cells.get(c, "") for c in PEER_VALUE_COLUMNS]
            if row.errors:
                result.append_invalid_row(row.number, dict(row.cells), ValidationError(row.errors))
                continue
            outcome = RowResult()
            outcome.import_type = row.change
            outcome.diff = ["" if v is None else str(v) for v in values]
            outcome.instance = row.instance
            result.append_row_result(outcome)
            result.increment_row_result_total(outcome)
        if not dry_run and not plan.has_errors:
            apply_peer_plan(plan)
            for outcome in result.rows:
                outcome.add_instance_info(outcome.instance)
        return result


REFERENCE_RESOURCES = [
    OrganisationResource,
    AreaResource,
    PopulationResource,
    OutcomeResource,
    ComparatorGroupResource,
    ComparatorMemberResource,
    IndicatorResource,
    IndicatorTargetResource,
]


# Admin integration: who may import, and where the file waits between dry run and confirm.


class BatchTmpStorage:
    """import-export's temporary storage, kept in an ImportBatch row instead of /tmp.

    The admin's dry run and its confirm are two requests that may reach different
    workers; a file in one worker's /tmp would be lost to the other. Reading applies the
    same bad-file defences as the portal's own imports (size, content type, zip bomb).
    """

    def __init__(self, **kwargs):
        self.name = kwargs.get("name")
        self.read_mode = kwargs.get("read_mode", "r")
        self.encoding = kwargs.get("encoding")

    def save(self, data) -> None:
        content = data.encode("utf-8") if isinstance(data, str) else bytes(data)
        batch = ImportBatch.objects.create(
            kind=ImportBatch.Kind.ADMIN, status=ImportBatch.Status.PREVIEWED, content=content
        )
        self.name = str(batch.pk)

    def read(self):
        batch = ImportBatch.objects.filter(pk=self.name, kind=ImportBatch.Kind.ADMIN).first()
        if batch is None:
            raise FileRefused(["The uploaded file has expired: upload it again."])
        content = bytes(batch.content)
        if sniff_format(content) == "xlsx":
            check_zip(content)
        if "b" in self.read_mode:
            return content
        return content.decode(self.encoding or "utf-8-sig")

    def remove(self) -> None:
        ImportBatch.objects.filter(pk=self.name, kind=ImportBatch.Kind.ADMIN).delete()


class AdminImportExportMixin:
    """Import and export for administrators only, not for every staff member.

    A viewer or submitter may be staff (to reach other admin pages) without the admin
    role; the import and export buttons and URLs refuse them.
    """

    tmp_storage_class = BatchTmpStorage

    def has_import_permission(self, request) -> bool:
        return access.is_admin(request.user)

    def has_export_permission(self, request) -> bool:
        return access.is_admin(request.user)

    def add_data_read_fail_error_to_form(self, form, e) -> None:
        if isinstance(e, FileRefused):
            form.add_error("import_file", " ".join(e.messages))
        else:
            super().add_data_read_fail_error_to_form(form, e)
