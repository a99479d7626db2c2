"""API viewsets of the core app. Thin: the tenant scope and the role rules come from
api/base.py and core/rules.py, the work from core/services.py and core/approvals.py."""

import django_filters
from django.db.models import Prefetch
from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response

from .. import approvals, filtersets, services, tokens
from ..choices import ApprovalStatus
from ..importers import PersonImporter
from ..models import (
    ApprovalRequest,
    Notification,
    SignOff,
)
from ..rules import VIEW, can
from ..tenancy import schools_for
from . import serializers as s
from .base import SchoolScopedReadOnlyViewSet, SchoolScopedViewSet
from .imports import ImportViewSet
from .throttling import TokenAddressThrottle, TokenUsernameThrottle

# --- Authentication ----------------------------------------------------------


class ObtainTokenView(generics.GenericAPIView):
    """Exchange a username and password — plus the 6-digit code (`otp`) when the user must use
    two-factor sign-in — for a new API token; send it afterwards as `Authorization: Token
    <token>`. The token is shown once; it expires after 30 days without use and is revoked when
    the password changes, the account is deactivated or a role is taken away. Requests are
    limited per client address and per username."""

    serializer_class = s.TokenSerializer
    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [TokenAddressThrottle, TokenUsernameThrottle]
    pagination_class = None

    @extend_schema(summary="获取 API 令牌", auth=[], responses={200: s.TokenSerializer})
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return Response({"token": tokens.issue(data["user"], data.get("name", ""))})


# --- Schools, places and people ------------------------------------------------


class SchoolViewSet(SchoolScopedReadOnlyViewSet):
    """The active school (chosen with the `X-School: <code>` header, else the user's first
    school). `mine` lists every school the user may work in."""

    serializer_class = s.SchoolSerializer
    select_related = ("district",)

    def get_permissions(self):
        if self.action == "mine":
            return [IsAuthenticated()]
        return super().get_permissions()

    @extend_schema(summary="我的学校", responses=s.SchoolSerializer(many=True))
    @action(detail=False)
    def mine(self, request):
        page = self.paginate_queryset(schools_for(request.user).order_by("district__code", "code"))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class CampusViewSet(SchoolScopedViewSet):
    """Campuses (校区) of the active school."""

    serializer_class = s.CampusSerializer
    filterset_class = filtersets.CampusFilterSet


class TermViewSet(SchoolScopedViewSet):
    """Terms (学期) of the active school: the calendar reports and schedules follow."""

    serializer_class = s.TermSerializer
    filterset_class = filtersets.TermFilterSet


class BuildingViewSet(SchoolScopedViewSet):
    """Buildings (楼栋) of the active school."""

    serializer_class = s.BuildingSerializer
    filterset_class = filtersets.BuildingFilterSet
    select_related = ("campus",)


class RoomViewSet(SchoolScopedViewSet):
    """Rooms (房间) of the active school, with the person responsible."""

    serializer_class = s.RoomSerializer
    filterset_class = filtersets.RoomFilterSet
    select_related = ("building",)
    prefetch_related = ("responsible",)  # see RoomListView: a join here slows PostgreSQL at scale


class SchoolClassViewSet(SchoolScopedViewSet):
    """Classes of pupils (班级) of the active school, with head teacher and classroom."""

    serializer_class = s.SchoolClassSerializer
    filterset_class = filtersets.SchoolClassFilterSet
    select_related = ("head_teacher",)


class PersonViewSet(SchoolScopedViewSet):
    """The staff register (教职工) of the active school, contract workers included."""

    serializer_class = s.PersonSerializer
    filterset_class = filtersets.PersonFilterSet


class CertificateViewSet(SchoolScopedViewSet):
    """Certificates (健康证、培训合格证、特种作业证…) of the active school's staff;
    `expiring=true` lists those expired or expiring within 30 days."""

    serializer_class = s.CertificateSerializer
    filterset_class = filtersets.CertificateFilterSet
    select_related = ("person",)


# --- Approvals ---------------------------------------------------------------------


class ApprovalFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(label="状态", choices=ApprovalStatus.choices)
    policy = django_filters.CharFilter(label="审批规则")

    class Meta:
        model = ApprovalRequest
        fields = ["status", "policy"]


