"""The check-in rows (templates/jinja2/production/_checkin_rows.html): each form draws its own fields, so
labels, help text, errors and aria-describedby are Django's; every value is escaped; the page and the htmx
answer to a save are the same template."""

import pytest
from django.urls import reverse

from orders.models import Customer
from production.forms import CheckInForm

from ..html_tree import Elements
from .conftest import in_production_order

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def post_row(client, order, **fields):
    data = {f"o{order.pk}-{name}": value for name, value in fields.items()}
    return client.post(reverse("production:checkin_save", args=[order.pk]), data, **HTMX)


def test_hostile_names_are_escaped(client, merchandiser):
    order = in_production_order(merchandiser)
    Customer.objects.filter(pk=order.customer_id).update(
        name_en="<script>alert(1)</script>", name_zh="<script>alert(2)</script>"
    )
    client.force_login(merchandiser)

    html = client.get(reverse("production:my_checkins")).content.decode()

    assert "<script>alert" not in html
    assert "<small>&lt;script&gt;alert(" in html


def test_every_field_has_its_label_and_the_page_names_no_missing_id(client, merchandiser):
    orders = [in_production_order(merchandiser) for _ in range(2)]
    client.force_login(merchandiser)

    page = Elements(client.get(reverse("production:my_checkins")).content.decode())

    assert page.dangling_references() == []
    assert page.labelled_inputs()
    for order in orders:
        assert page.find("input", name=f"o{order.pk}-contact_name")
        assert page.find("form", id=f"checkin-{order.pk}")


def test_an_invalid_save_comes_back_as_typed_with_errors_that_the_inputs_name(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)

    response = post_row(client, order, contact_name="", contact_method="visit", problems="<b>late dye</b>")

    assert response.status_code == 422
    html = response.content.decode()
    page = Elements(html)
    name_input = page.find("input", name=f"o{order.pk}-contact_name")[0]
    assert name_input["aria-invalid"] == "true"
    assert name_input["aria-describedby"] == f"id_o{order.pk}-contact_name_error"
    assert page.dangling_references() == []
    assert "&lt;b&gt;late dye&lt;/b&gt;</textarea>" in html
    assert page.find("option", value="visit", selected="")


def test_a_help_text_on_the_form_is_shown_and_named_by_its_input(client, merchandiser, monkeypatch):
    # The rows draw the form's own fields: a help text added to the form appears, with the id its
    # input's aria-describedby names (a hand-written row once pointed at nothing).
    monkeypatch.setattr(CheckInForm.base_fields["problems"], "help_text", "What stops the line?")
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)

    html = client.get(reverse("production:my_checkins")).content.decode()

    page = Elements(html)
    problems = page.find("textarea", name=f"o{order.pk}-problems")[0]
    assert problems["aria-describedby"] == f"id_o{order.pk}-problems_helptext"
    assert "What stops the line?" in html
    assert page.dangling_references() == []


def test_a_save_answers_with_the_row_and_the_counters(client, merchandiser):
    order = in_production_order(merchandiser)
    client.force_login(merchandiser)

    response = post_row(client, order, contact_name="Ms Zhou", contact_method="phone")

    assert response.status_code == 200
    page = Elements(response.content.decode())
    assert page.find("form", id=f"checkin-{order.pk}")[0]["data-status"] == "done"
    assert page.find("strong", id="checkin-done-count")[0]["hx-swap-oob"] == "true"
    assert page.find("input", name="csrfmiddlewaretoken")


def test_the_row_speaks_the_readers_language(client, merchandiser):
    in_production_order(merchandiser)
    merchandiser.preferred_language = "zh-hans"
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)
    html = client.get(reverse("production:my_checkins")).content.decode()
    assert "联系人" in html  # the form's own label, translated
    assert "保存" in html
