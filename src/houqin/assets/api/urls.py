"""The assets API's routes; core/api/urls.py finds them through INSTALLED_APPS."""

from . import reports, views

ROUTES = [
    ("asset-categories", views.CategoryViewSet, "asset-category"),
    ("assets", views.AssetViewSet, None),
    ("loans", views.LoanViewSet, None),
    ("compensations", views.CompensationViewSet, None),
    ("scrap-requests", views.ScrapRequestViewSet, None),
    ("stocktakes", views.StocktakeViewSet, None),
    ("stocktake-rooms", views.StocktakeRoomViewSet, None),
    ("stocktake-lines", views.StocktakeLineViewSet, None),
    ("asset-reports", reports.AssetReportViewSet, "asset-report"),
    ("asset-imports", reports.AssetImportViewSet, "asset-import"),
]
