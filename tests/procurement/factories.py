"""Factories of procurement. Documents past the draft are made through the services, walking
the real chain (request → quotes → approval → order → acceptance → voucher), so what the tests
see is what the application would have written."""

import datetime
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from houqin.core import approvals
from houqin.core.choices import Decision, Role
from houqin.procurement import services
from houqin.procurement.choices import LicenceKind
from houqin.procurement.models import Designation, Licence, Supplier
from tests.factories import SchoolFactory
from tests.stock.factories import ItemFactory, WarehouseFactory, person_user

TODAY = datetime.date.today


class SupplierFactory(DjangoModelFactory):
    class Meta:
        model = Supplier

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"恩施文具商行{n}")
    credit_code = "91422801MA4F000000"
    contact = "王经理"
    phone = "13907180000"
    categories = ["office", "teaching"]


class LicenceFactory(DjangoModelFactory):
    class Meta:
        model = Licence

    supplier = factory.SubFactory(SupplierFactory)
    school = factory.SelfAttribute("supplier.school")
    kind = LicenceKind.BUSINESS
    number = factory.Sequence(lambda n: f"4228010000{n:05d}")
    expires_on = factory.LazyFunction(lambda: TODAY() + datetime.timedelta(days=365))


class DesignationFactory(DjangoModelFactory):
    class Meta:
        model = Designation

    supplier = factory.SubFactory(SupplierFactory)
    school = factory.SelfAttribute("supplier.school")
    category = factory.Sequence(lambda n: ["office", "cleaning", "teaching", "electronic", "repair", "sports",
                                           "food", "kitchen", "other"][n % 9])


def supplier(school, *, food=False, expires_in=365, **kwargs):
    """An admitted supplier with a valid business licence (and a food licence when `food`)."""
    made = SupplierFactory(school=school, food=food, **kwargs)
    LicenceFactory(supplier=made, expires_on=TODAY() + datetime.timedelta(days=expires_in))
    if food:
        LicenceFactory(supplier=made, kind=LicenceKind.FOOD, expires_on=TODAY() + datetime.timedelta(days=expires_in))
    return made


def user(school, role):
    return person_user(school, role)


def request(school, amount="500.00", *, by=None, item=None, lines=None, title="采购粉笔"):
    """A draft request of one line (quantity 1 at `amount`) of a stock item."""
    by = by or user(school, Role.BUYER)
    if lines is None:
        lines = [{"item": item or ItemFactory(school=school), "quantity": Decimal("1"), "unit": "盒",
                  "unit_price": Decimal(amount)}]
    return services.create_request(school, by=by, title=title, reason="教学需要", budget_line="公用经费", lines=lines)


def quoted(school, amounts=("1200.00", "1250.00", "1300.00"), *, choose=0, reason="", **kwargs):
    """A draft request with a quote per amount from different suppliers; the `choose`-th chosen."""
    req = request(school, **kwargs)
    quotes = [services.add_quote(req, by=req.requested_by, supplier=supplier(school), amount=Decimal(a))
              for a in amounts]
    if choose is not None and quotes:
        services.choose_quote(req, by=req.requested_by, quote=quotes[choose], reason=reason)
    req.refresh_from_db()
    return req


def sign_all(approval, school):
    """Sign every step of an approval with the school's personas (and the district officer)."""
    from houqin.core.models import Membership

    approval.refresh_from_db()
    while approval.status == "pending":
        role = approval.current_step["roles"][0]
        if role == Role.DISTRICT_OFFICER:
            signer = Membership.objects.filter(district=school.district, role=role).first().user
        else:
            signer = user(school, role)
        approvals.sign(approval, by=signer, decision=Decision.APPROVE)
        approval.refresh_from_db()
    return approval


def approval_of(obj):
    from django.contrib.contenttypes.models import ContentType

    from houqin.core.models import ApprovalRequest

    return ApprovalRequest.objects.filter(content_type=ContentType.objects.get_for_model(obj),
                                          object_id=obj.pk).latest("pk")


def approved(school, amount="500.00", *, seller=None, **kwargs):
    """An approved request; from the quote threshold it gets three quotes, `seller`'s (or the
    first) being the cheapest and chosen."""
    req = request(school, amount, **kwargs)
    if services.needs_quotes(req):
        sellers = [seller or supplier(school), supplier(school), supplier(school)]
        quotes = [services.add_quote(req, by=req.requested_by, supplier=s, amount=req.amount + i)
                  for i, s in enumerate(sellers)]
        services.choose_quote(req, by=req.requested_by, quote=quotes[0])
    services.submit(req, by=req.requested_by)
    sign_all(approval_of(req), school)
    req.refresh_from_db()
    return req


