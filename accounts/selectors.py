from .models import SavedView


def saved_views_of(*, user, list_key: str) -> list[SavedView]:
    """A person's views of one list in one query: their named filters by name, and the row that holds their
    column choice (named SavedView.COLUMNS), if any."""
    return list(SavedView.objects.filter(user=user, list_key=list_key).order_by("name"))
