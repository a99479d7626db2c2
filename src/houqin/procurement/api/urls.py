"""The procurement API's routes; core/api/urls.py finds them through INSTALLED_APPS."""

from . import views

ROUTES = [
    ("suppliers", views.SupplierViewSet, None),
    ("supplier-imports", views.SupplierImportViewSet, "supplier-import"),
    ("supplier-licences", views.LicenceViewSet, None),
    ("supplier-designations", views.DesignationViewSet, None),
    ("supplier-ratings", views.RatingViewSet, None),
    ("purchase-requests", views.PurchaseRequestViewSet, None),
    ("purchase-orders", views.PurchaseOrderViewSet, None),
    ("acceptances", views.AcceptanceViewSet, None),
    ("vouchers", views.VoucherViewSet, None),
]
