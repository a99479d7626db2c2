"""Pages of procurement (采购): suppliers, licences, designations and ratings (generic CRUD),
purchase requests with lines, quotes and approval, orders, acceptances and vouchers.

Documents are created through their services (the add pages call them); the steps after that
(quote, choose, submit, sign, rate) are POST-only actions on the generic bases, refusals are
shown as a message and write nothing."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Avg, Count, DecimalField, F, Sum
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse

from houqin.core.approvals import signing_role
from houqin.core.columns import Column
from houqin.core.forms import error_text, service_errors
from houqin.core.models import ApprovalRequest
from houqin.core.money import capital_amount
from houqin.core.rules import ADD, CHANGE, VIEW, can, visible
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import ObjectDetailView, ObjectEditView, ObjectListView, crud_urls

from .. import filtersets, forms, services
from ..choices import AcceptanceStatus, OrderStatus, RequestStatus, VoucherStatus
from ..models import (
    Acceptance,
    AcceptanceLine,
    Designation,
    Licence,
    PurchaseOrder,
    PurchaseRequest,
    Quote,
    Rating,
    Supplier,
    Voucher,
)


def approvals_of(obj):
    return ApprovalRequest.objects.filter(
        school=obj.school, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
    ).prefetch_related("signoffs__user").order_by("-pk")


# --- lists (exported to Excel by their base, in the columns declared here) ------------------------


def person(attr):
    def get(row):
        user = getattr(row, attr)
        return str(user) if user is not None else ""
    return get


# --- suppliers, licences, designations, ratings -------------------------------------------


class SupplierListView(ObjectListView):
    model = Supplier
    filterset_class = filtersets.SupplierFilterSet
    columns = ("name", "admission", "food", Column("供应类别", "category_labels"), "contact", "phone",
               Column("平均评分", "rating", "number"))
    export_columns = (
        Column("供应商名称", "name", width=24), Column("统一社会信用代码", "credit_code", width=22),
        Column("准入状态", "admission"), Column("食品供应商", "food"),
        Column("供应类别", lambda s: s.category_labels(), width=24), Column("联系人", "contact"),
        Column("联系电话", "phone", width=14), Column("地址", "address", width=30),
        Column("平均评分", lambda s: None if s.rating is None else Decimal(str(s.rating)).quantize(Decimal("0.1")),
               "number"),
        Column("备注", "notes", width=30),
    )

    def get_queryset(self):
        return super().get_queryset().annotate(rating=Avg("ratings__score")).order_by("name")


class SupplierDetailView(ObjectDetailView):
    model = Supplier
    template_name = "procurement/supplier_detail.html"
    shown_as = {"categories": "category_labels"}

    def get_context_data(self, **kwargs):
        supplier = self.object
        average = supplier.ratings.aggregate(a=Avg("score"), n=Count("id"))
        designations = supplier.designations.all()
        return super().get_context_data(
            licences=supplier.licences.all(), ratings=supplier.ratings.select_related("order", "by")[:20],
            average=average, designations=designations, refusal=supplier.refusal(), **kwargs)


class SupplierEditView(ObjectEditView):
    model = Supplier
    form_class = forms.SupplierForm


class LicenceListView(ObjectListView):
    model = Licence
    filterset_class = filtersets.LicenceFilterSet
    columns = ("supplier", "kind", "number", "expires_on")
    select_related = ("supplier",)
    export_columns = (
        Column("供应商", "supplier.name", width=24), Column("证照类型", "kind", width=16),
        Column("证照编号", "number", width=22), Column("有效期至", lambda lic: lic.expires_on or "长期", "date"),
    )


class LicenceDetailView(ObjectDetailView):
    model = Licence
    select_related = ("supplier",)


class LicenceEditView(ObjectEditView):
    model = Licence
    form_class = forms.LicenceForm


class DesignationListView(ObjectListView):
    model = Designation
    columns = ("category", "supplier", "since")
    select_related = ("supplier",)
    export_columns = (
        Column("物品类别", "category"), Column("定点供应商", "supplier.name", width=24),
        Column("定点日期", "since", "date"),
    )


class DesignationDetailView(ObjectDetailView):
    model = Designation
    select_related = ("supplier",)


class DesignationEditView(ObjectEditView):
    model = Designation
    form_class = forms.DesignationForm


class RatingListView(ObjectListView):
    model = Rating
    columns = ("supplier", "order", "score", "comment", "by", "created_at")
    select_related = ("supplier", "order__supplier", "by")
    export_columns = (
        Column("供应商", "supplier.name", width=24), Column("订单号", "order.number", width=18),
        Column("评分", "score", "number"), Column("评价", "comment", width=30), Column("评价人", person("by")),
        Column("评价时间", "created_at", "datetime"),
    )


class RatingDetailView(ObjectDetailView):
    model = Rating
    select_related = ("supplier", "order", "by")


class RatingEditView(ObjectEditView):
    model = Rating  # nobody adds or edits a rating here (rules): it is given on the order page


# --- purchase requests -----------------------------------------------------------------------


class PurchaseRequestListView(ObjectListView):
    model = PurchaseRequest
    filterset_class = filtersets.PurchaseRequestFilterSet
    columns = ("number", "title", "amount", "status", "requested_by", "created_at")
    select_related = ("requested_by",)
    export_related = ("chosen_quote__supplier",)
    export_columns = (
        Column("申请单号", "number", width=18), Column("采购事项", "title", width=24),
        Column("申请理由", "reason", width=30), Column("经费来源/预算科目", "budget_line", width=18),
        Column("申请人", person("requested_by")), Column("状态", "status", width=14),
        Column("预算金额(元)", "amount", "money"),
        Column("选定供应商", lambda r: r.chosen_quote.supplier.name if r.chosen_quote else "", width=24),
        Column("选定报价(元)", lambda r: r.chosen_quote.amount if r.chosen_quote else None, "money"),
        Column("未选最低价的理由", "choice_reason", width=24),
        Column("非定点采购理由", "off_designation_reason", width=24),
        Column("申请时间", "created_at", "datetime"), Column("提交时间", "submitted_at", "datetime"),
    )


class PurchaseRequestDetailView(ObjectDetailView):
    model = PurchaseRequest
    template_name = "procurement/purchaserequest_detail.html"
    select_related = ("requested_by", "chosen_quote__supplier")
    fields = ("number", "title", "reason", "budget_line", "requested_by", "status", "amount", "chosen_quote",
              "choice_reason", "off_designation_reason", "created_at", "submitted_at")

    def get_context_data(self, **kwargs):
        request, roles, school = self.object, self.request.roles, self.request.school
        draft = request.status == RequestStatus.DRAFT
        manage = can(roles, CHANGE, PurchaseRequest) and draft
        quotes = list(request.quotes.select_related("supplier").prefetch_related("supplier__licences"))
        low = services.cheapest(quotes)
        designated = services.designations(request)
        bound = {d.supplier.pk for d in designated if not d.void}
        for quote in quotes:
            quote.cheapest = low is not None and quote.amount == low.amount
            quote.refusal = quote.supplier.refusal(licences=list(quote.supplier.licences.all()))
            quote.designated = quote.supplier_id in bound
            quote.off_designation = bool(bound) and not quote.designated
        ordering = request.status == RequestStatus.APPROVED and can(roles, ADD, PurchaseOrder)
        order_initial = {"request": request.pk}
        if ordering and request.chosen_quote_id is None and not request.off_designation_reason.strip():
            one = services.designated_supplier(request, designated)
            if one is not None:
                order_initial["supplier"] = one.pk
        context = super().get_context_data(
            designations=designated,
            lines=request.lines.select_related("item", "asset_category", "room__building"),
            quotes=quotes, needs_quotes=services.needs_quotes(request),
            problems=services.submit_problems(request) if draft else [],
            quote_form=forms.QuoteForm(school=school, prefix="quote") if manage else None,
            manage=manage, approvals=approvals_of(request),
            orders=request.orders.select_related("supplier"),
            order_form=forms.OrderForm(school=school, initial=order_initial) if ordering else None,
            **kwargs,
        )
        context["edit_url"] = reverse("procurement:purchaserequest_edit", args=[request.pk]) if manage else None
        return context


class PurchaseRequestEditView(ObjectEditView):
    """The request with its lines (an inline formset); saved through services.set_lines."""

    model = PurchaseRequest
    form_class = forms.RequestForm
    template_name = "procurement/purchaserequest_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("formset", forms.line_formset(self.request.school, instance=self.object,
                                                         extra=1 if self.object else 3))
        return context

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = forms.line_formset(request.school, data=request.POST, instance=self.object)
        if not (form.is_valid() and formset.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        lines = [{k: v for k, v in f.cleaned_data.items() if k not in ("id", "request", "DELETE")}
                 for f in formset.forms if (f.has_changed() or f.instance.pk) and not f.cleaned_data.get("DELETE")
                 and f.cleaned_data]  # the existing lines are kept even when only the header was edited
        with service_errors(form):
            if self.object is None:
                fields = {k: form.cleaned_data[k] for k in ("title", "reason", "budget_line", "off_designation_reason")}
                obj = services.create_request(request.school, by=request.user, lines=lines, **fields)
            else:
                obj = services.set_lines(form.save(commit=False), lines, by=request.user)  # one save, one history row
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        messages.success(request, f"已保存：{obj}")
        return HttpResponseRedirect(obj.get_absolute_url())


class RequestAction(ObjectActionView):
    model = PurchaseRequest


class AddQuoteView(RequestAction):
    form_class, prefix, done = forms.QuoteForm, "quote", "已登记报价"

    def perform(self, request, data, by):
        return services.add_quote(request, by=by, supplier=data["supplier"], amount=data["amount"],
                                  note=data["note"])


class ChooseQuoteView(RequestAction):
    form_class, prefix, done = forms.ChooseForm, "choose", "已选定报价"

    def perform(self, request, data, by):
        quote = get_object_or_404(Quote, pk=data["quote"], request=request)
        return services.choose_quote(request, by=by, quote=quote, reason=data["reason"],
                                     off_designation_reason=data["off_designation_reason"])


class SubmitRequestView(RequestAction):
    form_class, prefix, done = forms.SubmitForm, "submit", "已提交审批"

    def perform(self, request, data, by):
        return services.submit(request, by=by)


# --- orders ------------------------------------------------------------------------------------


class PurchaseOrderListView(ObjectListView):
    model = PurchaseOrder
    filterset_class = filtersets.PurchaseOrderFilterSet
    columns = ("number", "supplier", "request", "amount", "status", "ordered_on", "buyer")
    select_related = ("supplier", "request", "buyer")
    export_columns = (
        Column("订单号", "number", width=18), Column("供应商", "supplier.name", width=24),
        Column("采购申请", "request.number", width=18), Column("采购事项", "request.title", width=24),
        Column("订单金额(元)", "amount", "money"), Column("状态", "status", width=14),
        Column("下单日期", "ordered_on", "date"), Column("要求送货日期", "deliver_by", "date"),
        Column("采购员", person("buyer")), Column("备注", "notes", width=30),
    )


class PurchaseOrderDetailView(ObjectDetailView):
    model = PurchaseOrder
    template_name = "procurement/purchaseorder_detail.html"
    select_related = ("supplier", "request", "buyer")

    def get_context_data(self, **kwargs):
        order, roles = self.object, self.request.roles
        rated = order.ratings.select_related("by").first()
        rating_allowed = order.status == OrderStatus.ACCEPTED and not rated and can(roles, CHANGE, PurchaseOrder)
        return super().get_context_data(
            lines=order.request.lines.select_related("item", "asset_category", "room__building"),
            acceptances=order.acceptances.all(), rating=rated,
            rate_form=forms.RateForm(prefix="rate") if rating_allowed else None,
            accept_url=reverse("procurement:acceptance_add") + f"?order={order.pk}"
            if order.status == OrderStatus.PLACED and can(roles, ADD, Acceptance) else None,
            **kwargs)


class PurchaseOrderEditView(ObjectEditView):
    model = PurchaseOrder
    form_class = forms.OrderForm
    created = "已下单：{obj}"

    def get_initial(self):
        return {"request": self.request.GET.get("request")}

    def create(self, form, *, by):
        data = form.cleaned_data
        return services.place_order(data["request"], by=by, supplier=data.get("supplier"),
                                    deliver_by=data.get("deliver_by"), notes=data.get("notes", ""))


class PurchaseOrderPrintView(PurchaseOrderDetailView):
    template_name = "procurement/purchaseorder_print.html"


class RateView(ObjectActionView):
    model = PurchaseOrder
    form_class, prefix, done = forms.RateForm, "rate", "已评价供应商"

    def perform(self, order, data, by):
        return services.rate(order, by=by, score=data["score"], comment=data["comment"])


# --- acceptances ---------------------------------------------------------------------------------


class AcceptanceListView(ObjectListView):
    model = Acceptance
    filterset_class = filtersets.AcceptanceFilterSet
    columns = ("order", "received_on", "warehouse", "status", "created_by")
    select_related = ("order__supplier", "warehouse", "created_by")
    export_columns = (
        Column("订单号", "order.number", width=18), Column("供应商", "order.supplier.name", width=24),
        Column("到货日期", "received_on", "date"),
        Column("入库仓库", lambda a: a.warehouse.name if a.warehouse else ""),
        Column("随货发票号", "invoice_number", width=16), Column("状态", "status", width=12),
        Column("合格货物金额(元)", lambda a: (a.x_value or Decimal("0")).quantize(Decimal("0.01")), "money",
               width=16),
        Column("登记人", person("created_by")), Column("验收说明", "note", width=30),
    )

    def export_queryset(self, qs):
        """The value of the accepted goods summed in SQL (no query per row)."""
        return super().export_queryset(qs).annotate(x_value=Sum(
            F("lines__accepted") * F("lines__unit_price"), output_field=DecimalField(max_digits=24, decimal_places=4)))


class AcceptanceDetailView(ObjectDetailView):
    model = Acceptance
    template_name = "procurement/acceptance_detail.html"
    select_related = ("order__supplier", "order__request", "order__buyer", "warehouse", "created_by")
    fields = ("order", "warehouse", "received_on", "invoice_number", "status", "created_by", "note")

    def get_context_data(self, **kwargs):
        acceptance, roles, user = self.object, self.request.roles, self.request.user
        draft = acceptance.status == AcceptanceStatus.DRAFT
        editable = draft and can(roles, CHANGE, Acceptance)
        lines = list(acceptance.lines.select_related("request_line__item", "request_line__asset_category"))
        for line in lines:
            line.form = forms.AcceptanceLineForm(prefix=f"line{line.pk}", initial={
                "line": line.pk, "accepted": line.accepted, "rejected": line.rejected, "reason": line.reason,
                "unit_price": line.unit_price, "batch_code": line.batch_code, "expires_on": line.expires_on,
            }) if editable else None
        approval = services.acceptance_approval(acceptance)
        sign_form, why_not = None, None
        if approval is not None and acceptance.status == AcceptanceStatus.PENDING:
            try:
                signing_role(approval, user)
                sign_form = forms.SignForm(prefix="sign")
            except (PermissionDenied, ValidationError) as e:
                why_not = error_text(e)
        return super().get_context_data(
            lines=lines, editable=editable, approvals=approvals_of(acceptance), sign_form=sign_form,
            why_not=why_not, value=sum((line.accepted_value for line in lines), 0),
            voucher_url=reverse("procurement:voucher_add") + f"?acceptance={acceptance.pk}"
            if acceptance.status == AcceptanceStatus.APPROVED and can(roles, ADD, Voucher)
            and not acceptance.vouchers.exclude(status=VoucherStatus.REJECTED).exists() else None,
            **kwargs)


class AcceptanceEditView(ObjectEditView):
    model = Acceptance
    form_class = forms.AcceptanceForm
    created = "已开始验收，请填写各行合格与不合格数量后提交签字"

    def get_initial(self):
        return {"order": self.request.GET.get("order")}

    def create(self, form, *, by):
        data = form.cleaned_data
        return services.start_acceptance(data["order"], by=by, warehouse=data.get("warehouse"),
                                         received_on=data.get("received_on"),
                                         invoice_number=data.get("invoice_number", ""), note=data.get("note", ""))


class AcceptanceAction(ObjectActionView):
    model = Acceptance


class RecordLineView(AcceptanceAction):
    form_class, done = forms.AcceptanceLineForm, "已保存验收数量"

    def post(self, request, pk):
        self.prefix = f"line{request.POST.get('line', '')}"
        return super().post(request, pk)

    def perform(self, acceptance, data, by):
        line = get_object_or_404(AcceptanceLine, pk=data["line"], acceptance=acceptance)
        return services.record_line(line, by=by, accepted=data["accepted"], rejected=data["rejected"],
                                    reason=data["reason"], unit_price=data["unit_price"],
                                    batch_code=data["batch_code"], expires_on=data["expires_on"])


class SubmitAcceptanceView(AcceptanceAction):
    form_class, prefix, done = forms.SubmitForm, "submit", "已提交，等待两位验收人签字"

    def perform(self, acceptance, data, by):
        return services.submit_acceptance(acceptance, by=by)


class SignAcceptanceView(AcceptanceAction):
    """Any school member may be an acceptor: the policy, not the rules table, decides."""

    action = VIEW  # signing needs only sight of it; the policy bars the buyer

    form_class, prefix, done = forms.SignForm, "sign", "已签字"

    def perform(self, acceptance, data, by):
        return services.sign_acceptance(acceptance, by=by, decision=data["decision"], comment=data["comment"])


# --- vouchers ----------------------------------------------------------------------------------


class VoucherListView(ObjectListView):
    model = Voucher
    filterset_class = filtersets.VoucherFilterSet
    columns = ("invoice_number", "supplier", "invoice_date", "amount", "goods_value", "status")
    select_related = ("supplier",)
    export_related = ("acceptance__order", "created_by", "handler", "acceptor", "auditor")
    export_columns = (
        Column("发票号码", "invoice_number", width=16), Column("供应商", "supplier.name", width=24),
        Column("订单号", "acceptance.order.number", width=18), Column("开票日期", "invoice_date", "date"),
        Column("报销金额(元)", "amount", "money"), Column("验收货物金额(元)", "goods_value", "money", width=16),
        Column("差额(元)", "difference", "money"), Column("金额差异说明", "difference_reason", width=24),
        Column("状态", "status", width=12), Column("填单人", person("created_by")),
        Column("经手人", person("handler")), Column("验收人", person("acceptor")), Column("审核人", person("auditor")),
        Column("审核时间", "auditor_at", "datetime"), Column("审核意见", "audit_comment", width=24),
    )


class VoucherDetailView(ObjectDetailView):
    model = Voucher
    template_name = "procurement/voucher_detail.html"
    select_related = ("supplier", "acceptance__order__buyer", "handler", "acceptor", "auditor", "created_by")

    def get_context_data(self, **kwargs):
        voucher, user = self.object, self.request.user
        why_not = services.may_sign_voucher(voucher, user)
        slot = services.next_signature(voucher)
        context = super().get_context_data(
            sign_form=forms.SignForm(prefix="sign") if not why_not and voucher.status == VoucherStatus.SIGNING
            else None,
            slot=services.SLOT_LABELS.get(slot), why_not=why_not if voucher.status == VoucherStatus.SIGNING else None,
            capital=capital_amount(voucher.amount), **kwargs)
        if voucher.handler_id:  # signed vouchers are not edited (VoucherForm refuses it too)
            context["edit_url"] = None
        return context


class VoucherEditView(ObjectEditView):
    model = Voucher
    form_class = forms.VoucherForm
    created = "已填报：{obj}，请经手人、验收人、审核人依次签字"

    def get_initial(self):
        initial = {"acceptance": self.request.GET.get("acceptance")}
        acceptance = visible(Acceptance.objects.filter(pk=initial["acceptance"] or None), self.request).first() \
            if (initial["acceptance"] or "").isdigit() else None
        if acceptance:
            initial.update(amount=acceptance.accepted_value, invoice_number=acceptance.invoice_number)
        return initial

    def create(self, form, *, by):
        data = form.cleaned_data
        return services.create_voucher(data["acceptance"], by=by, invoice_number=data["invoice_number"],
                                       invoice_date=data["invoice_date"], amount=data["amount"],
                                       difference_reason=data.get("difference_reason", ""))


class VoucherPrintView(VoucherDetailView):
    template_name = "procurement/voucher_print.html"


class SignVoucherView(ObjectActionView):
    """The signatures are governed by services.may_sign_voucher (who is the buyer, who accepted)."""

    action = VIEW

    model = Voucher
    form_class, prefix, done = forms.SignForm, "sign", "已签字"

    def perform(self, voucher, data, by):
        return services.sign_voucher(voucher, by=by, decision=data["decision"], comment=data["comment"])


urlpatterns = [
    *crud_urls(Supplier, list_view=SupplierListView, detail_view=SupplierDetailView, edit_view=SupplierEditView,
               prefix="suppliers"),
    *crud_urls(Licence, list_view=LicenceListView, detail_view=LicenceDetailView, edit_view=LicenceEditView,
               prefix="licences"),
    *crud_urls(Designation, list_view=DesignationListView, detail_view=DesignationDetailView,
               edit_view=DesignationEditView, prefix="designations"),
    *crud_urls(Rating, list_view=RatingListView, detail_view=RatingDetailView, edit_view=RatingEditView,
               prefix="ratings"),
    *crud_urls(PurchaseRequest, list_view=PurchaseRequestListView, detail_view=PurchaseRequestDetailView,
               edit_view=PurchaseRequestEditView, prefix="requests"),
    path("requests/<int:pk>/quote/", AddQuoteView.as_view(), name="purchaserequest_quote"),
    path("requests/<int:pk>/choose/", ChooseQuoteView.as_view(), name="purchaserequest_choose"),
    path("requests/<int:pk>/submit/", SubmitRequestView.as_view(), name="purchaserequest_submit"),
    *crud_urls(PurchaseOrder, list_view=PurchaseOrderListView, detail_view=PurchaseOrderDetailView,
               edit_view=PurchaseOrderEditView, prefix="orders"),
    path("orders/<int:pk>/print/", PurchaseOrderPrintView.as_view(), name="purchaseorder_print"),
    path("orders/<int:pk>/rate/", RateView.as_view(), name="purchaseorder_rate"),
    *crud_urls(Acceptance, list_view=AcceptanceListView, detail_view=AcceptanceDetailView,
               edit_view=AcceptanceEditView, prefix="acceptances"),
    path("acceptances/<int:pk>/line/", RecordLineView.as_view(), name="acceptance_line"),
    path("acceptances/<int:pk>/submit/", SubmitAcceptanceView.as_view(), name="acceptance_submit"),
    path("acceptances/<int:pk>/sign/", SignAcceptanceView.as_view(), name="acceptance_sign"),
    *crud_urls(Voucher, list_view=VoucherListView, detail_view=VoucherDetailView, edit_view=VoucherEditView,
               prefix="vouchers"),
    path("vouchers/<int:pk>/print/", VoucherPrintView.as_view(), name="voucher_print"),
    path("vouchers/<int:pk>/sign/", SignVoucherView.as_view(), name="voucher_sign"),
]
