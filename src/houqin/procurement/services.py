"""Domain operations of procurement (采购). Each takes the acting user as `by`, runs in one
transaction and raises a Chinese ValidationError (or PermissionDenied) when the seeds' rules
say no: 购物有申请；1000元以上报上级审核批准后再采购；货比三家；定点采购、索证、准入；
不验收不入库，操作人员不验收；发票须经手人、验收人、审核人三人签字，杜绝重复或伪发票入账."""

from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count, Max
from django.utils import timezone

from houqin.assets import services as assets
from houqin.assets.choices import HoldingKind
from houqin.assets.models import Asset
from houqin.core import approvals
from houqin.core.choices import SCHOOL_ROLES, ApprovalStatus, Decision, Role
from houqin.core.models import ApprovalRequest, Membership, SignOff
from houqin.core.money import cents, yuan
from houqin.core.rules import require
from houqin.core.services import notify
from houqin.core.signals import step_taken
from houqin.core.tenancy import roles_in
from houqin.stock import services as stock
from houqin.stock.choices import ItemCategory

from .choices import AcceptanceStatus, OrderStatus, RequestStatus, VoucherStatus
from .models import (
    Acceptance,
    AcceptanceLine,
    Designation,
    Licence,
    ProcurementSettings,
    PurchaseOrder,
    PurchaseRequest,
    Quote,
    Rating,
    RequestLine,
    Voucher,
)

# --- numbers ----------------------------------------------------------------------------


def next_number(model, school, prefix, on=None):
    """CG20260901-0001: the prefix, the day and a running number of the school for that day."""
    on = on or timezone.localdate()
    stem = f"{prefix}{on:%Y%m%d}-"
    last = model.objects.filter(school=school, number__startswith=stem).aggregate(m=Max("number"))["m"]
    return f"{stem}{(int(last.rsplit('-', 1)[1]) + 1) if last else 1:04d}"


def _save_numbered(obj, prefix):
    """Save a new numbered document, taking the next number again if a concurrent one took it."""
    for _attempt in range(5):
        obj.number = next_number(type(obj), obj.school, prefix)
        try:
            with transaction.atomic():
                obj.save()
            return obj
        except IntegrityError:
            continue
    raise ValidationError("无法生成单号，请重试")


def _locked(obj):
    return type(obj).objects.select_for_update().get(pk=obj.pk)


# --- requests ---------------------------------------------------------------------------


def check_line(line, school):
    """One line's own rules; raises ValidationError."""
    if not line.item_id and not line.description.strip():
        raise ValidationError("每行须选择库存物品或填写品名规格")
    if line.item_id and line.item.school_id != school.pk:
        raise ValidationError("物品不属于本校")
    if line.is_asset:
        if not line.asset_category_id or not line.room_id:
            raise ValidationError(f"固定资产“{line.name}”须选择资产分类和存放地点")
        if line.quantity != line.quantity.to_integral_value():
            raise ValidationError(f"固定资产“{line.name}”的数量须为整数")
    if line.room_id and line.room.school_id != school.pk:
        raise ValidationError("存放地点不属于本校")


@transaction.atomic
def create_request(school, *, by, title, reason, budget_line, lines, off_designation_reason=""):
    """A draft request with its lines (dicts of RequestLine fields); returns it."""
    request = PurchaseRequest(school=school, requested_by=by, title=title, reason=reason, budget_line=budget_line,
                              off_designation_reason=(off_designation_reason or "").strip())
    _save_numbered(request, "CG")
    return set_lines(request, lines, by=by)


@transaction.atomic
def set_lines(request, lines, *, by):
    """`by` replaces a draft request's lines; its total is recomputed (Σ quantity × estimated price)."""
    require(by, "edit", request)
    # Checked on the locked row; `request` itself may carry the edit form's changes, saved once below.
    if _locked(request).status != RequestStatus.DRAFT:
        raise ValidationError("只有草稿状态的申请可以修改明细")
    if not lines:
        raise ValidationError("采购申请至少要有一行明细")
    request.lines.all().delete()
    built = []
    for values in lines:
        line = RequestLine(request=request, **values)
        line.description = (line.description or "").strip()
        check_line(line, request.school)
        if not line.unit and line.item_id:
            line.unit = line.item.unit
        built.append(line)
    RequestLine.objects.bulk_create(built)
    request.amount = sum((line.amount for line in built), Decimal("0.00"))
    request.save()
    return request