def _with_signoffs(queryset):
    return queryset.prefetch_related(Prefetch("signoffs", queryset=SignOff.objects.select_related("user")))


@extend_schema_view(
    list=extend_schema(summary="本校审批"),
    retrieve=extend_schema(summary="审批详情（含签字记录）"),
)
class ApprovalViewSet(SchoolScopedReadOnlyViewSet):
    """Approvals (审批、验收、签字) of the active school; `inbox` lists those the user can sign
    now in any of his schools (a district officer: the schools of his district), and `sign`
    records his signature. Who may sign is the approval policy's business, not the role table."""

    serializer_class = s.ApprovalSerializer
    filterset_class = ApprovalFilterSet
    select_related = ("school", "requested_by", "content_type")

    def get_permissions(self):
        if self.action in ("inbox", "retrieve", "sign"):
            return [IsAuthenticated()]
        return super().get_permissions()

    def get_serializer_class(self):
        if self.action in ("retrieve", "sign"):
            return s.ApprovalDetailSerializer
        return super().get_serializer_class()

    def get_object(self):
        """An approval of the active school, or one waiting in the user's own inbox."""
        try:
            pk = int(self.kwargs[self.lookup_url_kwarg or self.lookup_field])
        except (TypeError, ValueError):
            raise Http404
        found = None
        if can(getattr(self.request, "roles", ()), VIEW, ApprovalRequest):
            found = _with_signoffs(self.get_queryset()).filter(pk=pk).first()
        if found is None:
            inbox = approvals.inbox(self.request.user).select_related("content_type")
            found = _with_signoffs(inbox).filter(pk=pk).first()
        if found is None:
            raise Http404
        self.check_object_permissions(self.request, found)
        return found

    @extend_schema(summary="待我审批", responses=s.ApprovalSerializer(many=True))
    @action(detail=False)
    def inbox(self, request):
        queryset = approvals.inbox(request.user).select_related("content_type").order_by("-created_at")
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(s.ApprovalSerializer(page, many=True).data)

    @extend_schema(summary="签字", request=s.SignSerializer, responses=s.ApprovalDetailSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        approval = self.get_object()
        approvals.sign(approval, by=request.user, **self.input(s.SignSerializer))
        signed = ApprovalRequest.objects.select_related(*self.select_related)
        approval = _with_signoffs(signed).get(pk=approval.pk)
        return Response(self.get_serializer(approval).data)


# --- Notifications -----------------------------------------------------------------


class NotificationFilterSet(django_filters.FilterSet):
    unread = django_filters.BooleanFilter(label="未读", method="filter_unread")

    class Meta:
        model = Notification
        fields = ["unread"]

    def filter_unread(self, queryset, name, value):
        return queryset.filter(read_at__isnull=value)


@extend_schema_view(list=extend_schema(summary="我的通知"), retrieve=extend_schema(summary="通知详情"))
class NotificationViewSet(SchoolScopedReadOnlyViewSet):
    """The request user's own notifications, from any of his schools. `read` marks the given
    ids (or all) read; `unread_count` is the number for the bell."""

    serializer_class = s.NotificationSerializer
    filterset_class = NotificationFilterSet
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        # Not scoped to the active school: a user's notifications follow him across schools.
        return Notification.objects.filter(recipient=self.request.user).select_related("school")

    @extend_schema(summary="标为已读", request=s.MarkReadSerializer, responses=s.MarkReadResultSerializer)
    @action(detail=False, methods=["post"])
    def read(self, request):
        ids = self.input(s.MarkReadSerializer).get("ids")
        mine = self.get_queryset()
        marked = services.mark_read(request.user, None if ids is None else mine.filter(pk__in=ids))
        unread = mine.filter(read_at__isnull=True).count()
        return Response({"marked": marked, "unread": unread}, status=status.HTTP_200_OK)

    @extend_schema(summary="未读条数", responses=s.UnreadCountSerializer, filters=False)
    @action(detail=False, url_path="unread-count")
    def unread_count(self, request):
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})


class PersonImportViewSet(ImportViewSet):
    importer_class = PersonImporter
