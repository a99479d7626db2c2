"""What the tenancy test cannot derive for safety (see tests/declared.py)."""

COVERED_ELSEWHERE = {
    "safety.hazardevent": "append-only trail written by safety.services, read with its scoped hazard: "
                          "safety/test_services.test_the_trail_is_append_only, test_api.test_hazard_steps",
    "safety.safetysettings": "one row per school, read through the school (schools_for): "
                             "core/test_school_settings.test_the_schools_page_shows_every_apps_settings, "
                             "safety/test_services.test_the_default_deadline_follows_the_schools_setting",
}
