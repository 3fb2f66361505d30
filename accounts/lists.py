"""A person's own views of a list (docs/lists.md): the filters they saved by name and the columns they
chose. Domain-free: a list is a key, a django-filter FilterSet and a django-tables2 Table; each list view
asks `personal_list` for the table and hands POSTs to `personal_list_post`.

A saved filter is a query string. It is applied by the link `?view=<id>`, which checks it through the
list's filter again (filters change, and a person may no longer see the owner they saved), then
redirects to the query itself, so paging, sorting and export work as for any filter typed by hand.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tables2 import RequestConfig

from core.errors import DomainError
from core.exports import export_response
from core.params import id_param, table_paginate
from core.views import report_error

from .models import SavedView
from .selectors import saved_views_of
from .services import list_columns_set, saved_view_delete, saved_view_save

# Where a list is in its pages, not what it shows: never saved with a filter.
PAGING_KEYS = ("page", "after", "before", "view")
# What a saved filter may hold besides the filter's own fields.
LIST_KEYS = ("sort", "per_page")


@dataclass(frozen=True)
class ListSpec:
    key: str  # the list's name among a person's saved views ("orders", "cases"...)
    filterset_class: type
    table_class: type
    required: tuple[str, ...] = ()  # columns a person cannot hide: the one that names and links the row
    extra_keys: tuple[str, ...] = ()  # parameters the list reads besides its filter's (a scope...)


@dataclass
class PersonalList:
    spec: ListSpec
    saved: list[SavedView] = field(default_factory=list)
    hidden: tuple[str, ...] = ()
    redirect: HttpResponseRedirect | None = None

    def table(self, data, **kwargs):
        """The list's table with the person's chosen columns: the page and the export both use it."""
        return self.spec.table_class(data, exclude=self.hidden, **kwargs)

    def columns(self) -> list[tuple[str, str, bool, bool]]:
        """Every column as (name, heading, shown, required), for the column chooser."""
        return [
            (column.name, str(column.header), column.name not in self.hidden, column.name in self.spec.required)
            for column in self.spec.table_class([]).columns
        ]


def personal_list(request, spec: ListSpec) -> PersonalList:
    """The person's saved filters and column choice for this list (one query). With ?view=<id>, `redirect`
    is set: to the saved filter when it still fits the list, else back to the list with a message."""
    views = saved_views_of(user=request.user, list_key=spec.key)
    chooser = next((v for v in views if v.name == SavedView.COLUMNS), None)
    known = set(spec.table_class.base_columns) - set(spec.required)
    hidden = tuple(name for name in (chooser.hidden_columns if chooser else []) if name in known)
    result = PersonalList(spec=spec, saved=[v for v in views if v.name != SavedView.COLUMNS], hidden=hidden)
    if "view" in request.GET:
        result.redirect = _apply(request, result, id_param(request.GET["view"]))
    return result


def _apply(request, result: PersonalList, view_id: int | None) -> HttpResponseRedirect:
    view = next((v for v in result.saved if v.pk == view_id), None)
    if view is None:
        messages.warning(request, _("That saved filter no longer exists."))
        return HttpResponseRedirect(request.path)
    problems = filter_problems(request, result.spec, QueryDict(view.query_string))
    if problems:
        messages.warning(
            request,
            _("The saved filter “%(name)s” no longer fits this list (%(problems)s). The list is shown unfiltered.")
            % {"name": view.name, "problems": "; ".join(problems)},
        )
        return HttpResponseRedirect(request.path)
    return HttpResponseRedirect(f"{request.path}?{view.query_string}")


def filter_problems(request, spec: ListSpec, data: QueryDict) -> list[str]:
    """What in a query string the list's filter refuses: unknown parameters and invalid values."""
    filterset = spec.filterset_class(data, request=request)
    allowed = set(filterset.filters) | set(LIST_KEYS) | set(spec.extra_keys)
    problems = [_("“%(name)s” is not a filter here") % {"name": name} for name in data if name not in allowed]
    if not filterset.is_valid():
        for name, errors in filterset.errors.items():
            label = filterset.form.fields[name].label if name in filterset.form.fields else name
            problems.append(f"{label}: {' '.join(str(e) for e in errors)}")
    return problems