def order(school, amount="500.00", *, seller=None, **kwargs):
    seller = seller or supplier(school)
    req = approved(school, amount, seller=seller, **kwargs)
    return services.place_order(req, by=req.requested_by, supplier=seller)


def acceptance(school, amount="500.00", *, warehouse=None, **kwargs):
    """A draft acceptance of an order (all accepted at the estimated price)."""
    placed = order(school, amount, **kwargs)
    return services.start_acceptance(placed, by=user(school, Role.KEEPER),
                                     warehouse=warehouse or WarehouseFactory(school=school), invoice_number="")


def accepted(school, amount="500.00", *, signers=(Role.KEEPER, Role.TEACHER), **kwargs):
    """An acceptance submitted and signed by two people other than the buyer."""
    made = acceptance(school, amount, **kwargs)
    services.submit_acceptance(made, by=user(school, Role.KEEPER))
    for role in signers:
        services.sign_acceptance(made, by=user(school, role))
    made.refresh_from_db()
    return made


def voucher(school, amount="500.00", *, invoice_number=None, **kwargs):
    made = accepted(school, amount, **kwargs)
    number = invoice_number or f"FP{made.pk:08d}"
    return services.create_voucher(made, by=user(school, Role.BUYER), invoice_number=number,
                                   invoice_date=TODAY(), amount=made.accepted_value)


# --- plain rows for the page and API contracts (one history row each) ---------------------------


class PurchaseRequestFactory(DjangoModelFactory):
    """A draft request with one line, written directly (the contracts count history rows)."""

    class Meta:
        model = "procurement.PurchaseRequest"
        skip_postgeneration_save = True

    school = factory.SubFactory(SchoolFactory)
    number = factory.Sequence(lambda n: f"CG20260901-{n:04d}")
    title = "采购粉笔"
    reason = "教学需要"
    budget_line = "公用经费"
    requested_by = factory.LazyAttribute(lambda o: user(o.school, Role.BUYER))
    amount = Decimal("25.00")

    @factory.post_generation
    def lines(obj, create, extracted, **kwargs):
        from houqin.procurement.models import RequestLine

        RequestLine.objects.create(request=obj, description="粉笔 白色", quantity=Decimal("10"), unit="盒",
                                   unit_price=Decimal("2.50"))


class PurchaseOrderFactory(DjangoModelFactory):
    class Meta:
        model = "procurement.PurchaseOrder"

    school = factory.SubFactory(SchoolFactory)
    number = factory.Sequence(lambda n: f"DD20260901-{n:04d}")
    request = factory.SubFactory(PurchaseRequestFactory, school=factory.SelfAttribute("..school"), status="ordered")
    supplier = factory.SubFactory(SupplierFactory, school=factory.SelfAttribute("..school"))
    buyer = factory.SelfAttribute("request.requested_by")
    amount = Decimal("25.00")


class AcceptanceFactory(DjangoModelFactory):
    class Meta:
        model = "procurement.Acceptance"

    school = factory.SubFactory(SchoolFactory)
    order = factory.SubFactory(PurchaseOrderFactory, school=factory.SelfAttribute("..school"), status="accepting")
    warehouse = factory.SubFactory(WarehouseFactory, school=factory.SelfAttribute("..school"))
    created_by = factory.LazyAttribute(lambda o: user(o.school, Role.KEEPER))


class VoucherFactory(DjangoModelFactory):
    class Meta:
        model = "procurement.Voucher"

    school = factory.SubFactory(SchoolFactory)
    acceptance = factory.SubFactory(AcceptanceFactory, school=factory.SelfAttribute("..school"), status="approved")
    supplier = factory.SelfAttribute("acceptance.order.supplier")
    invoice_number = factory.Sequence(lambda n: f"0440{n:06d}")
    invoice_date = factory.LazyFunction(TODAY)
    amount = Decimal("500.00")
    goods_value = Decimal("500.00")
    created_by = factory.LazyAttribute(lambda o: user(o.school, Role.BUYER))


class RatingFactory(DjangoModelFactory):
    class Meta:
        model = "procurement.Rating"

    school = factory.SubFactory(SchoolFactory)
    order = factory.SubFactory(PurchaseOrderFactory, school=factory.SelfAttribute("..school"), status="accepted")
    supplier = factory.SelfAttribute("order.supplier")
    score = 4
    comment = "送货及时"
    by = factory.LazyAttribute(lambda o: user(o.school, Role.DIRECTOR))
