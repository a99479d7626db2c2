"""What the tenancy test cannot derive for finance (see tests/declared.py)."""

COVERED_ELSEWHERE = {
    "finance.financesettings": "one row per school, read through the school (schools_for): "
                               "core/test_school_settings.test_the_schools_page_shows_every_apps_settings, "
                               "finance/test_approval.test_over_budget_needs_the_principal_as_the_setting_says",
}
