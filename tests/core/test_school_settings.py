"""Each app's settings for a school live in its own model, one-to-one with School
(core.SchoolSettings): read with the defaults until changed, shown on the school's page, kept
in their history, and moved out of School by a data migration that keeps every value."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from houqin.core.choices import Role
from houqin.maintenance.models import MaintenanceSettings
from houqin.procurement.models import ProcurementSettings


def test_a_school_without_its_row_reads_the_defaults_and_nothing_is_written(world):
    school = world.schools["a"]
    with CaptureQueriesContext(connection) as queries:
        limits = MaintenanceSettings.of(school)
        assert MaintenanceSettings.of(school) is limits  # asked once per school object
    assert len(queries) == 1 and not queries[0]["sql"].upper().startswith("INSERT")
    assert (limits.repair_verify_days, limits.repair_response_hours_urgent) == (3, 4)
    assert ProcurementSettings.of(school).quote_threshold == Decimal("1000.00")
    assert not MaintenanceSettings.objects.exists() and not ProcurementSettings.objects.exists()


def test_changed_settings_are_read_back_and_kept_in_history(world):
    school = world.schools["a"]
    ProcurementSettings.of(school).save()
    row = ProcurementSettings.objects.get(school=school)
    row.quote_threshold = Decimal("3000.00")
    row.save()
    school.refresh_from_db()
    assert ProcurementSettings.of(school).quote_threshold == Decimal("3000.00")
    assert ProcurementSettings.of(world.schools["b"]).quote_threshold == Decimal("1000.00")
    assert [h.quote_threshold for h in row.history.all()] == [Decimal("3000.00"), Decimal("1000.00")]


def test_the_schools_page_shows_every_apps_settings(world):
    school = world.schools["a"]
    MaintenanceSettings.objects.create(school=school, repair_response_hours_urgent=2)
    page = world.client(Role.TEACHER).get(reverse("core:school_detail", args=[school.pk])).content.decode()
    for label, value in (("三家比价起点(元)", "1,000.00"), ("报修自动验收天数", "3"),
                         ("紧急报修响应时限(小时)", "2"), ("一般报修响应时限(小时)", "48")):
        assert f'<dt class="col-sm-4">{label}</dt><dd class="col-sm-8">{value}</dd>' in page


MOVE = [("core", "0005_holiday_history"), ("procurement", "0002_purchaserequest_off_designation_reason"),
        ("maintenance", "0003_event_note")]


@pytest.mark.heavy
@pytest.mark.django_db(transaction=True)
def test_the_migration_moves_each_schools_values_out_of_school(flushable):
    executor = MigrationExecutor(connection)
    executor.migrate(MOVE)
    old = executor.loader.project_state(MOVE).apps
    district = old.get_model("core", "District").objects.create(code="d", name="区")
    school = old.get_model("core", "School").objects.create(
        district=district, code="s", name="校", quote_threshold=Decimal("2500.00"), repair_verify_days=7,
        repair_response_hours_urgent=2, repair_response_hours_normal=24)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    moved = ProcurementSettings.objects.get(school_id=school.pk)
    assert moved.quote_threshold == Decimal("2500.00")
    limits = MaintenanceSettings.objects.get(school_id=school.pk)
    assert (limits.repair_verify_days, limits.repair_response_hours_urgent, limits.repair_response_hours_normal) \
        == (7, 2, 24)
    columns = {c.name for c in connection.introspection.get_table_description(connection.cursor(), "core_school")}
    assert "quote_threshold" not in columns and "repair_verify_days" not in columns
