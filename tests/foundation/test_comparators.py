"""Comparator values in long format: `load_peer_values`, its export, and the admin import."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from indicators.comparators import export_peer_values, load_peer_values
from indicators.models import ComparatorGroup, ComparatorMember, PeerValue


@pytest.fixture
def group(partnership):
    group = ComparatorGroup.objects.create(
        name="Most similar", source="iQuanta", as_at=dt.date(2016, 4, 1)
    )
    for name in ("Elsewhere", "Faraway"):
        ComparatorMember.objects.create(group=group, name=name)
    ComparatorMember.objects.create(group=group, name="Shire", is_self=True)
    partnership.crime.comparator_group = group
    partnership.crime.save()
    return group


def row(**cells):
    base = {
        "indicator_code": "crime",
        "period": "2016/17-Q1",
        "member": "Elsewhere",
        "value": "41.2",
        "source": "iQuanta",
        "as_at": "2016-09-30",
    }
    return {**base, **cells}


def test_good_rows_are_written_with_their_source_and_date(group):
    count, errors = load_peer_values([row(), row(member="Faraway", value="38")], dry_run=False)
    assert (count, errors) == (2, [])
    held = PeerValue.objects.get(member__name="Elsewhere")
    assert (held.value, held.source, held.as_at) == (
        Decimal("41.2"),
        "iQuanta",
        dt.date(2016, 9, 30),
    )


def test_a_dry_run_counts_but_writes_nothing(group):
    assert load_peer_values([row()], dry_run=True) == (1, [])
    assert not PeerValue.objects.exists()


def test_loading_the_same_rows_again_changes_nothing_and_a_new_value_updates(group):
    load_peer_values([row()], dry_run=False)
    assert load_peer_values([row()], dry_run=False) == (0, [])
    assert load_peer_values([row(value="40")], dry_run=False) == (1, [])
    assert PeerValue.objects.get().value == Decimal("40")


def test_each_bad_row_and_column_is_listed_and_nothing_is_written(group):
    rows = [
        row(),
        row(indicator_code="nope"),
        row(period="2030/31-Q1"),
        row(period="Q1 2016"),
        row(member="Nowhere"),
        row(member="Shire"),
        row(value="12%"),
        row(value="lots"),
        row(as_at="31/02/2016"),
        row(indicator_code="survey"),
        row(),
    ]
    count, errors = load_peer_values(rows, dry_run=False)
    assert count == 0
    assert errors == [
        "Row 3, column indicator_code: There is no indicator with the code 'nope'.",
        "Row 4, column period: There is no reporting period 2030/31-Q1 yet.",
        "Row 5, column period: 'Q1 2016' is not a quarter; write it like 2016/17-Q2.",
        "Row 6, column member: 'Nowhere' is not a member of Most similar (as at 1 Apr 2016).",
        "Row 7, column member: Shire is this partnership: its own approved figure is used, "
        "so leave it out of the file.",
        "Row 8, column value: '12%' has a % sign. Write the percentage as a plain number: "
        "12 for 12%.",
        "Row 9, column value: 'lots' is not a number. Write numbers as plain digits, like "
        "1234 or 12.5.",
        "Row 10, column as_at: '31/02/2016' is not a real date.",
        "Row 11, column member: survey has no comparator group: set one first.",
        "Row 12, column member: This repeats row 2 (same indicator, period and member).",
    ]
    assert not PeerValue.objects.exists()


def test_a_member_of_another_group_is_refused(group):
    other = ComparatorGroup.objects.create(name="Other", source="x", as_at=dt.date(2016, 4, 1))
    ComparatorMember.objects.create(group=other, name="Distant")
    count, errors = load_peer_values([row(member="Distant")], dry_run=False)
    assert errors == [
        "Row 2, column member: 'Distant' is not a member of Most similar (as at 1 Apr 2016)."
    ]


def test_a_file_without_the_needed_columns_is_refused_as_a_whole(group):
    count, errors = load_peer_values([{"indicator_code": "crime", "value": "1"}], dry_run=False)
    assert errors == [
        "The file has no period, member column. Its columns are: indicator_code, period, "
        "member, value, source, as_at."
    ]


def test_the_export_reads_back_unchanged(group):
    load_peer_values([row(), row(member="Faraway", value="38", as_at="")], dry_run=False)
    exported = export_peer_values()
    assert exported == [
        row(),
        row(member="Faraway", value="38", as_at=""),
    ]
    assert load_peer_values(exported, dry_run=False) == (0, [])


def test_loading_needs_a_fixed_number_of_queries(group, django_assert_max_num_queries):
    rows = [
        row(period=p, member=m)
        for p in ("2016/17-Q1", "2016/17-Q2")
        for m in ("Elsewhere", "Faraway")
    ]
    with django_assert_max_num_queries(8):
        assert load_peer_values(rows, dry_run=False) == (4, [])


CSV_HEADER = b"indicator_code,period,member,value,source,as_at\r\n"


def csv_format_index(response) -> str:
    form = response.context["form"]
    return next(str(i) for i, label in form.fields["format"].choices if str(label).lower() == "csv")


def admin_upload(client, content: bytes):
    url = reverse("admin:indicators_peervalue_import")
    fmt = csv_format_index(client.get(url))
    response = client.post(
        url,
        {"import_file": SimpleUploadedFile("peers.csv", content), "format": fmt, "resource": "0"},
    )
    return response


def test_an_admin_previews_then_confirms_a_comparator_file(client, group, partnership):
    client.force_login(partnership.admin)
    content = (
        CSV_HEADER
        + b"crime,2016/17-Q1,Elsewhere,41.2,iQuanta,2016-09-30\r\n"
        + b"crime,2016/17-Q1,Faraway,38,iQuanta,2016-09-30\r\n"
    )
    preview = admin_upload(client, content)
    assert preview.status_code == 200
    assert not PeerValue.objects.exists()
    assert [r.import_type for r in preview.context["result"].rows] == ["new", "new"]
    assert "Elsewhere" in preview.content.decode()
    confirm = preview.context["confirm_form"]
    done = client.post(
        reverse("admin:indicators_peervalue_process_import"), {**confirm.initial, "resource": "0"}
    )
    assert done.status_code == 302
    assert sorted(PeerValue.objects.values_list("member__name", "value")) == [
        ("Elsewhere", Decimal("41.2")),
        ("Faraway", Decimal("38")),
    ]


def test_the_admin_lists_each_bad_row_and_offers_no_confirm(client, group, partnership):
    client.force_login(partnership.admin)
    content = (
        CSV_HEADER
        + b"crime,2016/17-Q1,Elsewhere,41.2,iQuanta,2016-09-30\r\n"
        + b"crime,2016/17-Q1,Shire,40,iQuanta,2016-09-30\r\n"
        + b"crime,2016/17-Q9,Faraway,abc,iQuanta,2016-09-30\r\n"
    )
    response = admin_upload(client, content)
    page = response.content.decode()
    assert "confirm_form" not in response.context
    invalid = {r.number: r.error_dict for r in response.context["result"].invalid_rows}
    assert set(invalid) == {3, 4}
    assert "Shire is this partnership" in invalid[3]["member"][0]
    assert set(invalid[4]) == {"period", "value"}
    assert "is not a number" in page
    assert not PeerValue.objects.exists()


def test_the_admin_exports_comparator_values_in_the_long_format(client, group, partnership):
    load_peer_values([row()], dry_run=False)
    client.force_login(partnership.admin)
    url = reverse("admin:indicators_peervalue_export")
    page = client.get(url)
    fmt = csv_format_index(page)
    response = client.post(
        url,
        {
            "format": fmt,
            "resource": "0",
            **{f"peervalueresource_{c}": "on" for c in row()},
        },
    )
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines == [
        "indicator_code,period,member,value,source,as_at",
        "crime,2016/17-Q1,Elsewhere,41.2,iQuanta,2016-09-30",
    ]


def test_a_viewer_cannot_import_comparator_values(client, group, partnership):
    partnership.viewer.is_staff = True
    partnership.viewer.save()
    client.force_login(partnership.viewer)
    response = client.get(reverse("admin:indicators_peervalue_import"))
    assert response.status_code == 403


def test_the_indicator_file_carries_the_comparator_group_by_name(group, partnership):
    from indicators.resources import IndicatorResource

    dataset = IndicatorResource().export()
    crime = next(r for r in dataset.dict if r["code"] == "crime")
    assert crime["comparator_group"] == "Most similar"

    partnership.crime.comparator_group = None
    partnership.crime.save()
    result = IndicatorResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    partnership.crime.refresh_from_db()
    assert partnership.crime.comparator_group == group


def test_an_indicator_naming_an_unknown_comparator_group_is_refused(group, partnership):
    from indicators.resources import IndicatorResource

    dataset = IndicatorResource().export()
    dataset.append_col(["Nobody's group"] * len(dataset), header="comparator_group")
    del dataset["comparator_group"]  # the first, real column
    result = IndicatorResource().import_data(dataset, dry_run=True)
    messages = [str(e) for row in result.invalid_rows for e in row.error_dict["comparator_group"]]
    assert messages[0] == "There is no comparator group named 'Nobody's group': import it first."


def test_groups_and_members_travel_by_name(group):
    from indicators.resources import ComparatorGroupResource, ComparatorMemberResource

    groups, members = ComparatorGroupResource().export(), ComparatorMemberResource().export()
    assert [r["group"] for r in members.dict] == ["Most similar"] * 3
    ComparatorGroup.objects.all().delete()
    for resource, data in ((ComparatorGroupResource, groups), (ComparatorMemberResource, members)):
        result = resource().import_data(data, dry_run=False)
        assert not result.has_errors() and not result.has_validation_errors()
    assert sorted(ComparatorMember.objects.values_list("name", "is_self")) == [
        ("Elsewhere", False),
        ("Faraway", False),
        ("Shire", True),
    ]


def test_targets_per_year_travel_by_indicator_code(partnership):
    from indicators.models import IndicatorTarget
    from indicators.resources import IndicatorTargetResource

    IndicatorTarget.objects.create(indicator=partnership.crime, year=2016, low=25, high=35)
    exported = IndicatorTargetResource().export()
    assert exported.dict[0]["indicator"] == "crime"
    IndicatorTarget.objects.all().delete()
    result = IndicatorTargetResource().import_data(exported, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert partnership.crime.target_for(2016).high == 35


def test_a_target_file_with_a_range_the_wrong_way_round_is_refused(partnership):
    import tablib

    from indicators.models import IndicatorTarget
    from indicators.resources import IndicatorTargetResource

    data = tablib.Dataset(
        ["crime", "2016", "40", "30", "", ""],
        headers=["indicator", "year", "low", "high", "tolerance", "note"],
    )
    result = IndicatorTargetResource().import_data(data, dry_run=False)
    assert result.has_validation_errors()
    assert "cannot be less than" in str(result.invalid_rows[0].error_dict)
    assert not IndicatorTarget.objects.exists()
