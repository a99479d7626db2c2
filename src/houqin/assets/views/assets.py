"""Pages of the assets app: the register (资产登记簿), an asset's detail ledger (明细帐) and
its lifecycle actions, loans, compensations and scrap requests.

Actions are POST-only views on the generic bases: the role rule and the tenant scope come
from SchoolScopedMixin, the work from services; a refusal is shown as a message and writes
nothing. Nobody deletes an asset: the delete URL exists and the rule refuses it (403)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.urls import path, reverse

from houqin.core.models import ApprovalRequest
from houqin.core.rules import ADD, can
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    crud_urls,
)
from houqin.core.views.records import RecordAction, RecordPageMixin

from .. import filtersets, forms, services
from ..choices import AssetStatus, CompensationStatus, HoldingKind
from ..models import Asset, AssetEvent, Compensation, Loan, ScrapRequest
from .labels import scan_actions  # 报修 / 盘点 at hand, as after scanning the label

# --- the register ----------------------------------------------------------------------


class AssetListView(ObjectListView):
    model = Asset
    filterset_class = filtersets.AssetFilterSet
    columns = ("tag", "name", "category", "kind", "quantity", "unit_price", "room", "custodian", "status")
    select_related = ("category", "room__building", "custodian")
    template_name = "assets/asset_list.html"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["assets/_asset_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for asset in context["object_list"]:
            asset.status_badge = AssetStatus(asset.status).badge
        return context


ACTIONS_BY_STATUS = {
    "move": (AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.DAMAGED),
    "lend": (AssetStatus.IN_USE, AssetStatus.IDLE),
    "damage": (AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.LENT),
    "repair": (AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.DAMAGED),
    "repaired": (AssetStatus.IN_REPAIR,),
    "lost": (AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.LENT, AssetStatus.IN_REPAIR, AssetStatus.DAMAGED),
    "scrap": (AssetStatus.IN_USE, AssetStatus.IDLE, AssetStatus.DAMAGED),
}


class AssetDetailView(RecordPageMixin, ObjectDetailView):
    """The asset's status, 报修 / 盘点 and the keeper's steps at the top, then its filled fields."""

    model = Asset
    template_name = "assets/asset_detail.html"
    select_related = ("category", "room__building", "custodian")
    field_groups = (
        ("资产", ("tag", "kind", "name", "category", "model_spec", "brand")),
        ("存放", ("room", "custodian")),
        ("购置", ("unit_price", "quantity", "unit", "purchase_date", "funding_source", "supplier", "invoice_number",
                "warranty_end", "capitalised")),
        ("其他", ("notes", "created_at")),
    )
    record_actions = (
        RecordAction("move", "调拨（换地点或保管人）", "assets:asset_move"),
        RecordAction("split", "拆分", "assets:asset_split"),
        RecordAction("lend", "借出", "assets:asset_lend"),
        RecordAction("damage", "报损（损坏赔偿）", "assets:asset_damage"),
        RecordAction("repair", "送修", "assets:asset_repair"),
        RecordAction("repaired", "登记修复", "assets:asset_repaired"),
        RecordAction("lost", "登记丢失", "assets:asset_lost", confirm="确定登记丢失？将从总帐中减除。"),
        RecordAction("scrap", "申请报废", "assets:asset_scrap"),
    )

    def get_context_data(self, **kwargs):
        asset, roles, status = self.object, self.request.roles, self.object.status
        allowed = {name for name, states in ACTIONS_BY_STATUS.items() if status in states}  # step_form: CHANGE
        splits = asset.kind == HoldingKind.BULK and asset.quantity >= 2 and status not in (AssetStatus.SCRAPPED,
                                                                                             AssetStatus.LOST)
        if not can(roles, ADD, ScrapRequest):
            allowed.discard("scrap")
        if not can(roles, ADD, Loan):
            allowed.discard("lend")
        step_forms = {"move": forms.MoveForm, "lend": forms.LendForm, "damage": forms.DamageForm,
                      "repair": forms.NoteForm, "repaired": forms.NoteForm, "lost": forms.LostForm,
                      "scrap": forms.ScrapForm}
        action_forms = {name: self.step_form(form, name, when=name in allowed) for name, form in step_forms.items()}
        action_forms["split"] = self.step_form(forms.SplitForm, "split", when=splits)

        return super().get_context_data(
            **scan_actions(self.request, asset),
            status_badge=AssetStatus(status).badge, action_forms=action_forms,
            events=AssetEvent.objects.filter(asset=asset).select_related(
                "from_room__building", "to_room__building", "from_custodian", "to_custodian", "by"),
            loans=asset.loans.select_related("borrower"),
            compensations=asset.compensations.all(),
            scrap_requests=asset.scrap_requests.all(),
            return_form=self.step_form(forms.ReturnForm, "return", model=Loan),
            **kwargs,
        )


class AssetEditView(ObjectEditView):
    model = Asset
    created = "已登记：{obj}"

    form_class, add_form_class = forms.AssetEditForm, forms.AssetRegisterForm

    def create(self, form, *, by):  # the service gives the tag, pinyin, depreciation, ledger
        return services.register(form.save(commit=False), by=by)

    def update(self, form, *, by):
        return services.edit(form.save(commit=False), by=by, changed=form.changed_data)


# --- actions -------------------------------------------------------------------------------


class AssetAction(ObjectActionView):
    model = Asset


class MoveView(AssetAction):
    form_class, prefix, done = forms.MoveForm, "move", "已调拨"

    def perform(self, asset, data, by):
        return services.move(asset, by=by, room=data["room"], custodian=data["custodian"],
                             quantity=data["quantity"], note=data["note"])

    def redirect_to(self, asset, result):
        return (result or asset).get_absolute_url()


class SplitView(AssetAction):
    form_class, prefix, done = forms.SplitForm, "split", "已拆分"

    def perform(self, asset, data, by):
        return services.split(asset, data["quantity"], by=by)


class LendView(AssetAction):
    form_class, prefix, done = forms.LendForm, "lend", "已借出"
    also_requires = (ADD, Loan)

    def perform(self, asset, data, by):
        return services.lend(asset, by=by, borrower=data["borrower"], due_on=data["due_on"],
                             quantity=data["quantity"], note=data["note"])

    def redirect_to(self, asset, loan):
        return loan.asset.get_absolute_url() if loan else asset.get_absolute_url()


class DamageView(AssetAction):
    form_class, prefix, done = forms.DamageForm, "damage", "已报损"

    def perform(self, asset, data, by):
        return services.report_damage(asset, by=by, description=data["description"],
                                      liable_name=data["liable_name"], amount=data["amount"])

    def redirect_to(self, asset, compensation):
        return reverse("assets:compensation_detail", args=[compensation.pk]) if compensation \
            else asset.get_absolute_url()


class RepairView(AssetAction):
    form_class, prefix, done = forms.NoteForm, "repair", "已送修"

    def perform(self, asset, data, by):
        return services.send_to_repair(asset, by=by, note=data["note"])


class RepairedView(AssetAction):
    form_class, prefix, done = forms.NoteForm, "repaired", "已登记修复"

    def perform(self, asset, data, by):
        return services.repaired(asset, by=by, note=data["note"])


class LostView(AssetAction):
    form_class, prefix, done = forms.LostForm, "lost", "已登记丢失"

    def perform(self, asset, data, by):
        return services.mark_lost(asset, by=by, note=data["note"])


class ScrapView(AssetAction):
    form_class, prefix, done = forms.ScrapForm, "scrap", "已提交报废申请，等待审批"
    also_requires = (ADD, ScrapRequest)

    def perform(self, asset, data, by):
        return services.request_scrap(asset, by=by, reason=data["reason"], quantity=data["quantity"])

    def redirect_to(self, asset, scrap):
        return scrap.get_absolute_url() if scrap else asset.get_absolute_url()


class ReturnView(ObjectActionView):
    model = Loan
    form_class, prefix, done = forms.ReturnForm, "return", "已归还"

    def perform(self, loan, data, by):
        return services.return_loan(loan, by=by, condition=data["condition"], damaged=data["damaged"])

    def redirect_to(self, loan, result):
        return reverse("assets:loan_detail", args=[loan.pk])


class SettleView(ObjectActionView):
    model = Compensation
    form_class, prefix, done = forms.SettleForm, "settle", "赔偿已办结"

    def perform(self, compensation, data, by):
        return services.settle_compensation(compensation, by=by, paid=data["outcome"] == "paid",
                                            note=data["note"])

    def redirect_to(self, compensation, result):
        return reverse("assets:compensation_detail", args=[compensation.pk])


class DisposeView(ObjectActionView):
    model = ScrapRequest
    form_class, prefix, done = forms.DisposeForm, "dispose", "已登记处置"

    def perform(self, scrap, data, by):
        return services.dispose(scrap, by=by, method=data["method"], proceeds=data["proceeds"],
                                disposed_on=data["disposed_on"])


# --- loans, compensations, scrap requests -------------------------------------------------


class LoanListView(ObjectListView):
    model = Loan
    filterset_class = filtersets.LoanFilterSet
    columns = ("asset", "borrower", "quantity", "lent_on", "due_on", "overdue", "returned_on", "return_condition")
    select_related = ("asset", "borrower")

    def get_queryset(self):
        # Open loans first (oldest due first), then the returned ones, newest first.
        return super().get_queryset().order_by(F("returned_on").desc(nulls_first=True), "due_on", "-pk")


class LoanDetailView(ObjectDetailView):
    model = Loan
    template_name = "assets/loan_detail.html"
    select_related = ("asset", "borrower")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            return_form=self.step_form(forms.ReturnForm, "return", when=not self.object.returned_on), **kwargs)


class CompensationListView(ObjectListView):
    model = Compensation
    filterset_class = filtersets.CompensationFilterSet
    columns = ("asset", "liable_name", "description", "amount", "status", "settled_on")
    select_related = ("asset",)


class CompensationDetailView(ObjectDetailView):
    model = Compensation
    template_name = "assets/compensation_detail.html"
    select_related = ("asset", "settled_by")

    def get_context_data(self, **kwargs):
        pending = self.object.status == CompensationStatus.PENDING
        return super().get_context_data(settle_form=self.step_form(forms.SettleForm, "settle", when=pending), **kwargs)


class ScrapRequestListView(ObjectListView):
    model = ScrapRequest
    filterset_class = filtersets.ScrapRequestFilterSet
    columns = ("asset", "quantity", "amount", "reason", "state", "created_at")
    select_related = ("asset",)


class ScrapRequestDetailView(ObjectDetailView):
    model = ScrapRequest
    template_name = "assets/scraprequest_detail.html"
    select_related = ("asset", "requested_by")

    def get_context_data(self, **kwargs):
        scrap = self.object
        approvals = ApprovalRequest.objects.filter(
            school=self.request.school, content_type=ContentType.objects.get_for_model(ScrapRequest),
            object_id=scrap.pk).order_by("-pk")
        return super().get_context_data(
            approvals=approvals,
            dispose_form=self.step_form(forms.DisposeForm, "dispose", when=scrap.state == "approved"), **kwargs)


class AssetDeleteView(ObjectDeleteView):
    model = Asset  # nobody deletes an asset (rules: delete=()); it is scrapped or marked lost


urlpatterns = [
    # At the app's root, so that a QR label's address is /assets/<pk>/ (the stocktake scanner reads it).
    path("", AssetListView.as_view(), name="asset_list"),
    path("add/", AssetEditView.as_view(), name="asset_add"),
    path("<int:pk>/", AssetDetailView.as_view(), name="asset_detail"),
    path("<int:pk>/edit/", AssetEditView.as_view(), name="asset_edit"),
    path("<int:pk>/delete/", AssetDeleteView.as_view(), name="asset_delete"),  # the rule refuses it: 403
    path("<int:pk>/move/", MoveView.as_view(), name="asset_move"),
    path("<int:pk>/split/", SplitView.as_view(), name="asset_split"),
    path("<int:pk>/lend/", LendView.as_view(), name="asset_lend"),
    path("<int:pk>/damage/", DamageView.as_view(), name="asset_damage"),
    path("<int:pk>/repair/", RepairView.as_view(), name="asset_repair"),
    path("<int:pk>/repaired/", RepairedView.as_view(), name="asset_repaired"),
    path("<int:pk>/lost/", LostView.as_view(), name="asset_lost"),
    path("<int:pk>/scrap/", ScrapView.as_view(), name="asset_scrap"),
    *crud_urls(Loan, list_view=LoanListView, detail_view=LoanDetailView, edit_view=None, prefix="loans"),
    path("loans/<int:pk>/return/", ReturnView.as_view(), name="loan_return"),
    *crud_urls(Compensation, list_view=CompensationListView, detail_view=CompensationDetailView, edit_view=None,
               prefix="compensations"),
    path("compensations/<int:pk>/settle/", SettleView.as_view(), name="compensation_settle"),
    *crud_urls(ScrapRequest, list_view=ScrapRequestListView, detail_view=ScrapRequestDetailView, edit_view=None,
               prefix="scrap"),
    path("scrap/<int:pk>/dispose/", DisposeView.as_view(), name="scraprequest_dispose"),
]
