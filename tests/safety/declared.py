"""What the tenancy test cannot derive for safety (see tests/declared.py)."""

COVERED_ELSEWHERE = {
    "safety.firecheck": "made by houqin tick, no add/edit page: safety/test_fire.test_fire_check_pages_are_scoped "
                        "(list scoped, other school's 404, 403 by role) + API contract",
    "safety.patrol": "made by houqin tick, no add/edit page: safety/test_patrols.test_patrol_pages_are_scoped "
                     "(list scoped, other school's 404, 403 by role) + API contract",
    "safety.patrolresult": "written by the patrol's walk, read with its scoped patrol: "
                           "safety/test_patrols.test_a_problem_opens_a_hazard_with_its_photo, "
                           "test_patrols.test_walk_through_the_api",
    "safety.hazardevent": "append-only trail written by safety.services, read with its scoped hazard: "
                          "safety/test_services.test_the_trail_is_append_only, test_api.test_hazard_steps",
    "safety.safetysettings": "one row per school, read through the school (schools_for): "
                             "core/test_school_settings.test_the_schools_page_shows_every_apps_settings, "
                             "safety/test_services.test_the_default_deadline_follows_the_schools_setting",
}

# The patrol's walk checks its body before the patrol (body_first).
ROUTE_BODIES = {
    "patrol-walk": lambda school: {"results": []},
    "firecheck-check": lambda school: {"ok": True},
}
