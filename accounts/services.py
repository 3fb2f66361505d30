from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import InvalidInput

from .models import Heartbeat, SavedView, User

SAVED_VIEWS_PER_LIST = 20  # named filters a person keeps per list: links above the list, not a library


def heartbeat_record(*, name: str) -> None:
    Heartbeat.objects.update_or_create(name=name, defaults={"last_run": timezone.now()})


def user_set_language(*, user: User, language: str) -> None:
    user.preferred_language = language
    user.save(update_fields=["preferred_language"])


def saved_view_save(*, user: User, list_key: str, name: str, query_string: str) -> SavedView:
    """Saves a person's named filter of a list, replacing the one of the same name. The caller has checked
    `query_string` against the list's filter; it is checked again whenever the filter is applied."""
    name = " ".join(name.split())
    if not name:
        raise InvalidInput(_("Give the filter a name."))
    if len(name) > SavedView._meta.get_field("name").max_length:
        raise InvalidInput(_("The name is too long."))
    if len(query_string) > SavedView._meta.get_field("query_string").max_length:
        raise InvalidInput(_("This filter is too long to save."))
    with transaction.atomic():
        # The person's row is the lock: two saves at once cannot both pass the cap.
        User.objects.select_for_update().filter(pk=user.pk).exists()
        named = SavedView.objects.filter(user=user, list_key=list_key).exclude(name=SavedView.COLUMNS)
        if not named.filter(name=name).exists() and named.count() >= SAVED_VIEWS_PER_LIST:
            raise InvalidInput(
                _("You have %(n)d saved filters on this list. Delete one first.") % {"n": SAVED_VIEWS_PER_LIST}
            )
        view, _created = SavedView.objects.update_or_create(
            user=user, list_key=list_key, name=name, defaults={"query_string": query_string}
        )
    return view


def saved_view_delete(*, user: User, list_key: str, view_id: int) -> None:
    """Deletes one of the person's own named filters; someone else's, or one already gone, is refused."""
    with transaction.atomic():
        deleted, _rows = (
            SavedView.objects.filter(user=user, list_key=list_key, pk=view_id).exclude(name=SavedView.COLUMNS).delete()
        )
    if not deleted:
        raise InvalidInput(_("That saved filter no longer exists."))


def list_columns_set(*, user: User, list_key: str, hidden: list[str]) -> None:
    """Remembers the columns a person hides on a list (the caller keeps required columns out of `hidden`)."""
    with transaction.atomic():
        SavedView.objects.update_or_create(
            user=user, list_key=list_key, name=SavedView.COLUMNS, defaults={"hidden_columns": sorted(set(hidden))}
        )
