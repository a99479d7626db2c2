"""Serializers of the core API. School-owned rows take their school from the active school
(a `school` in the payload is ignored), related fields only accept the active school's rows,
and the model's constraints are checked before saving so a conflict is a 400 in Chinese."""

import copy

from django.contrib.auth import authenticate
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django_otp import match_token, user_has_device
from rest_framework import exceptions, serializers
from rest_framework.settings import api_settings

from .. import approvals
from ..choices import Decision
from ..middleware import two_factor_required_anywhere
from ..models import (
    ApprovalRequest,
    Building,
    Campus,
    Certificate,
    Notification,
    Person,
    Room,
    School,
    SchoolClass,
    SignOff,
    Term,
)
from ..rules import sees_staff_contacts
from .base import ActionInput, SchoolScopedSerializer

# --- Authentication ----------------------------------------------------------


class TokenSerializer(serializers.Serializer):
    """Username and password, and the 6-digit code when the user must use two-factor sign-in
    (his school asks it of his role, or he has enrolled a device): then no token is issued
    without it. A wrong name, a wrong password and a deactivated account get the same answer."""

    username = serializers.CharField(label="用户名", write_only=True, max_length=150)
    password = serializers.CharField(label="密码", write_only=True, max_length=128, trim_whitespace=False,
                                     style={"input_type": "password"})
    otp = serializers.RegexField(
        r"^\d{6}$", label="动态验证码", write_only=True, required=False, allow_blank=True,
        help_text="两步验证：学校要求两步验证的角色（校长、总务主任、会计、勤办）及已自行开启两步验证的用户"
                  "须填写验证器 App 上的 6 位数字，否则不发令牌；尚未绑定验证器的须先在网页上开启两步验证",
        error_messages={"invalid": "请输入验证器 App 上的 6 位数字"},
    )
    name = serializers.CharField(label="用途", write_only=True, required=False, allow_blank=True, max_length=100,
                                 help_text="如“仓库扫码枪”，显示在“我的账号”页的令牌列表中")
    token = serializers.CharField(label="令牌", read_only=True,
                                  help_text="只显示这一次；连续 30 天（HOUQIN_TOKEN_IDLE_DAYS）未使用即失效")

    def validate(self, attrs):
        request = self.context["request"]
        # Axes watches the Django request (it counts failures and locks out).
        http_request = getattr(request, "_request", request)
        user = authenticate(http_request, username=attrs["username"], password=attrs["password"])
        if user is None:
            if getattr(http_request, "axes_locked_out", False):
                raise exceptions.Throttled(detail="登录失败次数过多，账号已被暂时锁定，请一小时后再试")
            raise serializers.ValidationError("用户名或密码错误", code="authorization")
        if two_factor_required_anywhere(user):
            self.check_second_factor(user, attrs.get("otp"))
        attrs["user"] = user
        return attrs

    @staticmethod
    def check_second_factor(user, code):
        if not user_has_device(user, confirmed=True):
            raise serializers.ValidationError(
                {"otp": "您的角色须使用两步验证：请先在网页上登录并开启两步验证，再用验证码获取令牌"})
        if not code:
            raise serializers.ValidationError({"otp": "该账号须两步验证，请填写验证器 App 上的 6 位数字"})
        if match_token(user, code) is None:
            raise serializers.ValidationError({"otp": "验证码不正确或已过期"})


# --- School-owned rows ---------------------------------------------------------


