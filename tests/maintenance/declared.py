"""What the tenancy test cannot derive for maintenance (see tests/declared.py)."""

COVERED_ELSEWHERE = {
    "maintenance.workorderevent": "append-only log written by maintenance.services, read with its scoped order: "
                                  "maintenance/test_services.test_event_log_is_append_only, "
                                  "test_api.test_work_order_steps",
    "maintenance.workorderpart": "made by the order's parts step in the stock issue's transaction: "
                                 "maintenance/test_services.test_full_life_with_parts, "
                                 "test_api.test_parts_through_the_api",
    "maintenance.preventivetask": "made by houqin tick, no add/edit page: maintenance/test_preventive."
                                  "test_task_pages_are_scoped (list scoped, other school's 404) + API contract",
    "maintenance.maintenancerecord": "append-only, made by the equipment's record action: "
                                     "maintenance/test_equipment.test_record_page (403, other school's 404)",
    "maintenance.maintenancesettings": "one row per school, read through the school (schools_for): "
                                       "core/test_school_settings.test_the_schools_page_shows_every_apps_settings",
}
