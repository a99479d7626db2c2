"""Signals other apps follow without importing each other's services.

`step_taken` is sent by every Trail (core.ledger) when a step of a record is written, inside
the step's transaction: a listener's writes roll back with it. Sender: the record's model;
arguments: `record`, `step` (the trail's kind) and `by` (None when the system took it)."""

from django.dispatch import Signal

step_taken = Signal()
