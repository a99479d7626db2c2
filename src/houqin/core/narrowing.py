"""Choice narrowing: a dropdown of a form, a filter set or a serializer offers only the rows
the user may see, today the active school's. Done here and nowhere else, so that whatever
else decides what a user may see (row visibility) plugs in at this one place."""

from .tenancy import is_school_owned, scope


def narrow_choices(fields, school):
    """Narrow every school-owned choice among `fields` to the school's rows: a form's
    ModelChoiceField, a filter's queryset, a serializer's related field (and the field inside
    a `many=True` one). Without a school nothing is offered."""
    for field in fields:
        field = getattr(field, "child_relation", field)
        queryset = getattr(field, "queryset", None)
        if queryset is not None and hasattr(queryset, "model") and is_school_owned(queryset.model):
            field.queryset = scope(queryset, school)
