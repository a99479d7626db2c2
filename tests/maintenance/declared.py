"""What the tenancy test and the route walk cannot derive for maintenance (see tests/declared.py)."""

from houqin.stock.models import Item, Warehouse

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

# The work order's API steps check their body before the order (BodyFirstUpdateMixin's rule).
ROUTE_BODIES = {
    "workorder-assign": lambda school: {"contractor": "走查维修部"},
    "workorder-cancel": lambda school: {"reason": "走查"},
    "workorder-reopen": lambda school: {"reason": "走查"},
    "workorder-finish": lambda school: {"work_done": "走查"},
    "workorder-parts": lambda school: {
        "warehouse": Warehouse.objects.filter(school=school).order_by("pk").first().pk,
        "item": Item.objects.filter(school=school).order_by("pk").first().pk,
        "quantity": "1",
    },
    "preventivetask-complete": lambda school: {"results": []},
}
