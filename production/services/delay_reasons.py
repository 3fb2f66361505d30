"""The delay reasons offered on the order page, edited in the admin."""

from django.db import transaction
from django.db.models import QuerySet

from ..models import DelayReason
from ..selectors import forget_delay_reasons


def delay_reason_save(*, reason: DelayReason) -> DelayReason:
    """Save a new or changed reason (validated by the caller's form) and drop the cached list, so the next
    order page offers it as it now is. The admin's own log records who did it."""
    with transaction.atomic():
        reason.save()
        forget_delay_reasons()  # the cached reasons (production.selectors.delay_reasons_active)
    return reason


def delay_reasons_delete(*, reasons: QuerySet[DelayReason]) -> int:
    """Delete the reasons (one a delay still names is protected) and drop the cached list."""
    with transaction.atomic():
        deleted, _ = reasons.delete()
        forget_delay_reasons()  # the cached reasons (production.selectors.delay_reasons_active)
    return deleted