# --- designated suppliers (定点采购) ------------------------------------------------------------


class Designated:
    """The designated supplier of one category on a request: `void` says why it does not bind
    (the supplier cannot be ordered from: suspended, licence expired…), else None."""

    def __init__(self, designation, today=None):
        self.designation, self.category, self.supplier = designation, designation.category, designation.supplier
        self.label = designation.get_category_display()
        self.void = self.supplier.refusal(today=today, licences=list(self.supplier.licences.all()))

    def __repr__(self):
        return f"<Designated {self.category}: {self.supplier}{' void' if self.void else ''}>"


def designations(request, today=None):
    """The designated suppliers of the categories of the request's stock-item lines, in
    category order (free-text lines have no category and are not bound)."""
    categories = set(request.lines.filter(item__isnull=False).values_list("item__category", flat=True))
    if not categories:
        return []
    rows = Designation.objects.filter(school_id=request.school_id, category__in=categories) \
        .select_related("supplier").prefetch_related("supplier__licences").order_by("category")
    return [Designated(d, today) for d in rows]


def designation_problem(request, supplier=None, *, reason=None, designated=None, approved=False):
    """Why the request may not go to `supplier` (or, with no supplier, to any single supplier)
    under the designations (定点采购), or None. A written reason (非定点采购理由) lifts the rule;
    a void designation does not bind. Once `approved`, the reason can no longer be added."""
    reason = request.off_designation_reason if reason is None else reason
    if (reason or "").strip():
        return None
    designated = designations(request) if designated is None else designated
    binding = [d for d in designated if not d.void]
    suppliers = {d.supplier.pk for d in binding}
    if len(suppliers) > 1:
        named = "、".join(f"“{d.label}”定点为“{d.supplier}”" for d in binding)
        return (f"本申请的物品分属定点供应商不同的类别（{named}），不能向同一家供应商采购。"
                "请按类别分开申请，或写明理由（非定点采购理由）")
    if supplier is not None and binding and supplier.pk not in suppliers:
        d = binding[0]
        labels = "、".join(f"“{x.label}”" for x in binding)
        remedy = ("申请审批时没有写明非定点采购理由，只能向定点供应商下单" if approved
                  else "或写明非定点采购理由，随申请送审批")
        return (f"{labels}类物品有定点供应商“{d.supplier}”，“{supplier}”不是定点供应商。"
                f"须向“{d.supplier}”采购；{remedy}")
    return None


def designated_supplier(request, designated=None):
    """The one supplier the designations bind the request to, or None (none, void or several)."""
    designated = designations(request) if designated is None else designated
    suppliers = {d.supplier.pk: d.supplier for d in designated if not d.void}
    return next(iter(suppliers.values())) if len(suppliers) == 1 else None


def needs_quotes(request):
    return request.amount >= ProcurementSettings.of(request.school).quote_threshold


def cheapest(quotes):
    return min(quotes, key=lambda q: q.amount) if quotes else None


@transaction.atomic
def add_quote(request, *, by, supplier, amount, note=""):
    """Record a supplier's quote (询价) on a draft request."""
    request = _locked(request)
    if request.status != RequestStatus.DRAFT:
        raise ValidationError("只有草稿状态的申请可以登记报价")
    if supplier.school_id != request.school_id:
        raise ValidationError("供应商不属于本校")
    if Decimal(amount) < 0:
        raise ValidationError("报价金额不能为负数")
    if request.quotes.filter(supplier=supplier).exists():
        raise ValidationError(f"“{supplier}”已有报价，三家报价须来自不同供应商")
    return Quote.objects.create(request=request, supplier=supplier, amount=cents(amount), note=note)


