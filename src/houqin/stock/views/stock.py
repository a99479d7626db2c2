"""Pages of the stock app: warehouses, items, balances, batches, the movement ledger (材料账)
with its reversal, goods in and transfers, requisitions (领用) and monthly counts (月度盘存).

Lists and details are declarations on the generic bases (tenant scope and role rules come
from there); actions are POST-only views calling the services, whose refusals are shown as
messages and write nothing. The ledger, balances and batches are read-only: their add / edit
/ delete URLs exist and the rules refuse them (403)."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import BooleanField, Case, DecimalField, F, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.generic import DetailView
from django.views.generic.edit import FormView

from houqin.core.columns import BOOL, NUMBER, Column
from houqin.core.forms import EmptyForm, service_errors
from houqin.core.money import yuan
from houqin.core.rules import ADD, CHANGE, VIEW, can, may
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    SchoolScopedMixin,
    crud_urls,
    export_path,
)

from .. import filtersets, forms, services
from ..choices import CountStatus, RequisitionStatus
from ..models import Batch, Item, Movement, Requisition, StockBalance, StockCount, Warehouse


class ReadOnlyEditView(ObjectEditView):
    """Add / edit of a ledger model: the rules allow nobody (403); the URL exists so that the
    contracts can prove it."""

    form_class = EmptyForm


# --- warehouses and items --------------------------------------------------------------


class WarehouseListView(ObjectListView):
    model = Warehouse
    filterset_class = filtersets.WarehouseFilterSet
    columns = ("name", "kind", "room", "keeper", "active")
    select_related = ("room", "keeper")


class WarehouseDetailView(ObjectDetailView):
    model = Warehouse
    template_name = "stock/warehouse_detail.html"
    select_related = ("room", "keeper")

    def get_context_data(self, **kwargs):
        balances = self.object.balances.filter(quantity__gt=0).select_related("item").order_by("item__code")
        total = balances.aggregate(total=Sum("value"))["total"] or Decimal("0.00")
        return super().get_context_data(balances=balances[:200], total=total, **kwargs)


class WarehouseEditView(ObjectEditView):
    model = Warehouse
    form_class = forms.WarehouseForm


def with_stock(queryset):
    """Items with their quantity on hand over all warehouses and the low-stock flag (≤ 最低库存)."""
    zero = Value(Decimal("0"), output_field=DecimalField(max_digits=12, decimal_places=2))
    return queryset.annotate(on_hand=Coalesce(Sum("balances__quantity"), zero)).annotate(
        low=Case(When(Q(reorder_level__gt=0, on_hand__lte=F("reorder_level")), then=Value(True)),
                 default=Value(False), output_field=BooleanField()))


class ItemListView(ObjectListView):
    model = Item
    filterset_class = filtersets.ItemFilterSet
    columns = ("code", "name", "spec", "unit", "category", "kind", Column("库存合计", "on_hand", NUMBER),
               "reorder_level", Column("库存不足", "low", BOOL), "old_for_new")

    def get_queryset(self):
        qs = with_stock(super(ObjectListView, self).get_queryset()).order_by("code")
        self.filterset = filtersets.ItemFilterSet(self.request.GET or None, queryset=qs, request=self.request)
        return self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else qs


class ItemDetailView(ObjectDetailView):
    model = Item
    template_name = "stock/item_detail.html"

    def get_context_data(self, **kwargs):
        item = self.object
        return super().get_context_data(
            balances=item.balances.select_related("warehouse").order_by("warehouse__name"),
            movements=item.movements.select_related("warehouse", "person").order_by("-id")[:20],
            ledger_url=reverse("stock:movement_list") + f"?item={item.pk}", **kwargs)


class ItemEditView(ObjectEditView):
    model = Item
    form_class = forms.ItemForm


# --- balances, batches, the ledger -------------------------------------------------------


class StockBalanceListView(ObjectListView):
    model = StockBalance
    filterset_class = filtersets.StockBalanceFilterSet
    columns = ("item", "warehouse", "quantity", Column("平均单价(元)", "unit_cost", NUMBER), "value")
    select_related = ("item", "warehouse")
    template_name = "stock/stockbalance_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["total_value"] = self.object_list.aggregate(total=Sum("value"))["total"] or Decimal("0.00")
        context["keeper"] = can(self.request.roles, "post", Movement)
        return context


class StockBalanceDetailView(ObjectDetailView):
    model = StockBalance
    select_related = ("item", "warehouse")
    template_name = "stock/stockbalance_detail.html"

    def get_context_data(self, **kwargs):
        b = self.object
        return super().get_context_data(
            ledger_url=reverse("stock:movement_list") + f"?item={b.item_id}&warehouse={b.warehouse_id}", **kwargs)


class BatchListView(ObjectListView):
    model = Batch
    filterset_class = filtersets.BatchFilterSet
    columns = ("item", "code", "warehouse", "produced_on", "expires_on", "received_on", "quantity")
    select_related = ("item", "warehouse")


class BatchDetailView(ObjectDetailView):
    model = Batch
    select_related = ("item", "warehouse")


class MovementListView(ObjectListView):
    model = Movement
    filterset_class = filtersets.MovementFilterSet
    columns = (Column("流水号", "id", NUMBER), "occurred_on", "warehouse", "item", "kind", "quantity", "amount",
               "balance_quantity", "balance_value", "person", "note")
    select_related = ("warehouse", "item", "person")
    template_name = "stock/movement_list.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(keeper=can(self.request.roles, "post", Movement), **kwargs)


class MovementDetailView(ObjectDetailView):
    model = Movement
    select_related = ("warehouse", "item", "batch", "person", "created_by", "reverses")
    template_name = "stock/movement_detail.html"
    fields = ("occurred_on", "warehouse", "item", "batch", "kind", "quantity", "amount", "balance_quantity",
              "balance_value", "person", "note", "reverses", "created_by", "created_at")

    def get_context_data(self, **kwargs):
        movement = self.object
        reversed_by = Movement.objects.filter(reverses=movement).first()
        can_reverse = can(self.request.roles, "reverse", movement) and movement.reverses_id is None \
            and reversed_by is None
        return super().get_context_data(
            reversed_by=reversed_by, source=movement.source if movement.source_type_id else None,
            reverse_form=forms.ReverseForm(prefix="reverse") if can_reverse else None, **kwargs)


# --- actions ---------------------------------------------------------------------------------


class MovementReverseView(ObjectActionView):
    model = Movement
    action = VIEW  # the service decides who may (the keepers)
    form_class, prefix, done = forms.ReverseForm, "reverse", "已冲销"

    def perform(self, movement, data, by):
        return services.reverse_movement(movement, by=by, note=data["note"])

    def redirect_to(self, movement, entry):
        return (entry or movement).get_absolute_url()


class LedgerFormView(SchoolScopedMixin, FormView):
    """Receive or transfer goods: keepers only; the ledger service writes the movements."""

    model, action = Movement, "post"
    template_name = "stock/ledger_form.html"
    title = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "school": self.request.school}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)

    def form_valid(self, form):
        with service_errors(form):
            movement = self.perform(form.cleaned_data)
        if form.errors:
            return self.form_invalid(form)
        messages.success(self.request, self.done)
        return HttpResponseRedirect(movement.get_absolute_url())


class ReceiveView(LedgerFormView):
    form_class, title, done = forms.ReceiveForm, "入库（非采购：捐赠、调入等）", "已入库"

    def perform(self, data):
        return services.receive(warehouse=data["warehouse"], item=data["item"], quantity=data["quantity"],
                                unit_cost=data["unit_cost"], by=self.request.user, batch_code=data["batch_code"],
                                expires_on=data["expires_on"], produced_on=data["produced_on"], note=data["note"],
                                on=data["on"])


class TransferView(LedgerFormView):
    form_class, title, done = forms.TransferForm, "调拨", "已调拨"

    def perform(self, data):
        out, _into = services.transfer(source_warehouse=data["source"], target_warehouse=data["target"],
                                       item=data["item"], quantity=data["quantity"], by=self.request.user,
                                       note=data["note"])
        return out


# --- requisitions (领用) -----------------------------------------------------------------------


class RequisitionListView(ObjectListView):
    model = Requisition
    filterset_class = filtersets.RequisitionFilterSet
    columns = ("number", "purpose", "department", "requested_by", "warehouse", "amount", "status_label", "created_at")
    select_related = ("requested_by", "warehouse")


class RequisitionDetailView(SchoolScopedMixin, DetailView):
    model = Requisition
    select_related = ("requested_by", "warehouse")
    template_name = "stock/requisition_detail.html"

    def get_context_data(self, **kwargs):
        requisition, request = self.object, self.request
        user, status = request.user, requisition.status
        mine = requisition.requested_by_id == user.pk
        lines = list(requisition.lines.select_related("item", "old_waived_by"))
        issuing = status in (RequisitionStatus.APPROVED, RequisitionStatus.PARTLY_ISSUED)
        may_waive = issuing and can(request.roles, "waive", requisition)
        return super().get_context_data(
            lines=lines, badge=RequisitionStatus(status).badge,
            approval=services.approval_of(requisition, services.REQUISITION.key),
            movements=Movement.objects.filter(
                source_type__model="requisitionline", source_id__in=[line.pk for line in lines],
                school=requisition.school).select_related("item").order_by("id"),
            can_edit=mine and status in (RequisitionStatus.DRAFT, RequisitionStatus.REJECTED),
            can_submit=mine and status in (RequisitionStatus.DRAFT, RequisitionStatus.REJECTED),
            can_cancel=mine and status in (RequisitionStatus.DRAFT, RequisitionStatus.PENDING,
                                           RequisitionStatus.REJECTED, RequisitionStatus.APPROVED),
            can_issue=issuing and can(request.roles, "issue", requisition),
            can_confirm=mine and status == RequisitionStatus.ISSUED,
            can_close=status == RequisitionStatus.PARTLY_ISSUED and may(user, request.roles, "close", requisition),
            waive_lines=[line for line in lines if may_waive and line.item.old_for_new and not line.old_waived_by_id],
            **kwargs)


class RequisitionPrintView(RequisitionDetailView):
    template_name = "stock/requisition_print.html"


class RequisitionEditView(ObjectEditView):
    """Create or change a draft with its lines (a formset); the service checks and saves."""

    model = Requisition

    form_class = forms.RequisitionForm
    template_name = "stock/requisition_form.html"

    def get_context_data(self, **kwargs):
        if not hasattr(self, "object"):
            self.object = self.get_object()
        kwargs.setdefault("lines", forms.line_formset(school=self.request.school, requisition=self.object))
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        lines = forms.line_formset(request.POST, school=request.school)
        if not (form.is_valid() and lines.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, lines=lines))
        data = form.cleaned_data
        with service_errors(form):
            if self.object is None:
                requisition = services.create_requisition(
                    request.school, by=request.user, warehouse=data["warehouse"], purpose=data["purpose"],
                    department=data["department"], lines=lines.lines())
            else:
                requisition = services.update_requisition(
                    self.object, by=request.user, warehouse=data["warehouse"], purpose=data["purpose"],
                    department=data["department"], lines=lines.lines())
        if form.errors:
            return self.render_to_response(self.get_context_data(form=form, lines=lines))
        messages.success(request, f"已保存：{requisition}（草稿，提交后进入审批）")
        return HttpResponseRedirect(requisition.get_absolute_url())


class RequisitionAction(ObjectActionView):
    model = Requisition
    action = VIEW  # the service decides who may (the requester himself, the keepers)


class RequisitionSubmitView(RequisitionAction):
    done = "已提交审批"

    def perform(self, requisition, data, by):
        return services.submit_requisition(requisition, by=by)


class RequisitionCancelView(RequisitionAction):
    done = "领用单已取消"

    def perform(self, requisition, data, by):
        return services.cancel_requisition(requisition, by=by)


class RequisitionConfirmView(RequisitionAction):
    done = "已签收"

    def perform(self, requisition, data, by):
        return services.confirm_receipt(requisition, by=by)


class RequisitionCloseView(RequisitionAction):
    """部分发放后结案: the keeper or the requester, with the reason."""

    form_class, prefix, done = forms.CloseShortForm, "close", "已结案：未发的物品不再发放，请申请人签收"

    def perform(self, requisition, data, by):
        return services.close_short(requisition, by=by, reason=data["reason"])


class RequisitionWaiveView(RequisitionAction):
    form_class, prefix, done = forms.WaiveForm, "waive", "已批准免交旧物"

    def perform(self, requisition, data, by):
        line = get_object_or_404(requisition.lines.all(), pk=data["line"])
        return services.waive_old(line, by=by, reason=data["reason"])


class RequisitionIssueView(RequisitionAction):
    """The keeper's issue form posts `issue_<line>` and `old_<line>` quantities."""

    done = "已发放"

    def perform(self, requisition, data, by):
        quantities, old = {}, {}
        for line in requisition.lines.all():
            for key, target in ((f"issue_{line.pk}", quantities), (f"old_{line.pk}", old)):
                raw = self.request.POST.get(key, "").strip()
                if raw:
                    try:
                        target[line.pk] = Decimal(raw)
                    except ArithmeticError:
                        raise ValidationError(f"“{line.item}”的数量“{raw}”不是有效数字") from None
        return services.issue_requisition(requisition, by=by, quantities=quantities, old_returned=old)


