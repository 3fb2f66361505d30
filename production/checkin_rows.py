"""The check-in page's rows as HTML, written in Python: one form per in-production order.

A page holds 25 to 100 rows of six fields each. Drawn by templates, each row's form cost about 150
widget, option and attribute templates, most of the page's time. Here each row is written with the
standard library's html.escape, and what every row repeats (the words, the links' pattern, the form's
translated labels and choices) is worked out once a page. The page and the htmx answer to a save share
this one writer, so a row looks the same however it arrived.

The form stays the source of truth: each field's value (what was typed, when a form comes back invalid),
its errors and its attributes (required, maxlength, min and max, inputmode, aria-invalid...) are read
from the bound field and its widget, as Django's widget templates would read them. A widget not written
out here is drawn by Django, correct but slower.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from html import escape

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.forms import BoundField
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from orders.hooks import related_or_none
from orders.views.order_rows import flag_spans, flags_html

from .models import CheckInStatus
from .selectors import WorkRow

_ROW = """<form class="checkin card{state_class}" id="checkin-{pk}" data-status="{status}" method="post" \
action="{save_url}" hx-post="{save_url}" hx-target="this" hx-swap="outerHTML" aria-labelledby="checkin-title-{pk}">\
{hidden}
  <header class="checkin-head">
    <h2 id="checkin-title-{pk}"><a href="{order_url}">{number}</a> <small>{customer}</small></h2>
    <span class="badge checkin-{status}">{status_label}</span>{flags}{saved}
  </header>
  <p class="checkin-meta">
    {meta}
  </p>
  {form_errors}<div class="checkin-fields">
{fields}
    <div class="checkin-actions"><button class="btn btn-primary" type="submit">{button}</button></div>
  </div>
</form>"""
_MILESTONE_STATUSES = (  # as production/_milestone_status.html shows them
    ("done", _("Done")),
    ("late", _("Late")),
    ("at_risk", _("At risk")),
    ("on_track", _("On track")),
)
_STATE_CLASSES = {CheckInStatus.DONE: " is-done", CheckInStatus.MISSED: " is-missed"}
_PLACEHOLDER = 987654321987  # reverse() once a page, not twice a row


class _Page:
    """What every row of one answer repeats: its words in the request's language, the links' pattern and
    the hidden inputs, worked out once."""

    def __init__(self, *, csrf_token: str, back: str, saved_at: datetime | None):
        self.checkin_status = {value: escape(str(label)) for value, label in CheckInStatus.choices}
        self.to_do = escape(gettext("To do"))
        self.save, self.update = escape(gettext("Save")), escape(gettext("Update"))
        self.ex_factory = escape(gettext("Ex-factory"))
        self.next_milestone = escape(pgettext("milestone", "Next"))
        self.order_quantity = escape(gettext("Order quantity"))
        self.flags = flag_spans()
        self.milestone_status = {
            status: f'<span class="ms ms-{status}">{escape(str(label))}</span>' for status, label in _MILESTONE_STATUSES
        }
        self.saved = (
            f'<span class="checkin-saved" role="status">{escape(gettext("Saved"))} {saved_at:%H:%M}</span>'
            if saved_at
            else ""
        )
        self.hidden = f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(csrf_token)}">' + (
            f'<input type="hidden" name="back" value="{escape(back)}">' if back else ""
        )
        save = reverse("production:checkin_save", args=[_PLACEHOLDER])
        order = reverse("orders:detail", args=[_PLACEHOLDER])
        self.save_url = escape(save).partition(str(_PLACEHOLDER))[::2]
        self.order_url = escape(order).partition(str(_PLACEHOLDER))[::2]
        self._lazy: dict[int, tuple[Promise, str]] = {}
        self._layouts: dict[str, _FieldLayout] = {}

    def text(self, value) -> str:
        """A label, escaped. The forms' labels and choices are lazy translations shared by every row's form
        (fields copy them by reference), so each is translated once a page, not once a row."""
        if not isinstance(value, Promise):
            return escape(str(value))
        # By identity, as a lazy string hashes by translating itself; kept, so that its id is not reused.
        known = self._lazy.get(id(value))
        if known is None:
            known = self._lazy[id(value)] = (value, escape(str(value)))
        return known[1]

    def field_layout(self, field: BoundField) -> "_FieldLayout":
        layout = self._layouts.get(field.name)
        if layout is None or not layout.fits(field):
            layout = self._layouts[field.name] = _FieldLayout(field, self)
        return layout


def checkin_rows_html(
    rows: Iterable[tuple[WorkRow, forms.Form]], *, csrf_token: str, back: str = "", saved_at: datetime | None = None
) -> SafeString:
    """Each work row with its form (bound or not), as the page lists them and as an htmx save answers.
    `back` is the list's query string, which a save returns to; `saved_at` marks a row just saved."""
    page = _Page(csrf_token=csrf_token, back=back, saved_at=saved_at)
    return mark_safe("\n".join(_row_html(row, form, page) for row, form in rows))  # noqa: S308 - escaped throughout