@transaction.atomic
def choose_quote(request, *, by, quote, reason="", off_designation_reason=""):
    """Choose the supplier's quote; one that is not the cheapest needs a written reason, one
    from another supplier than the designated one (定点) a reason for buying elsewhere (given
    here or already on the request)."""
    request = _locked(request)
    if request.status != RequestStatus.DRAFT:
        raise ValidationError("只有草稿状态的申请可以选定报价")
    if quote.request_id != request.pk:
        raise ValidationError("该报价不属于本申请")
    low = cheapest(list(request.quotes.all()))
    reason = (reason or "").strip()
    if quote.amount > low.amount and not reason:
        raise ValidationError(f"所选报价不是最低价（最低为“{low.supplier}” {yuan(low.amount)} 元），须写明理由")
    refusal = quote.supplier.refusal()
    if refusal:
        raise ValidationError(refusal)
    off = (off_designation_reason or "").strip()
    if off:
        request.off_designation_reason = off
    problem = designation_problem(request, quote.supplier)
    if problem:
        raise ValidationError(problem)
    request.chosen_quote, request.choice_reason = quote, reason if quote.amount > low.amount else ""
    request.save(update_fields=["chosen_quote", "choice_reason", "off_designation_reason", "updated_at"])
    return request


def submit_problems(request):
    """What stops a draft from being submitted, as Chinese sentences (货比三家)."""
    problems = []
    if not request.lines.exists():
        problems.append("采购申请至少要有一行明细")
    if needs_quotes(request):
        quotes = list(request.quotes.select_related("supplier"))
        if len({q.supplier_id for q in quotes}) < 3:
            threshold = ProcurementSettings.of(request.school).quote_threshold
            problems.append(f"金额 {request.amount} 元达到三家比价起点 {threshold} 元，"
                            f"须有三家不同供应商的报价（现有 {len(quotes)} 家）")
        elif request.chosen_quote_id is None:
            problems.append("请选定一家报价")
        else:
            low = cheapest(quotes)
            chosen = next(q for q in quotes if q.pk == request.chosen_quote_id)
            if chosen.amount > low.amount and not request.choice_reason.strip():
                problems.append("所选报价不是最低价，须写明理由")
    chosen = request.chosen_quote.supplier if request.chosen_quote_id else None
    problem = designation_problem(request, chosen)
    if problem:
        problems.append(problem)
    return problems


@transaction.atomic
def submit(request, *, by):
    """Send a draft for approval: director always, principal from principal_threshold,
    district officer above district_threshold."""
    request = _locked(request)
    if request.status != RequestStatus.DRAFT:
        raise ValidationError("只有草稿状态的申请可以提交")
    problems = submit_problems(request)
    if problems:
        raise ValidationError(problems)
    request.status, request.submitted_at = RequestStatus.PENDING, timezone.now()
    request.save(update_fields=["status", "submitted_at", "updated_at"])
    title = f"采购申请 {request.number} {request.title}（{yuan(request.amount)} 元）"
    if request.off_designation_reason.strip():
        title += f"【非定点采购，理由：{request.off_designation_reason.strip()}】"
    approvals.request_approval(request, REQUEST.key, by=by, amount=request.amount, title=title)
    return request


REQUEST = approvals.register(approvals.Policy(
    key="procurement.request", label="采购申请",
    steps=approvals.school_ladder(district=True),
    on_approved=approvals.sets_status(RequestStatus.APPROVED),
    on_rejected=approvals.sets_status(RequestStatus.REJECTED),
))


# --- orders -------------------------------------------------------------------------------


def _check_food(request, supplier):
    if supplier.food:
        return
    food = [line.name for line in request.lines.select_related("item")
            if line.item_id and (line.item.category == ItemCategory.FOOD or line.item.tracks_batches)]
    if food:
        raise ValidationError(f"“{food[0]}”是食品原料，须向有食品经营许可证的食品供应商采购")


