"""Filters of procurement, shared by the list pages and the API."""


import django_filters as filters

from houqin.core.filtersets import ExpiringFilter, SchoolFilterSet, YesNoFilter

from .choices import AcceptanceStatus, Admission, LicenceKind, OrderStatus, RequestStatus, VoucherStatus
from .models import Acceptance, Licence, PurchaseOrder, PurchaseRequest, Supplier, Voucher


class SupplierFilterSet(SchoolFilterSet):
    search_fields = ("name", "contact", "credit_code")
    admission = filters.ChoiceFilter(label="准入状态", choices=Admission.choices)
    food = YesNoFilter(label="食品供应商")

    class Meta:
        model = Supplier
        fields = ["q", "admission", "food"]


class LicenceFilterSet(SchoolFilterSet):
    search_fields = ("supplier__name", "number")
    kind = filters.ChoiceFilter(label="证照类型", choices=LicenceKind.choices)
    expiring = ExpiringFilter()

    class Meta:
        model = Licence
        fields = ["q", "kind", "expiring"]


class PurchaseRequestFilterSet(SchoolFilterSet):
    search_fields = ("number", "title", "reason")
    status = filters.ChoiceFilter(label="状态", choices=RequestStatus.choices)

    class Meta:
        model = PurchaseRequest
        fields = ["q", "status"]


class PurchaseOrderFilterSet(SchoolFilterSet):
    search_fields = ("number", "supplier__name", "request__title")
    status = filters.ChoiceFilter(label="状态", choices=OrderStatus.choices)

    class Meta:
        model = PurchaseOrder
        fields = ["q", "status"]


class AcceptanceFilterSet(SchoolFilterSet):
    search_fields = ("order__number", "order__supplier__name")
    status = filters.ChoiceFilter(label="状态", choices=AcceptanceStatus.choices)

    class Meta:
        model = Acceptance
        fields = ["q", "status"]


class VoucherFilterSet(SchoolFilterSet):
    search_fields = ("invoice_number", "supplier__name")
    status = filters.ChoiceFilter(label="状态", choices=VoucherStatus.choices)

    class Meta:
        model = Voucher
        fields = ["q", "status"]
