"""The check-in page's body, kept per merchandiser, view and day while nothing in their worklist changes.

The worklist is the merchandiser's own in-production orders, each with the day's check-in, the last one
done, the plan's ex-factory date and open milestones. Each merchandiser has a generation
(orders.page_generation.move) that moves on every write to those rows: an order (its merchandiser), a
check-in (its merchandiser and its order's), a plan or a milestone (its order's merchandiser), a handover
(both people). The names shown move the reference generation (orders.page_generation). What no signal
marks (the morning job's bulk-created check-ins, the night job's missed marks) shows at most
settings.PAGE_CACHE_SECONDS late.
"""

from django.conf import settings
from django.db.models.signals import post_delete, post_save

from orders.kept_page import KeptPage, viewer_part
from orders.models import Handover, Order
from orders.page_generation import REFERENCE_KEY, move

from .models import CheckIn, PlanMilestone, ProductionPlan


def worklist_key(user_id: int) -> str:
    return f"production:worklist-gen:{user_id}"


def worklist_page(request, *, show: str, per_page: int, page: int) -> KeptPage:
    return KeptPage(
        request,
        key=f"production:checkins:v2:{viewer_part(request)}:{show}:{per_page}:{page}",
        generations=[worklist_key(request.user.pk), REFERENCE_KEY],
        seconds=settings.PAGE_CACHE_SECONDS,
    )


def _moved(*user_ids) -> None:
    for user_id in {u for u in user_ids if u is not None}:
        move(worklist_key(user_id))


def _owners(**order_filter) -> list[int]:
    return list(Order.objects.filter(**order_filter).values_list("merchandiser_id", flat=True))


def _on_order(sender, instance, **kwargs) -> None:
    if settings.PAGE_CACHE_SECONDS:
        _moved(instance.merchandiser_id)


def _on_checkin(sender, instance, **kwargs) -> None:
    # The check-in's merchandiser is who it was made for; after a handover the order's is someone else.
    if settings.PAGE_CACHE_SECONDS:
        _moved(instance.merchandiser_id, *_owners(pk=instance.order_id))


def _on_plan(sender, instance, **kwargs) -> None:
    if settings.PAGE_CACHE_SECONDS:
        _moved(*_owners(pk=instance.order_id))


def _on_milestone(sender, instance, **kwargs) -> None:
    if settings.PAGE_CACHE_SECONDS:
        _moved(*_owners(production_plan__id=instance.plan_id))


def _on_handover(sender, instance, **kwargs) -> None:
    if settings.PAGE_CACHE_SECONDS:
        _moved(instance.from_user_id, instance.to_user_id)


def connect() -> None:
    for model, receiver in (
        (Order, _on_order),
        (CheckIn, _on_checkin),
        (ProductionPlan, _on_plan),
        (PlanMilestone, _on_milestone),
        (Handover, _on_handover),
    ):
        uid = f"production.worklist:{model._meta.label}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid)
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}:del")