@transaction.atomic
def place_order(request, *, by, supplier=None, deliver_by=None, notes=""):
    """An order for an approved request, to the chosen quote's supplier (or, below the quote
    threshold, the supplier given). Refused when the supplier's licence has expired, it has
    no valid food licence for food, or it is suspended, and when the request's categories have
    a designated supplier (定点) other than it and the request gives no reason (非定点采购理由)."""
    request = _locked(request)
    if request.status != RequestStatus.APPROVED:
        raise ValidationError(f"采购申请当前状态为“{request.get_status_display()}”，批准后才能下单")
    quote = request.chosen_quote
    if quote is not None:
        if supplier is not None and supplier.pk != quote.supplier_id:
            raise ValidationError(f"须向选定报价的供应商“{quote.supplier}”下单")
        supplier = quote.supplier
    if supplier is None:
        raise ValidationError("请选择供应商")
    if supplier.school_id != request.school_id:
        raise ValidationError("供应商不属于本校")
    refusal = supplier.refusal()
    if refusal:
        raise ValidationError(refusal)
    problem = designation_problem(request, supplier, approved=True)
    if problem:
        raise ValidationError(problem)
    _check_food(request, supplier)
    order = PurchaseOrder(school=request.school, request=request, supplier=supplier, buyer=request.requested_by,
                          amount=quote.amount if quote else request.amount, deliver_by=deliver_by, notes=notes,
                          ordered_on=timezone.localdate())
    _save_numbered(order, "DD")
    request.status = RequestStatus.ORDERED
    request.save(update_fields=["status", "updated_at"])
    return order


# --- acceptance ---------------------------------------------------------------------------


@transaction.atomic
def start_acceptance(order, *, by, warehouse=None, received_on=None, invoice_number="", note=""):
    """Open the acceptance of an order's delivery, one line per request line (all accepted
    at the estimated price until the acceptors say otherwise)."""
    order = _locked(order)
    if order.status != OrderStatus.PLACED:
        raise ValidationError(f"订单当前状态为“{order.get_status_display()}”，不能开始验收")
    if warehouse is not None and warehouse.school_id != order.school_id:
        raise ValidationError("仓库不属于本校")
    lines = list(order.request.lines.select_related("item"))
    if warehouse is None and any(line.item_id and not line.is_asset for line in lines):
        raise ValidationError("有库存物品要入库，请选择入库仓库")
    acceptance = Acceptance.objects.create(
        school=order.school, order=order, warehouse=warehouse, received_on=received_on or timezone.localdate(),
        invoice_number=invoice_number, note=note, created_by=by)
    AcceptanceLine.objects.bulk_create([
        AcceptanceLine(acceptance=acceptance, request_line=line, accepted=line.quantity, unit_price=line.unit_price)
        for line in lines
    ])
    order.status = OrderStatus.ACCEPTING
    order.save(update_fields=["status", "updated_at"])
    return acceptance


@transaction.atomic
def record_line(line, *, by, accepted, rejected, reason="", unit_price=None, batch_code="", expires_on=None):
    """Enter one line's accepted and rejected quantities (before anyone signs)."""
    acceptance = _locked(line.acceptance)
    if acceptance.status != AcceptanceStatus.DRAFT:
        raise ValidationError("验收单已提交签字，不能再修改数量")
    accepted, rejected = Decimal(accepted), Decimal(rejected)
    ordered = line.request_line.quantity
    if accepted < 0 or rejected < 0:
        raise ValidationError("数量不能为负数")
    if accepted + rejected > ordered:
        raise ValidationError(f"“{line.request_line.name}”合格与不合格数量之和不能超过采购数量 {ordered.normalize():f}")
    if rejected > 0 and not reason.strip():
        raise ValidationError(f"“{line.request_line.name}”有不合格数量，须写明原因")
    if line.request_line.is_asset and accepted != accepted.to_integral_value():
        raise ValidationError("固定资产的合格数量须为整数")
    line.accepted, line.rejected, line.reason = accepted, rejected, reason.strip()
    if unit_price is not None:
        if Decimal(unit_price) < 0:
            raise ValidationError("单价不能为负数")
        line.unit_price = Decimal(unit_price)
    line.batch_code, line.expires_on = batch_code, expires_on
    line.save()
    acceptance.save(update_fields=["updated_at"])
    return line


