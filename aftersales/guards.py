"""What after-sales demands before the order closes. Registered in AftersalesConfig.ready()."""

from django.utils.translation import ngettext

from .selectors import open_case_count


def guard_close(order, **context) -> str | None:
    """`close` needs every after-sales case of the order closed."""
    count = open_case_count(order=order)
    if not count:
        return None
    return ngettext(
        "%(n)d after-sales case is not closed yet.",
        "%(n)d after-sales cases are not closed yet.",
        count,
    ) % {"n": count}
