"""The T&A table's Update cell (templates/jinja2/production/_milestone_update.html) draws the milestone
forms' own fields: the same words as the forms, labels that name their inputs, and names the view reads."""

import pytest
from django.urls import reverse
from django.utils import timezone

from ..html_tree import Elements
from .conftest import in_production_order

pytestmark = pytest.mark.django_db


def test_the_update_cell_says_what_the_form_says_and_posts_what_the_view_reads(client, merchandiser):
    order = in_production_order(merchandiser)
    milestone = order.production_plan.milestones.order_by("sequence").first()
    client.force_login(merchandiser)

    html = client.get(reverse("orders:detail", args=[order.pk]) + "?open=production-plan").content.decode()

    page = Elements(html)
    actual = page.find("input", name=f"m{milestone.pk}-actual_date")[0]
    assert actual["max"] == timezone.localdate().isoformat()
    assert page.find("label", **{"for": actual["id"]})
    assert "Actual date" in html and "Done on" not in html
    assert page.find("input", name=f"m{milestone.pk}-revised_date")
    assert page.dangling_references() == []

    # when: the form is posted as drawn
    response = client.post(
        reverse("production:milestone", args=[order.pk, milestone.pk]),
        {"action": "actual", f"m{milestone.pk}-actual_date": timezone.localdate().isoformat()},
    )

    # then
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.actual_date == timezone.localdate()
