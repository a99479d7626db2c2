"""What the tenancy test cannot derive for procurement (see tests/declared.py)."""

ROUTE_MODEL = {"procurement:supplier_import_job": "core.ImportJob"}

COVERED_ELSEWHERE = {
    "procurement.procurementsettings": "one row per school, read through the school (schools_for): "
                                       "core/test_school_settings.test_the_schools_page_shows_every_apps_settings",
}
