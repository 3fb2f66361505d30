"""production/templatetags/plan_rows.py: the T&A table's "Update" cell written in Python gives the markup
the template gave (kept here as the reference), in both languages, for done and open milestones."""

import re
from datetime import date

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import translation

from .conftest import in_production_order

# The cell as production/_panel_plan.html wrote it before it moved to Python.
REFERENCE = """{% load i18n %}<details class="milestone-edit"><summary>{% translate "Update" %}</summary>
<form method="post" action="{% url 'production:milestone' order.pk m.pk %}">{% csrf_token %}
<input type="hidden" name="action" value="actual">
<div class="field"><label for="m{{ m.pk }}-actual">{% translate "Done on" %}</label><input type="date" id="m{{ m.pk }}-actual" name="m{{ m.pk }}-actual_date" value="{{ m.actual_date|default:today|date:'Y-m-d' }}" max="{{ today|date:'Y-m-d' }}" required></div>
<button class="btn btn-small btn-primary" type="submit">{% translate "Record actual" %}</button>
</form>
{% if not m.actual_date %}
<form method="post" action="{% url 'production:milestone' order.pk m.pk %}">{% csrf_token %}
<input type="hidden" name="action" value="revise">
<div class="field"><label for="m{{ m.pk }}-revised">{% translate "New date" %}</label><input type="date" id="m{{ m.pk }}-revised" name="m{{ m.pk }}-revised_date" value="{{ m.due_date|date:'Y-m-d' }}" required></div>
<div class="field"><label for="m{{ m.pk }}-reason">{% translate "Reason" %}</label><input type="text" id="m{{ m.pk }}-reason" name="m{{ m.pk }}-reason" maxlength="500" required></div>
<button class="btn btn-small" type="submit">{% translate "Revise date" %}</button>
</form>
{% endif %}
</details>"""  # noqa: E501

WRITTEN = "{% load plan_rows %}{% milestone_update_cell order m today %}"


def _render(source, request, **context):
    return engines["django"].from_string(source).render(context, request)


def _normalised(html: str) -> str:
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', 'name="csrfmiddlewaretoken" value="T"', html)
    return re.sub(r"\s+", " ", html).replace("> <", "><").strip()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_cell_is_the_templates_markup(merchandiser, language):
    order = in_production_order(merchandiser)
    milestones = list(order.production_plan.milestones.order_by("sequence"))
    milestones[0].actual_date = date(2026, 3, 2)  # one done: it has no revise form
    request = RequestFactory().get("/")
    today = date(2026, 3, 9)

    with translation.override(language):
        for m in milestones[:3]:
            written = _render(WRITTEN, request, order=order, m=m, today=today)
            reference = _render(REFERENCE, request, order=order, m=m, today=today)

            assert _normalised(written) == _normalised(reference)
            assert written.count('name="csrfmiddlewaretoken"') == (1 if m.actual_date else 2)
            assert ('value="revise"' in written) == (not m.actual_date)


def test_the_owner_posts_an_actual_date_through_the_written_form(client, merchandiser):
    order = in_production_order(merchandiser)
    milestone = order.production_plan.milestones.order_by("sequence").first()
    client.force_login(merchandiser)

    page = client.get(f"/orders/{order.pk}/").content.decode()
    actual_form = (
        r'<form method="post" action="([^"]+)"><input type="hidden" name="csrfmiddlewaretoken"[^>]*>\s*'
        rf'<input type="hidden" name="action" value="actual">\s*<div class="field"><label for="m{milestone.pk}-actual"'
    )
    action = re.search(actual_form, page)
    assert action, "the milestone's update form is on the order page"

    done_on = re.search(rf'name="m{milestone.pk}-actual_date" value="([0-9-]+)"', page).group(1)
    client.post(action.group(1), {"action": "actual", f"m{milestone.pk}-actual_date": done_on})

    milestone.refresh_from_db()
    assert milestone.actual_date.isoformat() == done_on
