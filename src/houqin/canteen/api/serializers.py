"""Serializers of the canteen API. Records are created through the services (which check
the rules); the computed fields (passed, off duty, shortfall …) are read-only."""

from rest_framework import serializers

from houqin.core.api.base import ActionInput
from houqin.core.api.serializers import SchoolOwnedSerializer
from houqin.core.models import Person

from .. import services
from ..choices import CHECKLISTS, MealKind
from ..models import (
    AccompaniedMeal,
    CanteenEntry,
    CanteenSettings,
    CanteenWorker,
    DinerCount,
    Dish,
    DishIngredient,
    Disinfection,
    KitchenCheck,
    Meal,
    MorningCheck,
    SampleRecord,
    WeekMenu,
)


class CanteenWorkerSerializer(SchoolOwnedSerializer):
    name = serializers.CharField(source="person.name", read_only=True)

    class Meta:
        model = CanteenWorker
        fields = ["id", "school", "person", "name", "post", "active", "updated_at"]


class MorningCheckSerializer(SchoolOwnedSerializer):
    name = serializers.CharField(source="worker.person.name", read_only=True)

    class Meta:
        model = MorningCheck
        fields = ["id", "school", "worker", "name", "date", "temperature", "fever", "diarrhea", "hand_wound",
                  "throat", "hygiene_ok", "sent_off", "note", "passed", "off_duty", "reasons", "checked_by",
                  "checked_at", "updated_at"]
        read_only_fields = ["passed", "off_duty", "reasons", "checked_by", "checked_at"]


class TeamRowInput(ActionInput):
    worker = serializers.PrimaryKeyRelatedField(label="从业人员", queryset=CanteenWorker.objects.all())
    temperature = serializers.DecimalField(label="体温", max_digits=4, decimal_places=1)
    fever = serializers.BooleanField(default=False)
    diarrhea = serializers.BooleanField(default=False)
    hand_wound = serializers.BooleanField(default=False)
    throat = serializers.BooleanField(default=False)
    hygiene_ok = serializers.BooleanField(default=True)
    sent_off = serializers.BooleanField(default=False)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class TeamInput(ActionInput):
    date = serializers.DateField(label="日期")
    checks = TeamRowInput(many=True, allow_empty=False)


class MealSerializer(SchoolOwnedSerializer):
    unsampled = serializers.SerializerMethodField(help_text="尚未留样的菜品")

    class Meta:
        model = Meal
        fields = ["id", "school", "date", "kind", "dishes", "unsampled", "updated_at"]

    def get_unsampled(self, meal) -> list[str]:
        return meal.unsampled()


class SampleRecordSerializer(SchoolOwnedSerializer):
    class Meta:
        model = SampleRecord
        fields = ["id", "school", "meal", "dish", "weight_grams", "sampled_at", "container", "cabinet",
                  "cabinet_temperature", "sampled_by", "disposed_at", "disposed_by", "updated_at"]
        read_only_fields = ["disposed_at", "disposed_by"]


class DisposeInput(ActionInput):
    person = serializers.PrimaryKeyRelatedField(label="处置人", queryset=Person.objects.all())


class DisinfectionSerializer(SchoolOwnedSerializer):
    class Meta:
        model = Disinfection
        fields = ["id", "school", "date", "meal", "method", "temperature", "seconds", "chlorine", "items",
                  "done_by", "done_at", "passed", "shortfall", "updated_at"]
        read_only_fields = ["passed", "shortfall"]


class KitchenCheckSerializer(SchoolOwnedSerializer):
    failed_items = serializers.ListField(child=serializers.CharField(max_length=100), required=False,
                                         help_text="不合格的检查项（取自该检查项目的清单）")
    checklist = serializers.SerializerMethodField(help_text="该检查项目的清单")

    class Meta:
        model = KitchenCheck
        fields = ["id", "school", "date", "kind", "checklist", "failed_items", "fridge_temperature",
                  "freezer_temperature", "note", "checked_by", "checked_at", "passed", "updated_at"]
        read_only_fields = ["passed"]

    def get_checklist(self, check) -> list[str]:
        return CHECKLISTS.get(check.kind, [])


class AccompaniedMealSerializer(SchoolOwnedSerializer):
    companion = serializers.CharField(read_only=True)

    class Meta:
        model = AccompaniedMeal
        fields = ["id", "school", "date", "meal", "companion_kind", "person", "companion_name", "companion",
                  "rating", "comments", "response", "responded_by", "responded_at", "updated_at"]
        read_only_fields = ["response", "responded_by", "responded_at"]
        extra_kwargs = {"date": {"required": True}, "meal": {"required": True}}  # a PUT names its meal


class RespondInput(ActionInput):
    response = serializers.CharField(label="处理反馈", max_length=1000)


class BoardEntrySerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    who = serializers.CharField()
    when = serializers.CharField()
    detail = serializers.CharField()
    due = serializers.DateTimeField()


class BoardDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    serving = serializers.BooleanField()
    status = serializers.CharField()
    entries = BoardEntrySerializer(many=True)


class BoardQuery(serializers.Serializer):
    date = serializers.DateField(required=False)
    days = serializers.IntegerField(min_value=1, max_value=31, default=1)


# --- 带量食谱 -------------------------------------------------------------------------------------