def checkin_counts_oob_html(counts: dict) -> SafeString:
    """After an htmx save: the page's counters (production/checkins.html), swapped in by id."""
    done, todo = int(counts["done"]), int(counts["todo"])
    return mark_safe(  # noqa: S308 - two integers
        f'\n<strong id="checkin-done-count" hx-swap-oob="true">{done}</strong>'
        f'\n<span id="checkin-count-todo" hx-swap-oob="true">{todo}</span>'
        f'\n<span id="checkin-count-done" hx-swap-oob="true">{done}</span>'
    )


def _row_html(row: WorkRow, form: forms.Form, page: _Page) -> str:
    order, checkin = row.order, row.checkin
    status = (checkin.status if checkin else "") or CheckInStatus.PENDING.value
    pk = order.pk
    return _ROW.format(
        state_class=_STATE_CLASSES.get(status, ""),
        pk=pk,
        status=escape(status),
        save_url=f"{page.save_url[0]}{pk}{page.save_url[1]}",
        order_url=f"{page.order_url[0]}{pk}{page.order_url[1]}",
        hidden=page.hidden,
        number=escape(order.display_number),
        customer=escape(str(order.customer)),
        status_label=(page.checkin_status.get(status) or escape(status)) if checkin else page.to_do,
        flags=flags_html(order, page.flags),
        saved=page.saved,
        meta="\n    ".join(_meta_parts(row, page)),
        form_errors=_form_errors_html(form),
        fields="\n".join(_field_html(form, name, page) for name in form.fields),
        button=page.update if status == CheckInStatus.DONE else page.save,
    )


def _meta_parts(row: WorkRow, page: _Page) -> Iterable[str]:
    order = row.order
    if run := related_or_none(order, "production_run"):
        yield f"<span>{escape(run.factory)} · {escape(run.line)} · {escape(run.work_order_ref)}</span>"
    if plan := related_or_none(order, "production_plan"):
        yield f"<span>{page.ex_factory} {_formatted(plan.ex_factory_date, '%Y-%m-%d')}</span>"
    if milestone := row.next_milestone:
        due = _formatted(milestone.due_date, "%m-%d")
        status = page.milestone_status.get(row.next_status, "")
        yield f"<span>{page.next_milestone}: {escape(milestone.name)} {due} {status}</span>"
    if order.total_quantity:
        yield f"<span>{page.order_quantity} {_whole_number(order.total_quantity)}</span>"


def _formatted(day: date | None, pattern: str) -> str:
    """A date as the template's date filter showed it: ISO digits in either language, nothing for none."""
    return day.strftime(pattern) if day else ""


