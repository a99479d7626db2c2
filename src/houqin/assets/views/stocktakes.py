"""Pages of the assets app: stocktakes (清查盘点).

The director opens a stocktake for the whole school, some buildings or some rooms; counters
work room by room on a phone (tick a list, enter quantities, scan QR labels); the room's
responsible person signs; closing sends the proposed adjustments to approval. Every rule
lives in `services`; these views only scope, check the rules table and render.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import DetailView
from django.views.generic.edit import FormView

from houqin.core import approvals
from houqin.core.forms import SchoolForm, StyledForm, error_text, service_errors
from houqin.core.models import Building, Room
from houqin.core.money import yuan
from houqin.core.rules import ADD, CHANGE, can, may, visible
from houqin.core.tenancy import scope
from houqin.core.validators import no_control_chars
from houqin.core.views.actions import ObjectActionView
from houqin.core.views.generic import (
    ObjectDeleteView,
    ObjectEditView,
    ObjectListView,
    SchoolScopedMixin,
    crud_urls,
)

from .. import services
from ..choices import LineResult, StocktakeStatus
from ..models import Stocktake, StocktakeLine, StocktakeRoom
from ..rules import KEEPERS, answers_for, own_rooms_only

# --- who may do what in a room ---------------------------------------------------------


def may_count(stocktake_room, request):
    """Roles with change permission on lines; a teacher only in the rooms he answers for."""
    roles = request.roles
    if not can(roles, CHANGE, StocktakeLine):
        return False
    return bool(set(roles) & KEEPERS) or answers_for(stocktake_room.room, request.user)


# --- list, open, edit -----------------------------------------------------------------


class StocktakeListView(ObjectListView):
    model = Stocktake
    columns = ("name", "status", "opened_by", "opened_at", "closed_at")
    select_related = ("opened_by",)


SCOPES = [("school", "全校"), ("buildings", "按楼栋"), ("rooms", "按房间")]


class RoomChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, room):
        return str(room)


class OpenStocktakeForm(StyledForm):
    name = forms.CharField(label="盘点名称", max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": "如：2026年秋季学期期末清查"}))
    scope = forms.ChoiceField(label="盘点范围", choices=SCOPES, initial="rooms", widget=forms.RadioSelect)
    buildings = forms.ModelMultipleChoiceField(label="楼栋", queryset=Building.objects.none(), required=False,
                                               widget=forms.CheckboxSelectMultiple)
    rooms = RoomChoiceField(label="房间", queryset=Room.objects.none(), required=False,
                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.school = school
        self.fields["buildings"].queryset = scope(Building.objects.all(), school)
        self.fields["rooms"].queryset = scope(Room.objects.select_related("building"), school)
        for name in ("scope", "buildings", "rooms"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("scope")
        rooms = scope(Room.objects.all(), self.school)
        if kind == "buildings":
            if not cleaned.get("buildings"):
                self.add_error("buildings", "请选择要盘点的楼栋")
                return cleaned
            rooms = rooms.filter(building__in=cleaned["buildings"])
        elif kind == "rooms":
            if not cleaned.get("rooms"):
                self.add_error("rooms", "请选择要盘点的房间")
                return cleaned
            rooms = cleaned["rooms"]
        cleaned["room_list"] = list(rooms)
        if kind and not cleaned["room_list"]:
            raise ValidationError("所选范围内没有房间")
        return cleaned


class StocktakeAddView(SchoolScopedMixin, FormView):
    model = Stocktake
    action = ADD
    form_class = OpenStocktakeForm
    template_name = "assets/stocktake_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "school": self.request.school}

    def form_valid(self, form):
        with service_errors(form):
            stocktake = services.open_stocktake(self.request.school, by=self.request.user,
                                                name=form.cleaned_data["name"], rooms=form.cleaned_data["room_list"])
        if form.errors:
            return self.form_invalid(form)
        messages.success(self.request, f"已开始盘点：{stocktake}（{len(form.cleaned_data['room_list'])} 个房间）")
        return HttpResponseRedirect(stocktake.get_absolute_url())


class StocktakeNameForm(SchoolForm):
    class Meta:
        model = Stocktake
        fields = ["name"]


class StocktakeEditView(ObjectEditView):
    """Rename a stocktake (the rooms and the expected list are fixed once opened)."""

    model = Stocktake
    form_class = StocktakeNameForm


# --- detail: progress, discrepancies, close --------------------------------------------


class StocktakeDetailView(SchoolScopedMixin, DetailView):
    model = Stocktake
    select_related = ("opened_by",)
    template_name = "assets/stocktake_detail.html"

    def get_context_data(self, **kwargs):
        request, stocktake = self.request, self.object
        rooms = list(services.progress(stocktake).select_related("room__responsible"))
        viewable = None
        if own_rooms_only(request.roles):
            viewable = set(visible(stocktake.rooms.all(), request).values_list("pk", flat=True))
        for row in rooms:
            row.can_open = viewable is None or row.pk in viewable
        total = sum(r.total for r in rooms)
        done = sum(r.done for r in rooms)
        report = []
        value = None
        if stocktake.status != StocktakeStatus.OPEN:
            lines = services.discrepancies(stocktake).order_by("stocktake_room__room__name", "pk")
            if viewable is not None:
                lines = lines.filter(stocktake_room__in=viewable)
            report = list(lines)
            for line in report:
                line.value = services.line_value(line)
            value = services.discrepancy_value(stocktake)
        is_open = stocktake.status == StocktakeStatus.OPEN
        return super().get_context_data(
            rooms=rooms, total=total, done=done, percent=int(done * 100 / total) if total else 100,
            signed=sum(1 for r in rooms if r.signed_at), report=report, report_value=value,
            approval=approvals.latest(stocktake, services.STOCKTAKE_ADJUSTMENT.key) if not is_open else None,
            can_close=is_open and can(request.roles, CHANGE, Stocktake),
            edit_url=reverse("assets:stocktake_edit", args=[stocktake.pk])
            if is_open and can(request.roles, CHANGE, Stocktake) else None,
            **kwargs,
        )


class StocktakeCloseView(ObjectActionView):
    model = Stocktake

    def perform(self, stocktake, data, by):
        approval = services.close_stocktake(stocktake, by=by)
        self.done = "盘点已结束：账实相符，无需调整" if approval is None else \
            f"盘点已结束，差异调整已提交审批（{yuan(approval.amount)} 元）"
        return approval


class StocktakeCancelView(ObjectActionView):
    model = Stocktake
    done = "盘点已取消，资产账未作任何调整"

    def perform(self, stocktake, data, by):
        return services.cancel_stocktake(stocktake, by=by)


# --- counting one room (phone first) ----------------------------------------------------


class RoomScopedMixin(SchoolScopedMixin):
    """A stocktake room that the user may see, found as the rules find rows (visible): another
    school's room, or for a teacher a room he does not answer for, is 404 like any hidden row;
    counting a room he sees without the right is 403."""

    model = StocktakeRoom

    def get_room(self, pk):
        return get_object_or_404(
            visible(StocktakeRoom.objects.all(), self.request).select_related(
                "stocktake", "room__building", "room__responsible", "signed_by"),
            pk=pk,
        )

    def require_count(self, room):
        if not may_count(room, self.request):
            raise PermissionDenied("您无权盘点该房间：教师只能盘点本人负责的房间（所带班级教室）")

    def counting_room(self, pk):
        """The room, once the user may count it."""
        room = self.get_room(pk)
        self.require_count(room)
        return room

    def room_url(self, room):
        return reverse("assets:stocktakeroom_detail", args=[room.pk])

    def room_step(self, room, step, said):
        """Call `step()` (a service): its refusal, or `said(its result)`, as the message; then
        back to the room's page."""
        try:
            result = step()
        except ValidationError as error:
            messages.error(self.request, error_text(error))
        else:
            messages.success(self.request, said(result))
        return HttpResponseRedirect(self.room_url(room))

    def scan(self, room, tag):
        """Count the holding with this tag as found in the room."""
        return self.room_step(room, lambda: services.scan(room.stocktake, tag, by=self.request.user,
                                                          stocktake_room=room),
                              lambda line: f"已盘点：{line.asset}（相符）")