class IngredientSerializer(serializers.ModelSerializer):
    item = serializers.PrimaryKeyRelatedField(read_only=True, help_text="同名的库存食品原料（自动关联）")

    class Meta:
        model = DishIngredient
        fields = ["name", "grams", "meat", "item"]


class NestedRowsMixin:
    """Keeps the nested rows (`nested`) out of the constraint check of SchoolOwnedSerializer,
    which sets every attribute on a copy of the row (a reverse relation cannot be set)."""

    # core-gap: SchoolOwnedSerializer.validate could skip nested list serializers itself.
    nested = ()

    def validate(self, attrs):
        held = {name: attrs.pop(name) for name in self.nested if name in attrs}
        return {**super().validate(attrs), **held}


class DishSerializer(NestedRowsMixin, SchoolOwnedSerializer):
    nested = ("ingredients",)
    ingredients = IngredientSerializer(many=True, required=False, help_text="食材及每生用量（克）；写入时整体替换")
    meat_share = serializers.SerializerMethodField(help_text="荤料占每生用量的百分比")

    class Meta:
        model = Dish
        fields = ["id", "school", "name", "kind", "notes", "active", "ingredients", "meat_share", "updated_at"]

    def get_meat_share(self, dish) -> float | None:
        share = services.meat_share(list(dish.ingredients.all()))
        return None if share is None else round(float(share), 1)


class MenuEntrySerializer(serializers.Serializer):
    day = serializers.DateField(label="日期")
    meal = serializers.ChoiceField(label="餐次", choices=MealKind.choices)
    dish = serializers.PrimaryKeyRelatedField(label="菜品", queryset=Dish.objects.all())
    dish_name = serializers.CharField(source="dish.name", read_only=True)


class WeekMenuSerializer(NestedRowsMixin, SchoolOwnedSerializer):
    nested = ("entries",)
    entries = MenuEntrySerializer(many=True, required=False, help_text="每天每餐的菜品；写入时整体替换")
    breaches = serializers.SerializerMethodField(help_text="不符合配餐规则之处（空则符合）")

    class Meta:
        model = WeekMenu
        fields = ["id", "school", "week_start", "status", "note", "copied_from", "submitted_at", "published_at",
                  "entries", "breaches", "updated_at"]
        read_only_fields = ["status", "copied_from", "submitted_at", "published_at"]

    def get_breaches(self, menu) -> list[str]:
        if getattr(self, "_settings", None) is None:  # one read for the page's rows, all of one school
            self._settings = CanteenSettings.of(self.context.get("school") or menu.school)
        return services.menu_breaches(menu, services.menu_meals(menu, menu.entries.all()), self._settings)

    def get_fields(self):
        fields = super().get_fields()
        school = self.context.get("school")
        dish = fields["entries"].child.fields["dish"]
        dish.queryset = Dish.objects.filter(school=school) if school is not None else Dish.objects.none()
        return fields


class CopyInput(ActionInput):
    week_start = serializers.DateField(label="沿用到（该周任一天）")


# --- 就餐人数与食堂账 -------------------------------------------------------------------------------


class DinerCountSerializer(SchoolOwnedSerializer):
    class Meta:
        model = DinerCount
        fields = ["id", "school", "date", "meal", "students", "entitled_students", "staff", "updated_at"]


class CanteenEntrySerializer(SchoolOwnedSerializer):
    class Meta:
        model = CanteenEntry
        fields = ["id", "school", "date", "kind", "fund", "amount", "note", "recorded_by", "updated_at"]
        read_only_fields = ["fund", "recorded_by"]


class MonthQuery(serializers.Serializer):
    month = serializers.DateField(required=False, help_text="该月任一天，默认本月")


class AccountsSerializer(serializers.Serializer):
    month = serializers.DateField()
    last = serializers.DateField()
    fees = serializers.DecimalField(max_digits=14, decimal_places=2)
    other_income = serializers.DecimalField(max_digits=14, decimal_places=2)
    subsidy_food = serializers.DecimalField(max_digits=14, decimal_places=2)
    income = serializers.DecimalField(max_digits=14, decimal_places=2)
    ingredients = serializers.DecimalField(max_digits=14, decimal_places=2)
    labour = serializers.DecimalField(max_digits=14, decimal_places=2)
    fuel = serializers.DecimalField(max_digits=14, decimal_places=2)
    other_cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    costs = serializers.DecimalField(max_digits=14, decimal_places=2)
    surplus = serializers.DecimalField(max_digits=14, decimal_places=2)
    carried_in = serializers.DecimalField(max_digits=14, decimal_places=2)
    balance = serializers.DecimalField(max_digits=14, decimal_places=2)
    meals = serializers.IntegerField()
    student_meals = serializers.IntegerField()
    staff_meals = serializers.IntegerField()
    entitled_days = serializers.IntegerField()
    cost_per_meal = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    margin = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    margin_line = serializers.DecimalField(max_digits=5, decimal_places=2)
    over_margin = serializers.BooleanField()
    subsidy_opening = serializers.DecimalField(max_digits=14, decimal_places=2)
    subsidy_in = serializers.DecimalField(max_digits=14, decimal_places=2)
    subsidy_closing = serializers.DecimalField(max_digits=14, decimal_places=2)
    subsidy_ceiling = serializers.DecimalField(max_digits=14, decimal_places=2)
