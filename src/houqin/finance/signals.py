"""Finance follows the other apps' steps (core.signals.step_taken) without importing their
services: an audited reimbursement voucher posts itself to the journal."""

from django.dispatch import receiver

from houqin.core.signals import step_taken

from .services import post_voucher


@receiver(step_taken)
def post_audited_voucher(sender, record, step, by, **kwargs):
    if sender._meta.label_lower == "procurement.voucher" and step == "audit":

        post_voucher(record, by=by)
