"""Serializers of the canteen API. Records are created through the services (which check
the rules); the computed fields (passed, off duty, shortfall …) are read-only."""

from rest_framework import serializers

from houqin.core.api.base import ActionInput
from houqin.core.api.serializers import SchoolOwnedSerializer
from houqin.core.models import Person

from ..choices import CHECKLISTS
from ..models import AccompaniedMeal, CanteenWorker, Disinfection, KitchenCheck, Meal, MorningCheck, SampleRecord


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
