"""What every request asks about its user, cached between requests: the roles held and whether a
confirmed second-factor device exists.

Both used to cost a query on every page (the session, the user, the roles, the device check: four
queries before a page did any work of its own). They change only when someone's groups or devices
change, so they are kept in the cache and dropped by the signals below the moment they do; the
time-out (settings.ACCESS_CACHE_SECONDS) is a backstop, not the freshness rule. A cache that fails
counts as a miss (django-redis, IGNORE_EXCEPTIONS): the page reads the database instead.
"""

from django.conf import settings
from django.core.cache import cache


def _key(user_id: int) -> str:
    return f"access:v1:{user_id}"


def user_access(user) -> dict:
    """{"roles": frozenset of group names, "otp_device": bool}, per request on the user object, across
    requests in the cache."""
    access = getattr(user, "_access_cache", None)
    if access is None:
        access = _cached(user.pk)
        if access is None:
            access = _load(user)
            _remember(user.pk, access)
        user._access_cache = access
    return access


def _cached(user_id: int):
    return cache.get(_key(user_id)) if settings.ACCESS_CACHE_SECONDS else None


def _remember(user_id: int, access: dict) -> None:
    if settings.ACCESS_CACHE_SECONDS:
        cache.set(_key(user_id), access, settings.ACCESS_CACHE_SECONDS)


def _load(user) -> dict:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return {
        "roles": frozenset(user.groups.values_list("name", flat=True)),
        "otp_device": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
    }


def forget_access(*user_ids: int) -> None:
    if user_ids:
        cache.delete_many([_key(pk) for pk in user_ids])


# --- invalidation (connected in AccountsConfig.ready) ---------------------------------------------------


def on_groups_changed(sender, instance, action, reverse, pk_set, **kwargs):
    # A clear has no pk_set: its members are read before they go (pre_clear), everything else after.
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if reverse:  # group.user_set.add(...): instance is the group, pk_set the users
        user_ids = pk_set if pk_set is not None else instance.user_set.values_list("pk", flat=True)
        forget_access(*user_ids)
    else:
        instance.__dict__.pop("_access_cache", None)
        forget_access(instance.pk)


def on_group_saved_or_deleted(sender, instance, **kwargs):
    """A renamed or deleted group changes the roles of all its members (a delete's rows go by cascade,
    without m2m signals): this runs before the delete, while the members are still known."""
    forget_access(*instance.user_set.values_list("pk", flat=True))


def on_device_changed(sender, instance, **kwargs):
    if instance.user_id:
        forget_access(instance.user_id)
