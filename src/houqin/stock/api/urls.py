"""The stock API's routes; core/api/urls.py finds them through INSTALLED_APPS."""

from . import reports, views

ROUTES = [
    ("warehouses", views.WarehouseViewSet, None),
    ("stock-items", views.ItemViewSet, None),
    ("stock-item-imports", views.ItemImportViewSet, "stock-item-import"),
    ("stock-balances", views.StockBalanceViewSet, None),
    ("stock-batches", views.BatchViewSet, None),
    ("stock-movements", views.MovementViewSet, None),
    ("requisitions", views.RequisitionViewSet, None),
    ("stock-counts", views.StockCountViewSet, None),
    ("stock-reports", reports.StockReportViewSet, "stock-report"),
]
