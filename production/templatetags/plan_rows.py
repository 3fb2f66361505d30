"""{% milestone_update_cell order m today %}: the T&A table's "Update" cell, written in Python. Two small
forms a milestone, each with its URL and CSRF input, were half of the plan panel's rendering and a tenth
of the first view of an order in production."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()

_ACTUAL = (
    '<form method="post" action="{action}">{csrf}\n'
    '<input type="hidden" name="action" value="actual">\n'
    '<div class="field"><label for="m{pk}-actual">{done_on}</label><input type="date" id="m{pk}-actual" '
    'name="m{pk}-actual_date" value="{actual}" max="{today}" required></div>\n'
    '<button class="btn btn-small btn-primary" type="submit">{record}</button>\n</form>'
)
_REVISE = (
    '<form method="post" action="{action}">{csrf}\n'
    '<input type="hidden" name="action" value="revise">\n'
    '<div class="field"><label for="m{pk}-revised">{new_date}</label><input type="date" id="m{pk}-revised" '
    'name="m{pk}-revised_date" value="{due}" required></div>\n'
    '<div class="field"><label for="m{pk}-reason">{reason}</label><input type="text" id="m{pk}-reason" '
    'name="m{pk}-reason" maxlength="500" required></div>\n'
    '<button class="btn btn-small" type="submit">{revise}</button>\n</form>'
)


@register.simple_tag(takes_context=True)
def milestone_update_cell(context, order, milestone, today):
    """Record the actual date (any milestone) or revise the due date (one not done yet)."""
    token = context.get("csrf_token")
    csrf = format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token) if token else ""
    # What both forms carry: where they post, the CSRF input, the milestone's id in their field names.
    form = {"action": reverse("production:milestone", args=[order.pk, milestone.pk]), "csrf": csrf, "pk": milestone.pk}
    actual = format_html(
        _ACTUAL,
        **form,
        done_on=_("Done on"),
        actual=f"{milestone.actual_date or today:%Y-%m-%d}",
        today=f"{today:%Y-%m-%d}",
        record=_("Record actual"),
    )
    revise = ""
    if not milestone.actual_date:
        revise = format_html(
            _REVISE,
            **form,
            new_date=_("New date"),
            due=f"{milestone.due_date:%Y-%m-%d}",
            reason=_("Reason"),
            revise=_("Revise date"),
        )
    return format_html(
        '<details class="milestone-edit"><summary>{}</summary>\n{}\n{}\n</details>', _("Update"), actual, revise
    )
