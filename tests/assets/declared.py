"""What the route walk and the tenancy test cannot derive for assets (see tests/declared.py)."""

ROUTE_MODEL = {
    "assets:scan": "assets.Asset",  # by its tag
    "assets:stocktakeroom_scan": "assets.StocktakeRoom",
    "assets:stocktakeroom_surplus": "assets.StocktakeRoom",
    "assets:report_room": "core.Room",
    "assets:stocktake_count_asset": "assets.Asset",
    "assets:asset_import_job": "core.ImportJob",
    "assets:asset_import_confirm": "core.ImportJob",
}

NOT_SCHOOL_OBJECTS = {
    "asset-category-detail": "the national asset classification, shared by all schools",
}

COVERED_ELSEWHERE = {
    "assets.stocktake": "tests/assets/test_stocktakes.py: TestStocktakePages (PagesContract) + other-school 404s",
    "assets.stocktakeroom": "tests/assets/test_stocktakes.py: test_other_schools_stocktake_room_and_line_are_404",
    "assets.stocktakeline": "tests/assets/test_stocktakes.py: test_other_schools_stocktake_room_and_line_are_404",
    "assets.assetevent": "append-only ledger (明细帐) written by assets.services, shown on the asset's scoped "
                         "detail page (assets/test_pages.test_detail_shows_the_ledger_and_actions_for_keepers_only)",
    "assets.loan": "made by the lend action, no add/edit page: assets/test_pages.test_child_list_and_detail "
                   "(list scoped, other school's 404 per role) and test_action_* (return: 403, 404, nothing written)",
    "assets.compensation": "made by the damage action: assets/test_pages.test_child_list_and_detail, test_action_*",
    "assets.scraprequest": "made by the scrap action: assets/test_pages.test_child_list_and_detail, test_action_*",
}
