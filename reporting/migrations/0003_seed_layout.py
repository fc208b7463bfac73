"""The seed's ten-column table as the default layout, so an existing portal shows the same.

The columns are written out here (not imported) so this migration keeps doing what it did
when later code changes.
"""

from django.db import migrations

SLUG = "performance-dashboard"
COLUMNS = [
    ("outcome", "Outcomes", "outcome", {}),
    ("outcome_rag", "Overall Progress RAG", "outcome_rag", {}),
    ("indicator", "Supporting Indicators", "indicator", {}),
    (
        "previous_year",
        "Previous Year ({fy})",
        "value",
        {"window": "financial_year", "offset": "previous_year"},
    ),
    (
        "latest",
        "Latest Data Rolling 12 months",
        "value",
        {"window": "rolling_12_months", "offset": "current"},
    ),
    ("direction", "Current Direction of Travel", "direction", {"to": "latest"}),
    ("progress", "Progress", "rag", {"of": "latest"}),
    ("nn", "Nearest Neighbour Comparison", "typed_comparison", {"source": "nn"}),
    ("county", "County Comparison", "typed_comparison", {"source": "county"}),
    ("district", "District Comparison", "district_rank", {"of": "latest"}),
]


def create_seed_layout(apps, schema_editor):
    Layout = apps.get_model("reporting", "Layout")
    LayoutColumn = apps.get_model("reporting", "LayoutColumn")
    if Layout.objects.filter(slug=SLUG).exists():
        return
    layout = Layout.objects.create(
        slug=SLUG,
        title="Safer Communities Performance Dashboard",
        grouping="outcome",
        is_default=not Layout.objects.filter(is_default=True).exists(),
        description="The partnership's quarterly performance dashboard (Appendix 1).",
    )
    LayoutColumn.objects.bulk_create(
        LayoutColumn(
            layout=layout, position=position, key=key, heading=heading, measure=measure,
            options=options,
        )
        for position, (key, heading, measure, options) in enumerate(COLUMNS)
    )


def remove_seed_layout(apps, schema_editor):
    apps.get_model("reporting", "Layout").objects.filter(slug=SLUG).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_layouts")]

    operations = [migrations.RunPython(create_seed_layout, remove_seed_layout)]
