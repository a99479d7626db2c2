"""API base classes: the same tenant scope and role rules as the pages."""

from rest_framework import serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from ..rules import visible
from ..tenancy import SchoolNotAllowed, activate, scope


class SchoolScopedViewSetMixin:
    """Activates the school (X-School header, else the user's first school) once DRF has
    authenticated the user, and narrows every queryset to it. Another school's id is a 404."""

    select_related = ()
    prefetch_related = ()

    def initial(self, request, *args, **kwargs):
        self.perform_authentication(request)
        request._request.school, request._request.roles = None, frozenset()
        if request.user and request.user.is_authenticated:
            try:
                activate(request._request, request.user)
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


class SchoolScopedViewSet(SchoolScopedViewSetMixin, viewsets.ModelViewSet):
    pass


class SchoolScopedReadOnlyViewSet(SchoolScopedViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


class SchoolScopedSerializer(serializers.ModelSerializer):
    """Narrows every related field to the active school's rows, so an id of another school
    is refused as 'does not exist'."""

    def get_fields(self):
        fields = super().get_fields()
        school = self.context.get("school")
        for field in fields.values():
            qs = getattr(field, "queryset", None)
            if qs is not None and any(f.name == "school" for f in qs.model._meta.fields):
                field.queryset = scope(qs, school)
        return fields