@transaction.atomic
def submit_acceptance(acceptance, *, by):
    """Send the entered quantities to be signed by two people, neither of them the buyer."""
    acceptance = _locked(acceptance)
    if acceptance.status != AcceptanceStatus.DRAFT:
        raise ValidationError("验收单已提交")
    for line in acceptance.lines.select_related("request_line__item"):
        item = line.request_line.item
        if line.accepted and item and item.tracks_batches and not line.request_line.is_asset and not line.expires_on:
            raise ValidationError(f"“{item}”按批次管理，须填写保质期")
    acceptance.status = AcceptanceStatus.PENDING
    acceptance.save(update_fields=["status", "updated_at"])
    approvals.request_approval(acceptance, ACCEPTANCE.key, by=by, amount=acceptance.accepted_value,
                               title=f"验收 {acceptance.order.number} {acceptance.order.supplier}")
    return acceptance


def _asset_for(line, acceptance, by):
    """Register an accepted fixed-asset line in the asset register (登记入账)."""

    request_line, quantity = line.request_line, int(line.accepted)
    asset = Asset(
        school=acceptance.school, name=request_line.name[:100], category=request_line.asset_category,
        kind=HoldingKind.INDIVIDUAL if quantity == 1 else HoldingKind.BULK, quantity=quantity,
        unit=request_line.unit or "台", unit_price=line.unit_price, purchase_date=acceptance.received_on,
        supplier=acceptance.order.supplier.name[:100], invoice_number=acceptance.invoice_number,
        room=request_line.room, notes=f"采购验收 {acceptance.order.number}",
    )
    return assets.register(asset, by=by)


def _acceptance_approved(acceptance, approval, by):
    """不验收不入库: only now do consumables enter the stock ledger and fixed assets the register."""

    acceptance = _locked(acceptance)
    for line in acceptance.lines.select_related("request_line__item", "request_line__asset_category",
                                                "request_line__room"):
        if not line.accepted:
            continue
        if line.request_line.is_asset:
            _asset_for(line, acceptance, by)
        elif line.request_line.item_id:
            stock.receive(warehouse=acceptance.warehouse, item=line.request_line.item, quantity=line.accepted,
                          unit_cost=line.unit_price, by=by, batch_code=line.batch_code, expires_on=line.expires_on,
                          source=line, note=f"采购验收 {acceptance.order.number}", on=acceptance.received_on)
    acceptance.status = AcceptanceStatus.APPROVED
    acceptance.save(update_fields=["status", "updated_at"])
    order = _locked(acceptance.order)
    order.status = OrderStatus.ACCEPTED
    order.save(update_fields=["status", "updated_at"])
    PurchaseRequest.objects.filter(pk=order.request_id).update(status=RequestStatus.ACCEPTED,
                                                               updated_at=timezone.now())


def _acceptance_rejected(acceptance, approval, by):
    """A refused acceptance writes nothing to stock; the order waits for a new acceptance."""
    acceptance = _locked(acceptance)
    acceptance.status = AcceptanceStatus.REJECTED
    acceptance.save(update_fields=["status", "updated_at"])
    PurchaseOrder.objects.filter(pk=acceptance.order_id).update(status=OrderStatus.PLACED, updated_at=timezone.now())


ACCEPTANCE = approvals.register(approvals.Policy(
    key="procurement.acceptance", label="采购验收",
    steps=(approvals.Step("验收签字（二人）", frozenset(SCHOOL_ROLES), signers=2),),
    not_signed_by=("buyer", "requester"),
    on_approved=_acceptance_approved, on_rejected=_acceptance_rejected,
))


def acceptance_approval(acceptance):


    return ApprovalRequest.objects.filter(
        content_type=ContentType.objects.get_for_model(Acceptance), object_id=acceptance.pk,
        policy=ACCEPTANCE.key).order_by("-pk").first()


