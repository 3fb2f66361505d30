"""The T&A table's Update cell (templates/jinja2/production/_milestone_update.html) fetches the milestone
forms when opened (production/_milestone_forms.html); they draw their own fields: the same words as the
forms, labels that name their inputs, and names the view reads."""

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

    url = reverse("production:milestone", args=[order.pk, milestone.pk])
    order_page = client.get(reverse("orders:detail", args=[order.pk]) + "?tab=production").content.decode()
    assert f'hx-get="{url}"' in order_page and f'name="m{milestone.pk}-actual_date"' not in order_page
    html = client.get(url, headers={"HX-Request": "true"}).content.decode()

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


def test_without_javascript_the_update_cell_opens_the_forms_as_a_page(client, merchandiser, other_merchandiser):
    order = in_production_order(merchandiser)
    milestone = order.production_plan.milestones.order_by("sequence").first()
    url = reverse("production:milestone", args=[order.pk, milestone.pk])
    client.force_login(merchandiser)

    page = client.get(url).content.decode()

    assert "<html" in page and f'name="m{milestone.pk}-actual_date"' in page
    assert f'action="{url}"' in page
    client.force_login(other_merchandiser)
    assert client.get(url).status_code == 404
