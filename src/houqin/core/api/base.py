"""API base classes: the same tenant scope and role rules as the pages, and the shapes every
app's API takes (viewsets that never delete, action bodies checked by ActionInput)."""

from django.db import transaction
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from ..narrowing import narrow_choices
from ..rules import visible
from ..tenancy import SchoolNotAllowed, activate
from ..validators import no_control_chars


class SchoolScopedViewSetMixin:
    """Activates the school (X-School header, else the user's first school) once DRF has
    authenticated the user, and narrows every queryset to it. Another school's id is a 404.
    Custom actions declare their rule in `action_rules` (see RolePermission), read their
    body with `input()` and answer with `fresh()`. The model is the serializer's."""

    select_related = ()
    prefetch_related = ()
    action_rules = {}

    def __init_subclass__(cls, **kwargs):
        """A viewset names its model once, as its serializer's: the queryset (all rows, which
        get_queryset narrows) follows from it unless the class declares one."""
        super().__init_subclass__(**kwargs)
        meta = getattr(cls.__dict__.get("serializer_class"), "Meta", None)
        if "queryset" not in cls.__dict__ and getattr(meta, "model", None) is not None:
            cls.queryset = meta.model.objects.all()

    def initial(self, request, *args, **kwargs):
        self.perform_authentication(request)
        user = request.user
        if not (user and user.is_authenticated):
            request._request.school, request._request.roles = None, frozenset()
        elif getattr(request._request, "activated_for", None) != user.pk:  # else the session's, as is
            try:
                activate(request._request, user)
            except SchoolNotAllowed:
                raise PermissionDenied("无权访问该学校")
        super().initial(request, *args, **kwargs)

    @property
    def school(self):
        return self.request._request.school

    def get_queryset(self):
        qs = visible(super().get_queryset(), self.request)
        if self.select_related:
            qs = qs.select_related(*self.select_related)
        return qs.prefetch_related(*self.prefetch_related) if self.prefetch_related else qs

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "school": getattr(self.request._request, "school", None)}

    def perform_create(self, serializer):
        serializer.save(school=self.school)

    def fresh(self, obj, code=status.HTTP_200_OK):
        """The row as it reads after an action or a write."""
        return Response(self.as_read(obj), status=code)

    def as_read(self, obj):
        """The row as the list reads it, through get_queryset and its annotations; the row
        itself when the write has taken it out of the caller's sight."""
        row = self.get_queryset().filter(pk=obj.pk).first()
        return self.get_serializer(row or obj).data

    body_first = False  # steps read their body before looking the row up (a bad body: 400 whatever the id)

    def step(self, service, body=None):
        """The usual step: the row, the body checked by `body` (an ActionInput; the empty one by
        default), `service(row, by=the user, **body)`, and the row as it now reads."""
        body = body or ActionInput
        if self.body_first:
            data = self.input(body)
            obj = self.get_object()
        else:
            obj = self.get_object()
            data = self.input(body)
        service(obj, by=self.request.user, **data)
        return self.fresh(obj)

    def input(self, serializer_class):
        """The action's body, validated by its input serializer (an ActionInput)."""
        form = serializer_class(data=self.request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        return form.validated_data


class BodyFirstUpdateMixin:
    """A malformed body (not a JSON object, a field of the wrong type, a row the user may not
    see) is refused (400) before the row is looked up, whatever the id. Only the fields are
    checked first, as they do not depend on the row; the checks across fields run with it.
    Opt-in (maintenance): a body naming another school's rows would otherwise be a 400 where
    the contract wants that school's id to look missing (404)."""

    def update(self, request, *args, **kwargs):
        self.get_serializer(data=request.data, partial=True).to_internal_value(request.data)
        return super().update(request, *args, **kwargs)


class ReadBackMixin:
    """Create and update answer with the row as the list reads it, through get_queryset and
    its annotations (stock on hand, a supplier's rating), not the bare instance just saved:
    the schema has one shape for the row."""

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return self.fresh(serializer.instance, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=kwargs.pop("partial", False))
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return self.fresh(serializer.instance)


class ServiceWriteMixin:
    """Creates through the app's `create_service(obj, by=, **extra)` (and updates through
    `update_service(obj, by=)` when one is declared, else as the serializer saves): the row is
    built from the body with the active school, the service checks, numbers and saves it, in one
    transaction. `service_fields` are body fields the service takes apart from the row (as
    keywords), such as an identity number it reduces before saving."""

    create_service = None
    update_service = None
    service_fields = ()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        extra = {name: data.pop(name) for name in self.service_fields if name in data}
        obj = serializer.Meta.model(school=self.school, **data)
        with transaction.atomic():
            type(self).create_service(obj, by=self.request.user, **extra)
        serializer.instance = obj

    def perform_update(self, serializer):
        if self.update_service is None:
            return super().perform_update(serializer)
        obj = serializer.instance
        for name, value in serializer.validated_data.items():
            setattr(obj, name, value)
        with transaction.atomic():
            type(self).update_service(obj, by=self.request.user)


class SchoolScopedViewSet(SchoolScopedViewSetMixin, ReadBackMixin, viewsets.ModelViewSet):
    pass


class SchoolScopedReadOnlyViewSet(SchoolScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class NoDeleteViewSet(SchoolScopedViewSetMixin, ReadBackMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                      viewsets.ReadOnlyModelViewSet):
    """List, detail, create and update; nothing is ever deleted (the books keep everything)."""


def refuse_control_chars(fields):
    """Every writable text field, list items included, refuses control characters (they break
    the exports later), as the page forms do. A nested serializer is left to its own bases:
    reading its fields here, before it is bound, would narrow its choices without a school."""
    for field in fields.values():
        if field.read_only or isinstance(field, serializers.BaseSerializer):
            continue
        child = getattr(field, "child", None)  # a ListField's item
        if child is not None:
            refuse_control_chars({"item": child})
        elif isinstance(field, serializers.CharField) and no_control_chars not in field.validators:
            field.validators.append(no_control_chars)


class CleanTextMixin:
    """A serializer whose text fields refuse control characters (see refuse_control_chars)."""

    def get_fields(self):
        fields = super().get_fields()
        refuse_control_chars(fields)
        return fields


class NarrowedChoicesMixin:
    """Narrows every related field to the rows the user may see (the active school's), so an
    id of another school is refused as 'does not exist'."""

    def get_fields(self):
        fields = super().get_fields()
        narrow_choices(fields.values(), self.context.get("school"))
        return fields


class SchoolScopedSerializer(CleanTextMixin, NarrowedChoicesMixin, serializers.ModelSerializer):
    pass


class ActionInput(CleanTextMixin, NarrowedChoicesMixin, serializers.Serializer):
    """The body of a custom action. Related fields accept the active school's rows only, and
    fields the action does not take are refused, so a client that believes it is sending
    something learns it is not. Used as it is, it is the body of an action that takes none."""

    def to_internal_value(self, data):
        attrs = super().to_internal_value(data)
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(dict.fromkeys(unknown, "此操作不接受该字段"))
        return attrs
