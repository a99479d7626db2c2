"""The tenant boundary. Which schools a user may see, which roles he holds in the active
school, and which school a request works in — decided here and nowhere else."""

from django.db.models import Q

from .choices import Role
from .models import Membership, School

SESSION_KEY = "houqin_school_id"
API_HEADER = "HTTP_X_SCHOOL"  # API clients choose a school with `X-School: <code>`


def schools_for(user):
    """Schools the user belongs to, plus every school of the districts he oversees."""
    if not user.is_authenticated:
        return School.objects.none()
    oversees = Q(district__memberships__user=user, district__memberships__role=Role.DISTRICT_OFFICER)
    return School.objects.filter(Q(memberships__user=user) | oversees).distinct().select_related("district")


def roles_in(user, school):
    """The roles the user holds in this school, as a frozenset of Role."""
    if school is None or not user.is_authenticated:
        return frozenset()
    rows = Membership.objects.filter(Q(school=school) | Q(district_id=school.district_id), user=user)
    return frozenset(Role(r) for r in rows.values_list("role", flat=True))


class SchoolNotAllowed(Exception):
    """The requested school is not one of the user's."""


def activate(request, user):
    """Set request.school and request.roles for this user. The school comes from the API
    header, else the session, else the user's first school. One query reads the user's
    memberships with their schools (a district officer's schools take a second)."""
    held = list(Membership.objects.filter(user=user).select_related("school__district"))
    schools = _schools_of(held)
    request.my_schools = schools  # for the header's switcher
    request.memberships = held  # for the approvals inbox
    code = request.META.get(API_HEADER)
    school = None
    if code:
        school = next((s for s in schools if s.code == code), None)
        if school is None:
            raise SchoolNotAllowed(code)
    elif hasattr(request, "session") and (school_id := request.session.get(SESSION_KEY)):
        school = next((s for s in schools if s.pk == school_id), None)
    if school is None and schools:
        school = schools[0]
    request.school = school
    request.roles = frozenset() if school is None else frozenset(
        Role(m.role) for m in held if m.school_id == school.pk or m.district_id == school.district_id)
    request.activated_for = user.pk  # the API reuses this when its caller is the same user
    return school


def _schools_of(held):
    """schools_for, from memberships already read: the schools held in, and every school of
    the districts overseen, by district and code."""
    found = {m.school_id: m.school for m in held if m.school_id}
    overseen = [m.district_id for m in held if m.district_id and m.role == Role.DISTRICT_OFFICER]
    if overseen:
        found.update((s.pk, s) for s in School.objects.filter(district_id__in=overseen).select_related("district"))
    return sorted(found.values(), key=lambda s: (s.district.code, s.code))


def switch_school(request, school_id):
    """Make another of the user's schools the active one (the header's school switcher)."""
    school = schools_for(request.user).filter(pk=school_id).first()
    if school is None:
        raise SchoolNotAllowed(school_id)
    request.session[SESSION_KEY] = school.pk
    return school


def is_school_owned(model):
    return model is School or any(f.name == "school" for f in model._meta.fields)


def scope(queryset, school):
    """Narrow any queryset to one school's rows: the one place rows are scoped."""
    model = queryset.model
    if model is School:
        return queryset.filter(pk=school.pk if school else None)
    if any(f.name == "school" for f in model._meta.fields):
        return queryset.filter(school=school)
    raise TypeError(f"{model._meta.label} is not school-owned")
