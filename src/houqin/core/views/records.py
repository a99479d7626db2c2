"""The record page: what a person opening one record needs, in that order — its name and
status, the actions he may take now (primary first, their forms open at the top), its
photos inline, its timeline, then only the fields that have a value, grouped.

A detail view adds `RecordPageMixin` before `ObjectDetailView` and declares:

    class HazardDetailView(RecordPageMixin, ObjectDetailView):
        model = Hazard
        template_name = "safety/hazard_detail.html"    # {% extends "core/record.html" %}
        field_groups = (("发现", ("place", "found_at", "reported_by")), ("整改", ("due_on", "fixed_at")))
        record_actions = (RecordAction("fix", "登记整改", "safety:hazard_fix", primary=True),
                          RecordAction("cancel", "撤销", "safety:hazard_cancel", confirm="确定撤销？"))

and puts the forms the viewer may use now in the context as `action_forms` ({name: form or
None}); an action without a form is not shown. Events for the timeline come as `events`
(rows with at / by / note and get_kind_display), or from `timeline()`.
"""

from dataclasses import dataclass

from django.urls import reverse

from ..choices import AttachmentKind
from ..templatetags.houqin import cell

EMPTY = (None, "", "—")


@dataclass(frozen=True)
class RecordAction:
    """One step a viewer may take on the record, posting `form` to `url_name` (with the pk)."""

    name: str
    title: str
    url_name: str
    button: str = ""
    primary: bool = False
    confirm: str = ""


@dataclass(frozen=True)
class Entry:
    """One line of the timeline."""

    at: object
    title: str
    by: object = None
    note: str = ""


@dataclass(frozen=True)
class ShownAction:
    action: RecordAction
    form: object
    url: str


class RecordPageMixin:
    status_field = "status"
    field_groups = None  # ((title, (field, ...)), ...); None: one group of the view's fields
    record_actions = ()
    # Fields hidden when false or zero as well as when empty (a flag that is off, a count of 0).
    quiet_fields = ()

    def record_status(self, obj, badge=None):
        """(label, badge colour) of the record's status, or None when it has none. The colour
        is the model's `status_badge` (StatusChoices models have it) or the view's."""
        field = self.status_field
        if not field or not hasattr(obj, f"get_{field}_display"):
            return None
        badge = getattr(obj, f"{field}_badge", None) or badge or "secondary"
        return getattr(obj, f"get_{field}_display")(), badge

    def record_groups(self, obj):
        """[(title, [(label, value)])] of the fields with a value; empty groups dropped."""
        groups = self.field_groups or (("", self.fields or [f.name for f in obj._meta.concrete_fields
                                                              if f.name not in self.HIDDEN]),)
        shown = []
        for title, names in groups:
            rows = [(label, value) for label, value, raw in (self._field(obj, n) for n in names)
                    if raw not in EMPTY and value not in EMPTY]
            if rows:
                shown.append((title, rows))
        return shown

    def _field(self, obj, name):
        field = obj._meta.get_field(name)
        raw = getattr(obj, field.name)
        if name in self.quiet_fields and not raw:
            raw = None
        return field.verbose_name, cell(obj, name), raw

    def shown_actions(self, obj, forms):
        """The actions whose form the viewer has, the primary ones first."""
        shown = [ShownAction(a, forms[a.name], reverse(a.url_name, args=[obj.pk]))
                 for a in self.record_actions if forms.get(a.name) is not None]
        return sorted(shown, key=lambda s: not s.action.primary)

    def timeline(self, events):
        return [Entry(e.at, e.get_kind_display(), getattr(e, "by", None), getattr(e, "note", "")) for e in events]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        attachments = list(context.get("attachments", ()))
        photos = [a for a in attachments if a.kind == AttachmentKind.PHOTO and a.mime.startswith("image/")]
        actions = self.shown_actions(obj, context.get("action_forms") or {})
        context.update(
            record_status=self.record_status(obj, context.get("status_badge")),
            record_groups=self.record_groups(obj),
            primary_actions=[a for a in actions if a.action.primary],
            other_actions=[a for a in actions if not a.action.primary],
            photos=photos,
            attachments=[a for a in attachments if a not in photos],
            timeline=self.timeline(context.get("events", ())),
        )
        return context
