"""A hazard sent to maintenance is rectified by its work order's outcome. Maintenance knows
nothing of hazards: this app follows the steps of work orders (core's `step_taken`), inside
the step's transaction, so a verification that rolls back rectifies nothing either."""

from django.dispatch import receiver

from houqin.core.signals import step_taken
from houqin.maintenance.models import WorkOrder

from .services import rectified_by_work_order


@receiver(step_taken, sender=WorkOrder, dispatch_uid="safety.hazard_from_work_order")
def work_order_step(sender, record, **kwargs):
    rectified_by_work_order(record)