def acceptors(acceptance):
    """The users who signed the acceptance (同意)."""
    approval = acceptance_approval(acceptance)
    if approval is None or approval.status != ApprovalStatus.APPROVED:
        return []
    return [s.user for s in SignOff.objects.filter(approval=approval, decision=Decision.APPROVE).select_related("user")]


@transaction.atomic
def sign_acceptance(acceptance, *, by, decision=Decision.APPROVE, comment=""):
    """One acceptor's signature through the approval (the policy bars the buyer)."""
    approval = acceptance_approval(acceptance)
    if approval is None or approval.status != ApprovalStatus.PENDING:
        raise ValidationError("该验收单不在待签字状态")
    return approvals.sign(approval, by=by, decision=decision, comment=comment)


@transaction.atomic
def rate(order, *, by, score, comment=""):
    """The school's rating of the supplier after the delivery was accepted (one per order)."""
    order = _locked(order)
    if order.status != OrderStatus.ACCEPTED:
        raise ValidationError("验收通过后才能评价供应商")
    score = int(score)
    if not 1 <= score <= 5:
        raise ValidationError("评分须为 1 到 5 分")
    if Rating.objects.filter(order=order).exists():
        raise ValidationError("该订单已评价过")
    return Rating.objects.create(school=order.school, supplier=order.supplier, order=order, score=score,
                                 comment=comment.strip(), by=by)


# --- vouchers -------------------------------------------------------------------------------

DUPLICATE_INVOICE = "该供应商的发票号 {} 已经报销过，不能重复入账"


def invoice_used(school, supplier, invoice_number, exclude=None):
    qs = Voucher.objects.filter(school=school, supplier=supplier, invoice_number=invoice_number.strip()) \
        .exclude(status=VoucherStatus.REJECTED)
    return qs.exclude(pk=exclude).exists() if exclude else qs.exists()


@transaction.atomic
def create_voucher(acceptance, *, by, invoice_number, invoice_date, amount, difference_reason=""):
    """A reimbursement voucher for an accepted delivery; the amount is checked against the
    accepted goods' value (a difference needs a reason) and the invoice against double use."""
    acceptance = _locked(acceptance)
    if acceptance.status != AcceptanceStatus.APPROVED:
        raise ValidationError("验收通过后才能填报销单（不验收不报销）")
    if acceptance.vouchers.exclude(status=VoucherStatus.REJECTED).exists():
        raise ValidationError("该验收单已有报销单")
    supplier, invoice_number = acceptance.order.supplier, invoice_number.strip()
    if not invoice_number:
        raise ValidationError({"invoice_number": "请填写发票号码"})
    if invoice_used(acceptance.school, supplier, invoice_number):
        raise ValidationError({"invoice_number": DUPLICATE_INVOICE.format(invoice_number)})
    if invoice_date and invoice_date > timezone.localdate():
        raise ValidationError({"invoice_date": "开票日期不能晚于今天"})
    amount = cents(amount)
    if amount <= 0:
        raise ValidationError({"amount": "报销金额须大于零"})
    value = acceptance.accepted_value
    if amount != value and not difference_reason.strip():
        raise ValidationError({"difference_reason": f"报销金额 {amount} 元与验收货物金额 {value} 元不符，"
                                                    "须说明差异原因"})
    try:
        with transaction.atomic():
            return Voucher.objects.create(
                school=acceptance.school, acceptance=acceptance, supplier=supplier, invoice_number=invoice_number,
                invoice_date=invoice_date, amount=amount, goods_value=value,
                difference_reason=difference_reason.strip(), created_by=by)
    except IntegrityError:  # a concurrent voucher took the invoice number a moment ago
        raise ValidationError({"invoice_number": DUPLICATE_INVOICE.format(invoice_number)})


def next_signature(voucher):
    """'handler', 'acceptor', 'auditor' or None: the signatures go in this order."""
    for slot in ("handler", "acceptor", "auditor"):
        if getattr(voucher, f"{slot}_id") is None:
            return slot
    return None


SLOT_LABELS = {"handler": "经手人", "acceptor": "验收人", "auditor": "审核人"}