class SchoolOwnedSerializer(SchoolScopedSerializer):
    """The base of every writable school-owned serializer: `school` is read-only (set from the
    active school) and the model's unique and check constraints are validated up front."""

    # Read-only here, so a Meta names only its own read-only fields (the docstring above is the
    # schema's description of every serializer without one of its own).
    HOUSEKEEPING = ("school", "created_at", "updated_at")

    def get_extra_kwargs(self):
        extra = super().get_extra_kwargs()
        for name in self.HOUSEKEEPING:
            extra[name] = {**extra.get(name, {}), "read_only": True}
        return extra

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        candidate = copy.copy(self.instance) if self.instance is not None else model()
        for name, value in attrs.items():
            if not isinstance(self.fields.get(name), serializers.ManyRelatedField):  # m2m: no rows on a copy
                setattr(candidate, name, value)
        if getattr(candidate, "school_id", None) is None and self.context.get("school") is not None:
            candidate.school = self.context["school"]
        try:
            candidate.validate_constraints()
        except DjangoValidationError as error:
            detail = serializers.as_serializer_error(error)
            if NON_FIELD_ERRORS in detail:
                detail[api_settings.NON_FIELD_ERRORS_KEY] = detail.pop(NON_FIELD_ERRORS)
            raise serializers.ValidationError(detail)
        return attrs


class SchoolSerializer(serializers.ModelSerializer):
    district_name = serializers.CharField(source="district.name", read_only=True)

    class Meta:
        model = School
        fields = ["id", "code", "name", "district", "district_name", "address", "pupils", "boarding",
                  "principal_threshold", "district_threshold", "capitalisation_threshold",
                  "require_two_factor"]
        read_only_fields = fields


class CampusSerializer(SchoolOwnedSerializer):
    class Meta:
        model = Campus
        fields = ["id", "school", "name", "address", "updated_at"]


class TermSerializer(SchoolOwnedSerializer):
    class Meta:
        model = Term
        fields = ["id", "school", "name", "starts_on", "ends_on", "updated_at"]

    def validate(self, attrs):
        attrs = super().validate(attrs)
        starts = attrs.get("starts_on", getattr(self.instance, "starts_on", None))
        ends = attrs.get("ends_on", getattr(self.instance, "ends_on", None))
        if starts and ends and ends < starts:
            raise serializers.ValidationError({"ends_on": "结束日期不能早于开学日期"})
        return attrs


class BuildingSerializer(SchoolOwnedSerializer):
    campus_name = serializers.CharField(source="campus.name", read_only=True)

    class Meta:
        model = Building
        fields = ["id", "school", "campus", "campus_name", "name", "floors", "updated_at"]


class RoomSerializer(SchoolOwnedSerializer):
    building_name = serializers.CharField(source="building.name", read_only=True)
    responsible_name = serializers.CharField(source="responsible.name", read_only=True, allow_null=True,
                                             default=None)

    class Meta:
        model = Room
        fields = ["id", "school", "building", "building_name", "name", "number", "floor", "kind",
                  "responsible", "responsible_name", "updated_at"]


class SchoolClassSerializer(SchoolOwnedSerializer):
    name = serializers.CharField(source="__str__", read_only=True, help_text="如 六(3)班")
    head_teacher_name = serializers.CharField(source="head_teacher.name", read_only=True, allow_null=True,
                                              default=None)

    class Meta:
        model = SchoolClass
        fields = ["id", "school", "name", "grade", "number", "head_teacher", "head_teacher_name", "room",
                  "pupils", "updated_at"]


class PersonSerializer(SchoolOwnedSerializer):
    class Meta:
        model = Person
        fields = ["id", "school", "name", "gender", "phone", "position", "employment", "user", "active",
                  "updated_at"]
        read_only_fields = ["user"]

    def to_representation(self, instance):
        """The phone number only for who may read it (rules.sees_staff_contacts); else empty."""
        data = super().to_representation(instance)
        request = self.context.get("request")
        if request is not None and not sees_staff_contacts(getattr(request, "roles", ()), request.school):
            data["phone"] = ""
        return data