# --- monthly counts (月度盘存) -------------------------------------------------------------------


class StockCountListView(ObjectListView):
    model = StockCount
    filterset_class = filtersets.StockCountFilterSet
    columns = ("month", "warehouse", "status", "opened_by", "opened_at", "closed_at")
    select_related = ("warehouse", "opened_by")


class StockCountAddView(SchoolScopedMixin, FormView):
    model = StockCount
    action = ADD
    form_class = forms.OpenCountForm
    template_name = "stock/ledger_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "school": self.request.school}

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="开始月度盘存", **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        with service_errors(form):
            count = services.open_count(data["warehouse"], by=self.request.user, month=data["month"],
                                        note=data["note"])
        if form.errors:
            return self.form_invalid(form)
        messages.success(self.request, f"已开始盘存：{count}（{count.lines.count()} 项）")
        return HttpResponseRedirect(count.get_absolute_url())


class StockCountEditView(ObjectEditView):
    model = StockCount
    form_class = forms.CountNoteForm


class StockCountDetailView(SchoolScopedMixin, DetailView):
    model = StockCount
    select_related = ("warehouse", "opened_by")
    template_name = "stock/stockcount_detail.html"

    def get_context_data(self, **kwargs):
        count = self.object
        lines, arrived = services.count_sheet(count)  # a GET writes nothing: the next step adds the arrivals
        editable = count.status == CountStatus.OPEN and can(self.request.roles, CHANGE, StockCount)
        variances = [line for line in lines if line.variance]
        return super().get_context_data(
            lines=lines, arrived=arrived, editable=editable, badge=CountStatus(count.status).badge,
            counted=sum(1 for line in lines if line.counted is not None),
            surplus=sum((line.variance_value for line in variances if line.variance > 0), Decimal("0.00")),
            loss=sum((line.variance_value for line in variances if line.variance < 0), Decimal("0.00")),
            approval=services.approval_of(count, services.COUNT.key),
            edit_url=reverse("stock:stockcount_edit", args=[count.pk]) if editable else None, **kwargs)