def may_sign_voucher(voucher, user):
    """Why `user` may not sign the voucher's next signature, or None (三人签字，三个不同的人)."""
    slot = next_signature(voucher)
    if voucher.status != VoucherStatus.SIGNING or slot is None:
        return "该报销单已办结"
    signed = {voucher.handler_id, voucher.acceptor_id} - {None}
    if user.pk in signed:
        return "经手人、验收人、审核人须为三个不同的人，您已签过字"
    if slot == "handler":
        buyer = voucher.acceptance.order.buyer
        return None if user.pk == buyer.pk else f"经手人须由采购员“{buyer}”本人签字"
    if slot == "acceptor":
        names = acceptors(voucher.acceptance)
        if user.pk in {u.pk for u in names}:
            return None
        return "验收人须由验收签字人之一签字（" + "、".join(str(u) for u in names) + "）"
    held = roles_in(user, voucher.school)
    if not held & {Role.ACCOUNTANT, Role.DIRECTOR}:
        return "审核人须由会计或总务主任签字"
    return None


@transaction.atomic
def sign_voucher(voucher, *, by, decision=Decision.APPROVE, comment=""):
    """The next signature of the voucher. The auditor may send it back with a reason; his
    approval completes the purchase (已报销)."""
    voucher = _locked(voucher)
    why = may_sign_voucher(voucher, by)
    if why:
        raise PermissionDenied(why)
    slot = next_signature(voucher)
    if Decision(decision) == Decision.REJECT:
        if slot != "auditor":
            raise ValidationError("只有审核人可以退回报销单")
        if not comment.strip():
            raise ValidationError("退回时须写明理由")
        voucher.auditor, voucher.auditor_at, voucher.audit_comment = by, timezone.now(), comment.strip()
        voucher.status = VoucherStatus.REJECTED
        voucher.save()
        notify([voucher.acceptance.order.buyer], school=voucher.school, title=f"{voucher}已被退回：{comment}",
               url=voucher.get_absolute_url())
        return voucher
    setattr(voucher, slot, by)
    setattr(voucher, f"{slot}_at", timezone.now())
    if slot == "auditor":
        voucher.audit_comment = comment.strip()
        voucher.status = VoucherStatus.APPROVED
        PurchaseRequest.objects.filter(pk=voucher.acceptance.order.request_id).update(
            status=RequestStatus.REIMBURSED, updated_at=timezone.now())
    voucher.save()
    if slot == "auditor":  # finance posts the audited voucher to its journal
        step_taken.send(Voucher, record=voucher, step="audit", by=by)
    return voucher


# --- licences --------------------------------------------------------------------------------


def remind_expiring_licences(today=None):
    """For `houqin tick`: tell each school's buyer, keeper and director about supplier licences
    expired or expiring within 30 days, once per licence and expiry date."""
    today = today or timezone.localdate()
    people = {}
    for m in Membership.objects.filter(role__in=[Role.BUYER, Role.KEEPER, Role.DIRECTOR]).select_related("user"):
        people.setdefault(m.school_id, set()).add(m.user)
    created = 0
    for lic in Licence.objects.expiring(today).select_related("supplier", "school"):
        days = lic.days_left(today)
        state = f"已过期{-days}天" if days < 0 else f"还有{days}天到期"
        created += len(notify(
            people.get(lic.school_id, set()), school=lic.school,
            title=f"供应商证照{state}：{lic.supplier.name}的{lic.get_kind_display()}",
            body=f"证号 {lic.number}，有效期至 {lic.expires_on:%Y-%m-%d}；过期后不能向其下单",
            url=lic.get_absolute_url(), dedupe_key=f"licence:{lic.pk}:{lic.expires_on}",
        ))
    return created


def average_ratings(suppliers):
    """{supplier id: (average, count)} in one query."""

    rows = Rating.objects.filter(supplier__in=suppliers).values("supplier").annotate(a=Avg("score"), n=Count("id"))
    return {r["supplier"]: (Decimal(str(r["a"])).quantize(Decimal("0.1")), r["n"]) for r in rows}
