"""A hazard sent to maintenance is rectified by its work order's outcome. Maintenance knows
nothing of hazards: this app listens to its work orders being saved, inside the same
transaction, so a verification that rolls back rectifies nothing either."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from houqin.maintenance.models import WorkOrder


@receiver(post_save, sender=WorkOrder, dispatch_uid="safety.hazard_from_work_order")
def work_order_saved(sender, instance, **kwargs):
    # core-gap: core has no "a step was taken" event that apps can follow; a post_save of
    # another app's model stands in for it.
    from .services import rectified_by_work_order

    rectified_by_work_order(instance)