class CountAction(ObjectActionView):
    model = StockCount


class StockCountEnterView(CountAction):
    """Save the counted quantities of the whole sheet (`counted_<line>`, `note_<line>`)."""

    done = "已保存实盘数量"

    def perform(self, count, data, by):
        post, saved = self.request.POST, 0
        added = services.sync_count_lines(count, by=by)  # stock that arrived since opening gets its line
        for line in count.lines.select_related("item", "batch"):
            raw = post.get(f"counted_{line.pk}", "").strip()
            if not raw:
                continue
            try:
                counted = Decimal(raw)
            except ArithmeticError:
                raise ValidationError(f"“{line.item}”的实盘数量“{raw}”不是有效数字") from None
            services.count_line(line, by=by, counted=counted, note=post.get(f"note_{line.pk}", line.note))
            saved += 1
        self.done = f"已保存 {saved} 项实盘数量"
        if added:
            self.done += f"；开始盘存后有新入库：已增加 {added} 项，请一并盘点"
        return count


class StockCountSubmitView(CountAction):
    done = "盘存已提交"

    def perform(self, count, data, by):
        approval = services.submit_count(count, by=by)
        if approval is None:
            self.done = "账实相符，盘存已完成"
        else:
            self.done = f"差异已提交审批（差异金额 {yuan(approval.amount)} 元）"
        return approval