def _whole_number(quantity) -> str:
    """As the floatformat:"0" filter: rounded half up, without a thousands separator (none is configured)."""
    return str(Decimal(str(quantity)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _form_errors_html(form: forms.Form) -> str:
    errors = form.errors.get(NON_FIELD_ERRORS)
    if not errors:
        return ""
    return f'<div class="form-errors" role="alert">{"".join(f"<p>{escape(str(e))}</p>" for e in errors)}</div>'


# --- the fields, as Django's widget templates draw them ------------------------------------------------
class _FieldLayout:
    """What a field draws alike in every row: its CSS classes, its label and its widget's own attributes
    (maxlength, min, max, inputmode, rows...). The rows' forms share their field definitions, so this is
    worked out once a page; a field that differs in some row's form gets a layout of its own."""

    def __init__(self, field: BoundField, page: _Page):
        definition, widget = field.field, field.field.widget
        self.definition = (definition.label, definition.required, type(widget), dict(widget.attrs))
        self.classes = f"field field-{escape(field.name)}"
        self.required_class = " required" if definition.required else ""
        self.label = page.text(field.label)
        self.widget_attrs = _attrs_html(widget.attrs)
        # Attributes that Django adds (required...) already among the widget's own: Django draws that one.
        self.write = None if _ADDED_BY_DJANGO & widget.attrs.keys() else _WIDGET_WRITERS.get(type(widget))

    def fits(self, field: BoundField) -> bool:
        label, required, widget_type, widget_attrs = self.definition
        widget = field.field.widget
        return (
            field.field.label is label  # identity: comparing lazy strings would translate them
            and field.field.required == required
            and type(widget) is widget_type
            and widget.attrs == widget_attrs
        )


def _field_html(form: forms.Form, name: str, page: _Page) -> str:
    field = form[name]
    layout = page.field_layout(field)
    errors = form.errors.get(name)
    auto_id = field.auto_id
    attrs = f"{layout.widget_attrs}{_added_attrs(field, errors, auto_id)}" if layout.write else ""
    written = layout.write(field, attrs, page) if layout.write else None
    widget = str(field) if written is None else written  # not written here: Django draws it
    classes = f"{layout.classes}{' has-error' if errors else ''}{layout.required_class}"
    label_for = escape(field.id_for_label or "")
    return f"""<div class="{classes}">
  <label for="{label_for}">{layout.label}</label>{widget}
  {_errors_html(errors, auto_id)}
</div>"""


def _added_attrs(field: BoundField, errors, auto_id: str) -> str:
    """The attributes Django adds to the widget's own, in its order: BoundField.build_widget_attrs() adds
    required, disabled, aria-invalid and aria-describedby (help text, errors); as_widget() the id."""
    definition, widget = field.field, field.field.widget
    html = ""
    if definition.required and field.form.use_required_attribute and widget.use_required_attribute(field.initial):
        html += " required"
    if definition.disabled:
        html += " disabled"
    if errors and not widget.is_hidden:
        html += ' aria-invalid="true"'
    if auto_id and not widget.is_hidden and not field.use_fieldset and not widget.attrs.get("aria-describedby"):
        described = [f"{auto_id}_helptext"] if field.help_text else []
        if errors:
            described.append(f"{auto_id}_error")
        if described:
            html += f' aria-describedby="{escape(" ".join(described))}"'
    if auto_id and "id" not in widget.attrs:
        html += f' id="{escape(auto_id)}"'
    return html


def _errors_html(errors, auto_id: str) -> str:
    if not errors:
        return ""
    # The first message carries the id that the input's aria-describedby names, for screen readers.
    first_id = f' id="{escape(auto_id)}_error"' if auto_id else ""
    return "".join(
        f'<p class="field-error"{first_id if index == 0 else ""} role="alert">{escape(str(error))}</p>'
        for index, error in enumerate(errors)
    )


def _attrs_html(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: True is a bare attribute, False none at all."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input_html(field: BoundField, attrs: str, page: _Page) -> str:
    widget = field.field.widget
    if field.field.localize:
        widget.is_localized = True  # as as_widget() does
    shown = widget.format_value(field.value())
    value = "" if shown is None else f' value="{escape(str(shown))}"'
    return f'<input type="{widget.input_type}" name="{escape(field.html_name)}"{value}{attrs}>'


def _textarea_html(field: BoundField, attrs: str, page: _Page) -> str:
    shown = field.field.widget.format_value(field.value())
    return f'<textarea name="{escape(field.html_name)}"{attrs}>\n{escape(str(shown)) if shown else ""}</textarea>'


def _select_html(field: BoundField, attrs: str, page: _Page) -> str | None:
    widget = field.field.widget
    chosen = set(widget.format_value(field.value()))
    options, selected_one = [], False
    for option_value, label in widget.choices:
        if isinstance(label, list | tuple):
            return None  # grouped choices: Django draws those
        option = "" if option_value is None else str(option_value)
        selected = not selected_one and option in chosen  # one selected, the first match, as Select does
        selected_one |= selected
        selected_attr = " selected" if selected else ""
        options.append(f'\n  <option value="{escape(option)}"{selected_attr}>{page.text(label)}</option>')
    return f'<select name="{escape(field.html_name)}"{attrs}>{"".join(options)}\n</select>'


_ADDED_BY_DJANGO = frozenset({"required", "disabled", "aria-invalid"})
_WIDGET_WRITERS: dict[type, Callable[[BoundField, str, _Page], str | None]] = {
    forms.TextInput: _input_html,
    forms.NumberInput: _input_html,
    forms.EmailInput: _input_html,
    forms.URLInput: _input_html,
    forms.DateInput: _input_html,
    forms.Textarea: _textarea_html,
    forms.Select: _select_html,
}
