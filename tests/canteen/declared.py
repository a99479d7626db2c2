"""What the tenancy test cannot derive for the canteen (see tests/declared.py)."""

COVERED_ELSEWHERE = {
    "canteen.canteensettings": "one row per school, read through the school (schools_for): "
                               "core/test_school_settings.test_the_schools_page_shows_every_apps_settings, "
                               "canteen/test_rules.test_settings_change_the_rules",
}

# Bodies the route walk posts to the canteen's API steps (the empty body is refused first).
ROUTE_BODIES = {
    "weekmenu-copy": lambda school: {"week_start": "2031-03-03"},  # a week no menu has yet
}