class StockCountCancelView(CountAction):
    done = "盘存已取消"

    def perform(self, count, data, by):
        return services.cancel_count(count, by=by)


# --- URLs --------------------------------------------------------------------------------------


def _read_only(model, list_view, detail_view, prefix):
    edit = type(f"{model.__name__}EditView", (ReadOnlyEditView,), {"model": model})
    return crud_urls(model, list_view=list_view, detail_view=detail_view, edit_view=edit, prefix=prefix)


urlpatterns = [
    *crud_urls(Warehouse, list_view=WarehouseListView, detail_view=WarehouseDetailView,
               edit_view=WarehouseEditView, prefix="warehouses"),
    *crud_urls(Item, list_view=ItemListView, detail_view=ItemDetailView, edit_view=ItemEditView, prefix="items"),
    *_read_only(StockBalance, StockBalanceListView, StockBalanceDetailView, "balances"),
    *_read_only(Batch, BatchListView, BatchDetailView, "batches"),
    *_read_only(Movement, MovementListView, MovementDetailView, "movements"),
    path("movements/<int:pk>/reverse/", MovementReverseView.as_view(), name="movement_reverse"),
    path("receive/", ReceiveView.as_view(), name="receive"),
    path("transfer/", TransferView.as_view(), name="transfer"),
    *crud_urls(Requisition, list_view=RequisitionListView, detail_view=RequisitionDetailView,
               edit_view=RequisitionEditView, prefix="requisitions"),
    path("requisitions/<int:pk>/print/", RequisitionPrintView.as_view(), name="requisition_print"),
    path("requisitions/<int:pk>/submit/", RequisitionSubmitView.as_view(), name="requisition_submit"),
    path("requisitions/<int:pk>/cancel/", RequisitionCancelView.as_view(), name="requisition_cancel"),
    path("requisitions/<int:pk>/issue/", RequisitionIssueView.as_view(), name="requisition_issue"),
    path("requisitions/<int:pk>/waive/", RequisitionWaiveView.as_view(), name="requisition_waive"),
    path("requisitions/<int:pk>/confirm/", RequisitionConfirmView.as_view(), name="requisition_confirm"),
    path("requisitions/<int:pk>/close/", RequisitionCloseView.as_view(), name="requisition_close"),
    path("counts/", StockCountListView.as_view(), name="stockcount_list"),
    export_path("counts", StockCountListView),
    path("counts/add/", StockCountAddView.as_view(), name="stockcount_add"),
    path("counts/<int:pk>/", StockCountDetailView.as_view(), name="stockcount_detail"),
    path("counts/<int:pk>/edit/", StockCountEditView.as_view(), name="stockcount_edit"),
    # Nobody deletes a count (the rules refuse it: 403); an open one is cancelled.
    path("counts/<int:pk>/delete/", type("StockCountDeleteView", (ObjectDeleteView,), {"model": StockCount}).as_view(),
         name="stockcount_delete"),
    path("counts/<int:pk>/enter/", StockCountEnterView.as_view(), name="stockcount_enter"),
    path("counts/<int:pk>/submit/", StockCountSubmitView.as_view(), name="stockcount_submit"),
    path("counts/<int:pk>/cancel/", StockCountCancelView.as_view(), name="stockcount_cancel"),
]