def room_context(room, request, lines=None):
    """What the counting page and its status block need; `lines` when already loaded."""
    if lines is None:
        counts = room.lines.aggregate(total=Count("pk"), pending=Count("pk", filter=Q(result=LineResult.PENDING)))
        total, pending = counts["total"], counts["pending"]
    else:
        total, pending = len(lines), sum(1 for line in lines if line.result == LineResult.PENDING)
    is_open = room.stocktake.status == StocktakeStatus.OPEN and not room.signed_at
    may_sign = is_open and may(request.user, request.roles, "sign", room)
    return {"room": room, "stocktake": room.stocktake, "total": total, "pending": pending, "done": total - pending,
            "is_open": is_open, "editable": is_open and may_count(room, request), "may_sign": may_sign}


class StocktakeRoomView(RoomScopedMixin, DetailView):
    """The counting page: the frozen expected list, ticks and quantities, scan, surplus, sign."""

    template_name = "assets/stocktake_room.html"

    def get_object(self, queryset=None):
        return self.get_room(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        lines = list(self.object.lines.select_related("asset").order_by("asset__tag", "pk"))
        return super().get_context_data(lines=lines, **room_context(self.object, self.request, lines), **kwargs)


class LineForm(forms.Form):
    action = forms.ChoiceField(choices=[("found", ""), ("missing", ""), ("damaged", ""), ("save", "")])
    counted = forms.IntegerField(required=False, min_value=0)
    damaged = forms.IntegerField(required=False, min_value=0)
    note = forms.CharField(required=False, max_length=200, validators=[no_control_chars])


class StocktakeLineCountView(RoomScopedMixin, View):
    """POST one line's count. An HTMX request gets the updated row back, others the page."""

    model = StocktakeLine
    action = CHANGE
    http_method_names = ["post"]

    def post(self, request, pk):
        line = get_object_or_404(scope(StocktakeLine.objects.select_related("asset"), request.school), pk=pk)
        asset = line.asset
        room = self.counting_room(line.stocktake_room_id)
        form = LineForm(request.POST)
        error = None
        if not form.is_valid():
            error = "请填写正确的数量（不能为负数）"
        else:
            data = form.cleaned_data
            counted, damaged = self._quantities(line, data)
            if counted is None:
                error = "请填写实盘数量"
            else:
                try:
                    line = services.count_line(line, by=request.user, counted=counted, damaged=damaged,
                                               note=data["note"] if "note" in request.POST else line.note)
                except ValidationError as why:
                    error = error_text(why)
        line.asset = asset  # the row shows the holding: no query for it
        if request.headers.get("HX-Request"):
            context = room_context(room, request)
            return render(request, "assets/stocktake_line.html", {**context, "line": line, "error": error, "oob": True})
        if error:
            messages.error(request, error)
        return HttpResponseRedirect(f"{self.room_url(room)}#line-{line.pk}")

    @staticmethod
    def _quantities(line, data):
        action = data["action"]
        if action == "found":
            return line.expected, 0
        if action == "missing":
            return 0, 0
        if action == "damaged":
            return max(line.expected, 1), max(line.expected, 1)
        return data["counted"], data["damaged"] or 0


class StocktakeRoomScanView(RoomScopedMixin, View):
    model = StocktakeLine
    action = CHANGE
    http_method_names = ["post"]

    def post(self, request, pk):
        return self.scan(self.counting_room(pk), request.POST.get("tag", ""))


class StocktakeCountAssetView(SchoolScopedMixin, View):
    """POST from an asset's page (reached by scanning its QR label with the phone's camera):
    count the holding as found in the open stocktake that expects it, then show its room."""

    model = StocktakeLine
    action = CHANGE
    http_method_names = ["post"]

    def post(self, request, asset_pk):
        line = (scope(StocktakeLine.objects.all(), request.school)
                .filter(asset_id=asset_pk, stocktake__status=StocktakeStatus.OPEN)
                .select_related("asset").order_by("-pk").first())
        if line is None:
            messages.error(request, "该资产不在进行中的盘点范围内")
            target = request.POST.get("next", "")
            if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
                target = reverse("assets:stocktake_list")
            return HttpResponseRedirect(target)
        view = RoomScopedMixin()
        view.request = request
        return view.scan(view.counting_room(line.stocktake_room_id), line.asset.tag)


class SurplusForm(StyledForm):
    description = forms.CharField(label="物品名称", max_length=100)
    quantity = forms.IntegerField(label="数量", min_value=1, initial=1)
    note = forms.CharField(label="说明", max_length=200, required=False)


class StocktakeRoomSurplusView(RoomScopedMixin, View):
    model = StocktakeLine
    action = ADD
    http_method_names = ["post"]

    def post(self, request, pk):
        room = self.counting_room(pk)
        form = SurplusForm(request.POST)
        if not form.is_valid():
            messages.error(request, "请填写盘盈物品的名称和数量（至少为 1）")
            return HttpResponseRedirect(self.room_url(room))
        data = form.cleaned_data
        return self.room_step(room, lambda: services.add_surplus(room, by=request.user, **data),
                              lambda _line: f"已登记盘盈：{data['description']} ×{data['quantity']}")


class StocktakeRoomSignView(RoomScopedMixin, View):
    """Anyone who may see the room reaches services.sign_room, which asks the rules who signs."""

    http_method_names = ["post"]

    def post(self, request, pk):
        room = self.get_room(pk)
        return self.room_step(room, lambda: services.sign_room(room, by=request.user),
                              lambda _result: f"已签字确认：{room.room}")


class StocktakeDeleteView(ObjectDeleteView):
    model = Stocktake  # the rules allow nobody: a stocktake is kept, closed or cancelled


urlpatterns = [
    *crud_urls(Stocktake, list_view=StocktakeListView, detail_view=StocktakeDetailView,
               edit_view=StocktakeEditView, add_view=StocktakeAddView, delete_view=StocktakeDeleteView,
               prefix="stocktakes"),
    path("stocktakes/<int:pk>/close/", StocktakeCloseView.as_view(), name="stocktake_close"),
    path("stocktakes/<int:pk>/cancel/", StocktakeCancelView.as_view(), name="stocktake_cancel"),
    path("stocktakes/rooms/<int:pk>/", StocktakeRoomView.as_view(), name="stocktakeroom_detail"),
    path("stocktakes/rooms/<int:pk>/scan/", StocktakeRoomScanView.as_view(), name="stocktakeroom_scan"),
    path("stocktakes/rooms/<int:pk>/surplus/", StocktakeRoomSurplusView.as_view(), name="stocktakeroom_surplus"),
    path("stocktakes/rooms/<int:pk>/sign/", StocktakeRoomSignView.as_view(), name="stocktakeroom_sign"),
    path("stocktakes/count-asset/<int:asset_pk>/", StocktakeCountAssetView.as_view(), name="stocktake_count_asset"),
    path("stocktakes/lines/<int:pk>/count/", StocktakeLineCountView.as_view(), name="stocktakeline_count"),
]
