"""The admin's import-export resources, run over bundle files with every bad cell named.

The resources are the ones the admin imports with (`indicators.resources`), so a bundle
file is a file the admin accepts. Foreign keys are swapped for widgets that say which
value is unknown, instead of "matching query does not exist" for the first bad row only,
and yes/no cells for a widget that refuses what it cannot read instead of taking it as no.
"""

from __future__ import annotations

import tablib
from django.core.exceptions import NON_FIELD_ERRORS
from import_export import widgets
from import_export.resources import ModelResource

from indicators import resources

from .files import Problem, Sheet

RESOURCES: dict[str, type[ModelResource]] = {
    "organisations.csv": resources.OrganisationResource,
    "areas.csv": resources.AreaResource,
    "populations.csv": resources.PopulationResource,
    "outcomes.csv": resources.OutcomeResource,
    "comparator_groups.csv": resources.ComparatorGroupResource,
    "comparator_members.csv": resources.ComparatorMemberResource,
    "indicators.csv": resources.IndicatorResource,
    "indicator_targets.csv": resources.IndicatorTargetResource,
}


class CellValueError(ValueError):
    """A cell that names nothing known; `column` says which (an id column's error has none)."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column


def _missing(widget, value) -> CellValueError:
    name = widget.model._meta.verbose_name
    return CellValueError(widget.column, f"There is no {name} '{value}' in the bundle or portal.")


class NamedForeignKeyWidget(widgets.ForeignKeyWidget):
    def __init__(self, model, field: str, column: str):
        super().__init__(model, field)
        self.column = column

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row, **kwargs)
        except self.model.DoesNotExist:
            raise _missing(self, value) from None
        except self.model.MultipleObjectsReturned:
            name = self.model._meta.verbose_name
            raise CellValueError(
                self.column, f"Several {name}s are called '{value}': rename one."
            ) from None


class NamedManyToManyWidget(widgets.ManyToManyWidget):
    def __init__(self, model, separator: str, field: str, column: str):
        super().__init__(model, separator, field)
        self.column = column

    def clean(self, value, row=None, **kwargs):
        found = super().clean(value, row, **kwargs)
        wanted = [v.strip() for v in str(value or "").split(self.separator) if v.strip()]
        known = {str(getattr(obj, self.field)) for obj in found}
        unknown = [v for v in wanted if v not in known]
        if unknown:
            raise _missing(self, ", ".join(unknown))
        return found


def _named(resource: ModelResource) -> ModelResource:
    for field in resource.fields.values():
        widget = field.widget
        if type(widget) is widgets.ForeignKeyWidget:
            field.widget = NamedForeignKeyWidget(widget.model, widget.field, field.column_name)
        elif type(widget) is widgets.ManyToManyWidget:
            field.widget = NamedManyToManyWidget(
                widget.model, widget.separator, widget.field, field.column_name
            )
    return resource


def columns(name: str) -> list[str]:
    return list(RESOURCES[name]().get_export_headers())


def export_table(name: str) -> tuple[list[str], list[list]]:
    data = RESOURCES[name]().export()
    return list(data.headers), [list(row) for row in data]


def _column_of(resource: ModelResource, attribute: str) -> str:
    for field in resource.fields.values():
        if field.attribute == attribute:
            return field.column_name
    return "" if attribute == NON_FIELD_ERRORS else attribute


def load_table(sheet: Sheet) -> list[Problem]:
    """Import one reference file inside the caller's transaction; its problems, if any."""
    resource = _named(RESOURCES[sheet.name]())
    dataset = tablib.Dataset(headers=sheet.header)
    for _line, cells in sheet.rows:
        dataset.append([cells[h] for h in sheet.header])
    result = resource.import_data(dataset, dry_run=False, raise_errors=False)
    lines = [line for line, _ in sheet.rows]
    problems = [Problem(sheet.name, str(error)) for error in result.base_errors]
    for row in result.error_rows:
        for error in row.errors:
            column = getattr(error.error, "column", "")
            problems.append(Problem(sheet.name, str(error.error), lines[row.number - 1], column))
    for row in result.invalid_rows:
        for attribute, messages in row.error_dict.items():
            for message in messages:
                column = _column_of(resource, attribute)
                problems.append(Problem(sheet.name, message, lines[row.number - 1], column))
    return problems
