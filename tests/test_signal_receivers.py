"""Every receiver of a model signal, by name: a write never runs code that no line near it mentions.

Caches are dropped or re-keyed by the services that write (docs/caching.md), not by receivers found by
introspection. The few receivers left are listed here; a new one fails this test until it is added to
the list, with its reason, and to docs/caching.md."""

import weakref

from django.apps import apps
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

SIGNALS = {
    "pre_save": pre_save,
    "post_save": post_save,
    "pre_delete": pre_delete,
    "post_delete": post_delete,
    "m2m_changed": m2m_changed,
}

# django-simple-history keeps the field history of the models that declare `history = HistoricalRecords()`.
HISTORY = {
    (signal, model, f"simple_history.models.HistoricalRecords.{signal}")
    for model in (
        "orders.Customer",
        "orders.CustomerContact",
        "orders.Order",
        "orders.OrderLine",
        "calendarfeed.CalendarFeed",
        "notifications.TeamRobot",
    )
    for signal in ("post_save", "pre_delete", "post_delete")
}

EXPECTED = HISTORY | {
    # django-axes keeps its lock-out counters on its own model.
    ("post_save", "axes.AccessAttempt", "axes.signals.handle_post_save_access_attempt"),
    ("post_delete", "axes.AccessAttempt", "axes.signals.handle_post_delete_access_attempt"),
    # accounts.access: each person's roles and second-factor flag, cached. Group membership and devices are
    # written by Django's and django-otp's own admin, forms and views, which no service of ours wraps
    # (connected by name in AccountsConfig.ready).
    ("m2m_changed", "accounts.User_groups", "accounts.access.on_groups_changed"),
    ("post_save", "auth.Group", "accounts.access.on_group_saved_or_deleted"),
    ("pre_delete", "auth.Group", "accounts.access.on_group_saved_or_deleted"),
    ("post_save", "otp_totp.TOTPDevice", "accounts.access.on_device_changed"),
    ("post_delete", "otp_totp.TOTPDevice", "accounts.access.on_device_changed"),
}


def connected() -> set[tuple[str, str, str]]:
    """(signal, sender's label or "any", receiver's dotted name) of every connected receiver. Django has
    no public call that lists receivers: Signal.receivers holds ((receiver id, sender id), reference, ...)."""
    labels = {id(model): model._meta.label for model in apps.get_models(include_auto_created=True)}
    labels[id(None)] = "any"
    found = set()
    for name, signal in SIGNALS.items():
        for entry in signal.receivers:
            lookup_key, reference = entry[0], entry[1]
            receiver = reference() if isinstance(reference, weakref.ReferenceType) else reference
            if receiver is None:  # collected
                continue
            sender = labels.get(lookup_key[1], f"unknown sender {lookup_key[1]}")
            found.add((name, sender, f"{receiver.__module__}.{receiver.__qualname__}"))
    return found


def test_every_model_signal_receiver_is_on_the_list():
    assert connected() == EXPECTED
