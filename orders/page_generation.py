"""Each order's page generation: a value in the cache that moves whenever the order or anything that
points at it is written, so a stored rendering of its page (orders/views/page_cache.py) is known stale.
Beside it, one generation for the reference data every order page shows (names of customers, products,
people and units, the delay reasons offered, the working calendar...): a write there makes every stored
page stale. Reference data are every model with bilingual names (orders.models.BilingualNameMixin), the
users and teams, the checklist, and what a stage adds with `watch_reference(model)` in its ready().

`connect()` (from OrdersConfig.ready()) finds the models itself: every model with a foreign key to Order,
from any app, and every model with a foreign key to one of those (a shipment's documents, a plan's
milestones, a case's attachments). The core so stays ignorant of the stages, and a stage's new model is
covered the day it is added. The generation moves at the write and again once the transaction commits:
a page rendered from the old rows while the transaction ran is then stale, not kept.

Bulk writes (QuerySet.update, bulk_create) send no signals, and a move is lost while the cache is down:
what they change shows once the stored rendering times out (settings.PAGE_CACHE_SECONDS), or at once
when they also change the order's stamp (orders.selectors.order_page_stamp).
"""

import time

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.db.models.signals import post_delete, post_save

# Longer than any stored page lives: a generation that expired reads as 0 again, and no page stored
# under 0 before the first write can still be there.
GENERATION_SECONDS = 24 * 3600


REFERENCE_KEY = "orders:page-gen:reference"


def generation_key(order_id: int) -> str:
    return f"orders:page-gen:{order_id}"


def order_written(order_id: int | None) -> None:
    """Mark the order's pages stale, now and once the current transaction (if any) commits."""
    if order_id is not None:
        move(generation_key(order_id))


def move(key: str) -> None:
    """Move the generation at `key` now and again once the current transaction commits; nothing when no
    page is kept (settings.PAGE_CACHE_SECONDS is 0)."""
    if not settings.PAGE_CACHE_SECONDS:
        return
    # time_ns, not an increment: unique without a read, and never reused after an eviction.
    cache.set(key, time.time_ns(), GENERATION_SECONDS)
    transaction.on_commit(lambda: cache.set(key, time.time_ns(), GENERATION_SECONDS))


def reference_written(sender=None, instance=None, update_fields=None, **kwargs) -> None:
    """Mark every kept page stale, now and once the current transaction (if any) commits."""
    if update_fields and set(update_fields) <= {"last_login"}:  # each sign-in saves the user: nothing shown
        return
    move(REFERENCE_KEY)


def watch_reference(model) -> None:
    post_save.connect(reference_written, sender=model, dispatch_uid=f"order-page-ref:{model._meta.label}")
    post_delete.connect(reference_written, sender=model, dispatch_uid=f"order-page-ref:{model._meta.label}:del")


def _on_order(sender, instance, **kwargs) -> None:
    order_written(instance.pk)


def _via(field_name: str, parent_field: str | None = None):
    """A receiver that finds the order id at instance.<field_name>_id, or one step further up through
    the parent at instance.<field_name>.<parent_field>_id."""

    def receiver(sender, instance, **kwargs) -> None:
        if parent_field is None:
            order_written(getattr(instance, f"{field_name}_id"))
            return
        try:
            parent = getattr(instance, field_name)
        except ObjectDoesNotExist:  # the parent is being deleted too; its own signal marks the order
            return
        if parent is not None:
            order_written(getattr(parent, f"{parent_field}_id"))

    return receiver


def _skipped(model) -> bool:
    # django-simple-history's copies are written beside the real rows, which signal already.
    return model.__name__.startswith("Historical")


def connect() -> None:
    from django.contrib.auth import get_user_model

    from accounts.models import Team

    from .models import ChecklistItem, Order
    from .models.master import BilingualNameMixin

    for model in apps.get_models():
        if issubclass(model, BilingualNameMixin) and not _skipped(model):
            watch_reference(model)
    for model in (get_user_model(), Team, ChecklistItem):
        watch_reference(model)

    post_save.connect(_on_order, sender=Order, dispatch_uid="order-page-gen:order")
    post_delete.connect(_on_order, sender=Order, dispatch_uid="order-page-gen:order-del")
    direct: dict[type, str] = {}
    for model in apps.get_models():
        if _skipped(model):
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model is Order:
                direct.setdefault(model, field.name)
    for model, name in direct.items():
        _connect(model, _via(name), f"{model._meta.label}.{name}")
    for model in apps.get_models():
        if _skipped(model) or model in direct:
            continue
        for field in model._meta.concrete_fields:
            if field.is_relation and field.many_to_one and field.related_model in direct:
                _connect(model, _via(field.name, direct[field.related_model]), f"{model._meta.label}.{field.name}")
                break


def _connect(model, receiver, uid: str) -> None:
    # weak=False: the receivers are closures that nothing else holds.
    post_save.connect(receiver, sender=model, weak=False, dispatch_uid=f"order-page-gen:{uid}")
    post_delete.connect(receiver, sender=model, weak=False, dispatch_uid=f"order-page-gen:{uid}:del")
