"""Append-only ledgers: no update, no delete; a mistake is corrected by a reversing entry.

Guarded three times: the model refuses to save an existing row or delete, the queryset refuses
bulk update/delete, and `AppendOnlyTriggers` (a migration operation) makes the database itself
refuse UPDATE and DELETE on the table, so raw SQL cannot rewrite history either.
"""

from django.conf import settings
from django.db import models
from django.db.migrations.operations.base import Operation

from .signals import step_taken


class LedgerError(Exception):
    """An attempt to change or delete a ledger entry."""

    def __init__(self, message="台帐只能追加：已记账的条目不能修改或删除，请做冲销"):
        super().__init__(message)


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise LedgerError()

    def delete(self):
        raise LedgerError()


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise LedgerError()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise LedgerError()


class Trail(AppendOnlyModel):
    """What happened to a record: each step (`kind`), the status after it, who took it and
    when; append-only. A subclass declares the record's foreign key, named by RECORD, and
    `kind` and `status` with its own choices."""

    RECORD = ""

    school = models.ForeignKey("core.School", models.PROTECT, related_name="+", verbose_name="学校")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
                           verbose_name="经办人", help_text="空表示系统自动")
    note = models.CharField("说明", max_length=500, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{getattr(self, self.RECORD)} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        record = getattr(self, self.RECORD)
        step_taken.send(type(record), record=record, step=self.kind, by=self.by)


class LedgerEntry(AppendOnlyModel):
    """Base of a money or stock ledger. Subclasses list the signed fields in REVERSED_FIELDS."""

    REVERSED_FIELDS: tuple[str, ...] = ()

    reverses = models.OneToOneField(
        "self", models.PROTECT, null=True, blank=True, related_name="reversed_by", verbose_name="冲销的条目"
    )
    created_at = models.DateTimeField("记账时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                   verbose_name="记账人")

    class Meta:
        abstract = True

    def reversal(self, *, by, **overrides):
        """An unsaved entry that cancels this one: same fields, signed fields negated."""
        if self.reverses_id is not None:
            raise LedgerError("冲销条目不能再冲销")
        if type(self).objects.filter(reverses=self).exists():
            raise LedgerError("该条目已冲销")
        skip = {"id", "reverses", "created_at", "created_by"}
        values = {f.attname: getattr(self, f.attname) for f in self._meta.concrete_fields if f.name not in skip}
        for name in self.REVERSED_FIELDS:
            values[name] = -values[name]
        values.update(overrides)
        return type(self)(reverses=self, created_by=by, **values)


class AppendOnlyTriggers(Operation):
    """Migration operation: database triggers that refuse UPDATE and DELETE on a table."""

    reversible = True

    def __init__(self, model_name):
        self.model_name = model_name

    def state_forwards(self, app_label, state):
        pass

    def _table(self, app_label, state):
        return state.apps.get_model(app_label, self.model_name)._meta.db_table

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, to_state)
        for sql in self.forward_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql, params=None)  # no placeholders: keep plpgsql's % as is

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        table = self._table(app_label, from_state)
        for sql in self.backward_sql(schema_editor.connection.vendor, table):
            schema_editor.execute(sql, params=None)

    @staticmethod
    def forward_sql(vendor, table):
        if vendor == "sqlite":
            return [
                f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'append-only ledger: {op} refused'); END"
                for op in ("UPDATE", "DELETE")
            ]
        if vendor == "postgresql":
            return [
                f"CREATE OR REPLACE FUNCTION {table}_append_only() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION 'append-only ledger: % refused', TG_OP; END; $$ LANGUAGE plpgsql",
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()",
            ]
        return []

    @staticmethod
    def backward_sql(vendor, table):
        if vendor == "sqlite":
            return [f"DROP TRIGGER IF EXISTS {table}_no_{op}" for op in ("update", "delete")]
        if vendor == "postgresql":
            return [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}",
                    f"DROP FUNCTION IF EXISTS {table}_append_only()"]
        return []

    def deconstruct(self):
        return (f"{__name__}.{type(self).__qualname__}", [self.model_name], {})

    def describe(self):
        return f"Append-only triggers on {self.model_name}"
