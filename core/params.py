"""Numbers and dates from a query string, as anyone may type them: a value out of range or not a number
falls back to the page's default rather than reaching the database (an OFFSET or an id past a 64-bit
integer is a database error on SQLite and PostgreSQL alike, a 500)."""

from datetime import date

from django.core.paginator import EmptyPage, PageNotAnInteger
from django_tables2 import RequestConfig
from django_tables2.paginators import LazyPaginator

from .dates import date_rule_error

MAX_PAGE = 1_000_000  # deep enough for any list; past it, narrow the list
MAX_PER_PAGE = 500
MAX_ID = 2**63 - 1  # a bigint primary key


def int_param(raw, *, default: int, low: int, high: int) -> int:
    """`raw` as an integer held within low..high; `default` when it is not an integer at all."""
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return min(max(low, value), high)


def id_param(raw) -> int | None:
    """A row id from the query string, or None when it cannot be one (not a number, < 1, past a bigint)."""
    value = int_param(raw, default=0, low=0, high=MAX_ID + 1)
    return value if 0 < value <= MAX_ID else None


def date_param(raw) -> date | None:
    """An ISO date from the query string that keeps the date rule (core.dates), or None."""
    try:
        value = date.fromisoformat(str(raw))
    except (TypeError, ValueError):
        return None
    return None if date_rule_error(value) else value


def table_paginate(request, table, *, per_page: int, paginator_class=LazyPaginator) -> None:
    """Sort `table` from ?sort= and page it from ?page= and ?per_page=, each held to its bounds; a page past
    the end shows the first. What django-tables2's RequestConfig does, without passing a typed number
    straight to the paginator."""
    RequestConfig(request, paginate=False).configure(table)
    per_page = int_param(request.GET.get(table.prefixed_per_page_field), default=per_page, low=1, high=MAX_PER_PAGE)
    number = int_param(request.GET.get(table.prefixed_page_field), default=1, low=1, high=MAX_PAGE)
    try:
        table.paginate(paginator_class=paginator_class, per_page=per_page, page=number)
    except (EmptyPage, PageNotAnInteger):
        table.paginate(paginator_class=paginator_class, per_page=per_page, page=1)