def filter_query(data: QueryDict) -> QueryDict:
    """The query string of a list without its place in the pages: what a saved filter keeps."""
    query = data.copy()
    for key in PAGING_KEYS:
        query.pop(key, None)
    for key in [k for k, values in query.lists() if not any(values)]:
        query.pop(key)  # an empty field filters nothing
    return query


def personal_list_post(request, spec: ListSpec) -> HttpResponse:
    """Save the current filter under a name, delete a saved one, or choose the columns; then back to the
    list as it was. `query` is the list's query string as the page was shown."""
    query = filter_query(QueryDict(request.POST.get("query", "")))
    back = HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)
    action = request.POST.get("action")
    try:
        if action == "save":
            problems = filter_problems(request, spec, query)
            if problems:
                messages.error(
                    request, _("This filter cannot be saved: %(problems)s") % {"problems": "; ".join(problems)}
                )
                return back
            saved_view_save(
                user=request.user, list_key=spec.key, name=request.POST.get("name", ""), query_string=query.urlencode()
            )
            messages.success(request, _("Filter saved. It is listed above the list."))
        elif action == "delete":
            view_id = id_param(request.POST.get("view"))
            if view_id is None:
                messages.error(request, _("That saved filter no longer exists."))
                return back
            saved_view_delete(user=request.user, list_key=spec.key, view_id=view_id)
            messages.success(request, _("Saved filter deleted."))
        elif action == "columns":
            shown = set(request.POST.getlist("column"))
            hidden = [name for name in spec.table_class.base_columns if name not in shown and name not in spec.required]
            list_columns_set(user=request.user, list_key=spec.key, hidden=hidden)
            messages.success(request, _("Columns saved."))
        else:  # not a form of the page: nothing to go back to
            return HttpResponseBadRequest(_("Unknown action."))
    except DomainError as error:
        report_error(request, error)
    return back


def list_filter(request, spec: ListSpec, queryset):
    """The list's filter over `queryset`, bound to the query string (an invalid value shows its error on
    the form and filters nothing)."""
    return spec.filterset_class(request.GET or None, queryset=queryset, request=request)


def list_page(request, spec: ListSpec, rows: QuerySet, *, template: str, context=None, per_page: int = 50):
    """A list's whole page: its filter over `rows`, the person's saved filters and columns, 50 rows a page.
    A POST saves or deletes a filter or chooses the columns; ?view=<id> applies a saved filter."""
    if request.method == "POST":
        return personal_list_post(request, spec)
    personal = personal_list(request, spec)
    if personal.redirect:
        return personal.redirect
    filterset = list_filter(request, spec, rows)
    table = personal.table(filterset.qs)
    table_paginate(request, table, per_page=per_page)
    return render(request, template, {"table": table, "filter": filterset, "personal": personal, **(context or {})})


def list_export(request, spec: ListSpec, rows: QuerySet, *, fmt: str, title: str, filename: str) -> HttpResponse:
    """`rows` through the list's filter and sort, as a CSV or XLSX of the columns the person chose, capped at
    ORDER_EXPORT_MAX_ROWS (every list's cap) so one click cannot dump a whole table: past it, back to the
    list with a message."""
    if fmt not in ("csv", "xlsx"):
        raise Http404
    rows = list_filter(request, spec, rows).qs
    limit = settings.ORDER_EXPORT_MAX_ROWS
    if rows[: limit + 1].count() > limit:
        messages.error(request, _("More than %(n)d rows match. Narrow the filter before exporting.") % {"n": limit})
        return HttpResponseRedirect(f"{request.path.rsplit('export', 1)[0]}?{request.GET.urlencode()}")
    table = personal_list(request, spec).table(rows)
    RequestConfig(request, paginate=False).configure(table)  # the list's sort
    return export_response(table, fmt=fmt, title=title, filename=filename)