class CertificateSerializer(SchoolOwnedSerializer):
    person_name = serializers.CharField(source="person.name", read_only=True)
    days_left = serializers.SerializerMethodField(help_text="距到期天数，负数为已过期；无有效期为空")
    state = serializers.ChoiceField(
        choices=[("valid", "有效"), ("expiring", "将到期"), ("expired", "已过期")], read_only=True,
        help_text="30 天内到期为“将到期”",
    )

    class Meta:
        model = Certificate
        fields = ["id", "school", "person", "person_name", "kind", "number", "issuer", "issued_on",
                  "expires_on", "days_left", "state", "updated_at"]

    def get_days_left(self, obj) -> int | None:
        return obj.days_left(self.context.setdefault("today", timezone.localdate()))

    def validate(self, attrs):
        issued = attrs.get("issued_on", getattr(self.instance, "issued_on", None))
        expires = attrs.get("expires_on", getattr(self.instance, "expires_on", None))
        if issued and expires and expires < issued:
            raise serializers.ValidationError({"expires_on": "有效期不能早于发证日期"})
        return super().validate(attrs)


# --- Approvals -------------------------------------------------------------------


class SignOffSerializer(serializers.ModelSerializer):
    user_name = serializers.CharField(source="user.__str__", read_only=True)

    class Meta:
        model = SignOff
        fields = ["id", "step", "step_label", "user", "user_name", "role", "decision", "comment", "signed_at"]
        read_only_fields = fields


class ApprovalStepSerializer(serializers.Serializer):
    label = serializers.CharField(read_only=True)
    roles = serializers.ListField(child=serializers.CharField(), read_only=True)
    signers = serializers.IntegerField(read_only=True)


class ApprovalSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    subject_type = serializers.CharField(source="content_type.model", read_only=True,
                                         help_text="对象类型，如 voucher")
    requested_by_name = serializers.CharField(source="requested_by.__str__", read_only=True)
    steps = ApprovalStepSerializer(many=True, read_only=True)
    current_step = ApprovalStepSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ApprovalRequest
        fields = ["id", "school", "school_name", "policy", "title", "amount", "subject_type", "object_id",
                  "status", "steps", "step", "current_step", "requested_by", "requested_by_name",
                  "created_at", "decided_at"]
        read_only_fields = fields


class ApprovalDetailSerializer(ApprovalSerializer):
    """An approval with its signatures and whether the request user may sign now."""

    signoffs = SignOffSerializer(many=True, read_only=True)
    signing_role = serializers.SerializerMethodField(help_text="您可以何种角色签字；不能签字为空")
    why_not = serializers.SerializerMethodField(help_text="不能签字的原因")

    class Meta(ApprovalSerializer.Meta):
        fields = [*ApprovalSerializer.Meta.fields, "signoffs", "signing_role", "why_not"]
        read_only_fields = fields

    def _signing(self, obj):
        cache = self.context.setdefault("_signing", {})
        if obj.pk not in cache:
            user = self.context["request"].user
            try:
                cache[obj.pk] = (approvals.signing_role(obj, user).value, "")
            except (PermissionDenied, DjangoValidationError) as why:
                cache[obj.pk] = (None, str(why.args[0]) if why.args else "不能签字")
        return cache[obj.pk]

    def get_signing_role(self, obj) -> str | None:
        return self._signing(obj)[0]

    def get_why_not(self, obj) -> str:
        return self._signing(obj)[1]


class SignSerializer(ActionInput):
    decision = serializers.ChoiceField(label="意见", choices=Decision.choices)
    comment = serializers.CharField(label="说明", max_length=500, required=False, allow_blank=True,
                                    default="", help_text="不同意时必填")


# --- Notifications ----------------------------------------------------------------


class NotificationSerializer(serializers.ModelSerializer):
    school_name = serializers.CharField(source="school.name", read_only=True)
    unread = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "school", "school_name", "title", "body", "url", "created_at", "read_at", "unread"]
        read_only_fields = fields

    def get_unread(self, obj) -> bool:
        return obj.read_at is None


class MarkReadSerializer(ActionInput):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=1000,
        help_text="要标为已读的通知编号；不填则全部标为已读",
    )


class MarkReadResultSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="本次标为已读的条数")
    unread = serializers.IntegerField(help_text="剩余未读条数")


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text="未读通知条数")
