"""The check-in rows written in Python (production/checkin_rows.py): each form's fields as Django's widgets
draw them, every value escaped, an invalid form's typed values and errors kept, the words in the reader's
language, and one writer for the page and the htmx save."""

from collections import Counter
from datetime import datetime, timedelta
from html.parser import HTMLParser
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django import forms
from django.urls import reverse
from django.utils import timezone, translation

from orders.models import Customer
from production.checkin_rows import checkin_rows_html
from production.forms import CheckInForm
from production.models import CheckIn, CheckInStatus
from production.selectors import checkin_worklist
from production.views import _row_form

from .conftest import bulk_in_production, in_production_order

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


class Elements(HTMLParser):
    """The page as a list of tokens: ("<tag", {attrs}), ("</tag",) and ("text", ...), whitespace dropped."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tokens: list[tuple] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tokens.append((f"<{tag}", dict(attrs)))

    def handle_endtag(self, tag):
        self.tokens.append((f"</{tag}",))

    def handle_data(self, data):
        if data.strip():
            self.tokens.append(("text", data.strip()))

    def find(self, tag: str, **attrs) -> list[dict]:
        """The attributes of each such element; an attribute given as True need only be there."""
        return [found for kind, *rest in self.tokens if kind == f"<{tag}" for found in rest if _has(found, attrs)]

    def texts_inside(self, tag: str) -> list[str]:
        """The text at the start of each such element."""
        return [after[1] for before, after in pairwise(self.tokens) if before[0] == f"<{tag}" and after[0] == "text"]

    def text_after(self, tag: str, **attrs) -> str:
        """The text just inside the first such element."""
        start = next(i for i, (kind, *rest) in enumerate(self.tokens) if kind == f"<{tag}" and _has(rest[0], attrs))
        following = self.tokens[start + 1]
        return following[1] if following[0] == "text" else ""


def _has(found: dict, attrs: dict) -> bool:
    wanted = {key.rstrip("_").replace("_", "-"): value for key, value in attrs.items()}
    return all(key in found if value is True else found.get(key) == value for key, value in wanted.items())


def post_row(client, order, **fields):
    data = {f"o{order.pk}-{name}": value for name, value in fields.items()}
    return client.post(reverse("production:checkin_save", args=[order.pk]), data, **HTMX)


def done_yesterday(order, merchandiser, **answers) -> CheckIn:
    return CheckIn.objects.create(
        order=order,
        day=timezone.localdate() - timedelta(days=1),
        merchandiser=merchandiser,
        status=CheckInStatus.DONE,
        completed_at=timezone.now(),
        **{"contact_name": "Ms Zhou", "contact_method": "phone", **answers},
    )


def rows_with_forms(merchandiser, orders, data=None) -> list:
    rows = checkin_worklist(user=merchandiser, day=timezone.localdate(), order_ids=[o.pk for o in orders])
    return [(row, _row_form(row, data=data)) for row in rows]


# --- escaping ----------------------------------------------------------------------------------------
def test_hostile_names_and_answers_are_escaped(client, merchandiser):
    order = in_production_order(merchandiser)
    Customer.objects.filter(pk=order.customer_id).update(
        name_en="<script>alert(1)</script>", name_zh="<script>alert(2)</script>"
    )
    done_yesterday(order, merchandiser, contact_name='"><img src=x onerror=alert(3)>')
    client.force_login(merchandiser)

    html = client.get(reverse("production:my_checkins")).content.decode()

    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert "<small>&lt;script&gt;alert(" in html
    assert 'value="&quot;&gt;&lt;img src=x onerror=alert(3)&gt;"' in html
    assert Elements(html).find("input", name=f"o{order.pk}-contact_name")[0]["value"] == (
        '"><img src=x onerror=alert(3)>'
    )


# --- an invalid form comes back as typed, with its errors ---------------------------------------------
def test_an_invalid_save_keeps_what_was_typed_and_shows_each_error(client, merchandiser):
    order = in_production_order(merchandiser)
    milestone = order.production_plan.milestones.order_by("sequence").first()
    client.force_login(merchandiser)

    response = post_row(
        client,
        order,
        contact_name="",
        contact_method="visit",
        quantity_done="12abc",
        milestone=str(milestone.pk),
        problems="<b>Fabric</b> & trims",
        next_steps='Call "Li"',
    )

    assert response.status_code == 422
    html = response.content.decode()
    page = Elements(html)
    prefix = f"o{order.pk}"
    quantity = page.find("input", name=f"{prefix}-quantity_done")[0]
    assert quantity["value"] == "12abc"
    assert (quantity["aria-invalid"], quantity["aria-describedby"]) == ("true", f"id_{prefix}-quantity_done_error")
    assert page.find("p", id=f"id_{prefix}-quantity_done_error", role="alert", class_="field-error")
    assert page.find("div", class_="field field-contact_name has-error required")
    assert page.find("div", class_="field field-quantity_done has-error")
    assert page.find("div", class_="field field-problems")  # neither required nor wrong
    assert "required" in page.find("input", name=f"{prefix}-contact_name")[0]
    assert page.find("option", value="visit", selected=True) and len(page.find("option", selected=True)) == 2
    assert page.find("option", value=str(milestone.pk), selected=True)
    assert "&lt;b&gt;Fabric&lt;/b&gt; &amp; trims</textarea>" in html
    assert page.text_after("textarea", name=f"{prefix}-next_steps") == 'Call "Li"'
    assert not CheckIn.objects.filter(order=order, status=CheckInStatus.DONE).exists()


def test_a_closed_day_comes_back_with_the_services_error_above_the_fields(client, merchandiser):
    order = in_production_order(merchandiser)
    CheckIn.objects.create(
        order=order, day=timezone.localdate(), merchandiser=merchandiser, status=CheckInStatus.MISSED
    )
    client.force_login(merchandiser)

    response = post_row(client, order, contact_name="Wang", contact_method="phone")

    assert response.status_code == 422
    html = response.content.decode()
    assert '<div class="form-errors" role="alert"><p>The check-in of' in html
    assert 'class="checkin card is-missed"' in html and 'data-status="missed"' in html
    assert Elements(html).find("input", name=f"o{order.pk}-contact_name")[0]["value"] == "Wang"


# --- the form's starting values ---------------------------------------------------------------------------
def test_the_last_answers_fill_the_form_with_one_option_selected_in_each_list(client, merchandiser):
    order = in_production_order(merchandiser)
    done_yesterday(order, merchandiser, contact_method="wechat", quantity_done=420)
    client.force_login(merchandiser)

    page = Elements(client.get(reverse("production:my_checkins")).content.decode())

    prefix = f"o{order.pk}"
    assert page.find("input", name=f"{prefix}-contact_name")[0]["value"] == "Ms Zhou"
    assert page.find("input", name=f"{prefix}-quantity_done")[0]["value"] == "420"
    selected = page.find("option", selected=True)
    assert [option["value"] for option in selected] == ["wechat", ""]  # the method; no milestone yet
    quantity = page.find("input", name=f"{prefix}-quantity_done")[0]
    assert (quantity["type"], quantity["min"], quantity["max"], quantity["inputmode"]) == (
        "number", "0", "1000000000", "numeric",
    )  # fmt: skip
    assert page.find("input", name=f"{prefix}-contact_name")[0]["maxlength"] == "100"
    assert page.find("textarea", name=f"{prefix}-problems")[0]["maxlength"] == "2000"


# --- the words follow the reader's language -----------------------------------------------------------
def test_labels_and_words_are_in_chinese_for_a_chinese_reader(client, merchandiser):
    in_production_order(merchandiser)
    merchandiser.preferred_language = "zh-hans"
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)

    page = Elements(client.get(reverse("production:my_checkins")).content.decode())

    labels = [
        token[1] for i, token in enumerate(page.tokens) if token[0] == "text" and page.tokens[i - 1][0] == "<label"
    ]
    assert labels[:6] == ["联系人", "方式", "累计完成数量", "今日完成的节点", "问题", "下一步"]
    texts = {token[1] for token in page.tokens if token[0] == "text"}
    assert {"待跟进", "保存", "电话"} <= texts
    assert any(text.startswith("下一节点:") for text in texts)  # pgettext("milestone", "Next")
    assert any(text.startswith("出厂 ") for text in texts)


def test_the_words_are_in_english_for_an_english_reader(merchandiser):
    order = in_production_order(merchandiser)

    with translation.override("en"):
        html = str(checkin_rows_html(rows_with_forms(merchandiser, [order]), csrf_token="t"))

    assert ">Spoke to</label>" in html and ">To do</span>" in html and "<span>Next: " in html


# --- the page as a whole -------------------------------------------------------------------------------
def test_every_id_on_the_page_is_unique_and_every_label_names_one(client, merchandiser):
    bulk_in_production(merchandiser=merchandiser, n=6)
    client.force_login(merchandiser)

    page = Elements(client.get(reverse("production:my_checkins")).content.decode())

    ids = Counter(attrs["id"] for kind, *rest in page.tokens if kind.startswith("<") for attrs in rest if "id" in attrs)
    assert [id_ for id_, n in ids.items() if n > 1] == []
    assert len(page.find("form", class_="checkin card")) == 6
    assert all(label["for"] in ids for label in page.find("label"))


def test_an_htmx_save_answers_with_the_saved_row_and_the_pages_counters(client, merchandiser):
    with time_machine.travel(datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False):
        orders = bulk_in_production(merchandiser=merchandiser, n=4)
        client.force_login(merchandiser)
        response = post_row(client, orders[2], contact_name="Li", contact_method="email")

    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith(f'<form class="checkin card is-done" id="checkin-{orders[2].pk}" data-status="done"')
    assert '<span class="checkin-saved" role="status">Saved 10:30</span>' in html
    assert ">Update</button>" in html
    assert html.count("<form") == 1 and 'name="csrfmiddlewaretoken"' in html
    assert html.endswith(
        '\n<strong id="checkin-done-count" hx-swap-oob="true">1</strong>'
        '\n<span id="checkin-count-todo" hx-swap-oob="true">3</span>'
        '\n<span id="checkin-count-done" hx-swap-oob="true">1</span>'
    )


def test_writing_the_rows_reads_nothing_more_from_the_database(merchandiser, django_assert_num_queries):
    orders = bulk_in_production(merchandiser=merchandiser, n=5)
    rows = rows_with_forms(merchandiser, orders)

    with django_assert_num_queries(0):
        html = str(checkin_rows_html(rows, csrf_token="t", back="page=2"))

    assert html.count('<input type="hidden" name="back" value="page=2">') == 5


# --- the same fields Django's own widgets draw ---------------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [
        None,  # the page: the last answers as initial values
        {"contact_name": "Li", "contact_method": "phone", "quantity_done": "7", "problems": "a < b"},
        {"contact_name": "", "contact_method": "nope", "quantity_done": "-1", "milestone": "0", "next_steps": "x"},
    ],
    ids=["unbound", "bound-valid", "bound-invalid"],
)
def test_each_field_is_drawn_as_djangos_widget_draws_it(merchandiser, data):
    order = in_production_order(merchandiser)
    done_yesterday(order, merchandiser, quantity_done=3)
    posted = {f"o{order.pk}-{name}": value for name, value in data.items()} if data is not None else None
    [(row, form)] = rows_with_forms(merchandiser, [order], data=posted)
    form.is_valid()

    ours = Elements(str(checkin_rows_html([(row, form)], csrf_token="t"))).tokens

    for field in form:
        django = Elements(str(field)).tokens
        assert any(ours[i : i + len(django)] == django for i in range(len(ours))), field.name


def test_a_widget_it_does_not_write_is_drawn_by_django(merchandiser):
    class WithExtras(CheckInForm):
        urgent = forms.BooleanField(label="Urgent", required=False)
        shift = forms.ChoiceField(label="Shift", choices=[("Day", [("early", "Early"), ("late", "Late")])])

    order = in_production_order(merchandiser)
    row = checkin_worklist(user=merchandiser, day=timezone.localdate(), order_ids=[order.pk])[0]
    form = WithExtras(initial={"urgent": True}, prefix="o1", milestones=row.open_milestones)

    html = str(checkin_rows_html([(row, form)], csrf_token="t"))

    assert '<input type="checkbox" name="o1-urgent"' in html and "checked" in html
    assert '<optgroup label="Day">' in html


# --- the forms' light copy of their fields ----------------------------------------------------------------
def test_forms_do_not_share_what_a_form_may_change():
    first, second = CheckInForm(prefix="a"), CheckInForm(prefix="b", milestones=[])
    first.fields["problems"].widget.attrs["rows"] = 9
    first.fields["contact_name"].validators.append(lambda value: None)
    first.fields["contact_name"].error_messages["required"] = "!"

    assert second.fields["problems"].widget.attrs["rows"] == 2
    assert CheckInForm.base_fields["problems"].widget.attrs["rows"] == 2
    assert len(second.fields["contact_name"].validators) == len(CheckInForm.base_fields["contact_name"].validators)
    assert second.fields["contact_name"].error_messages["required"] != "!"
    assert first.fields["problems"] is not CheckInForm.base_fields["problems"]
    assert first.fields["problems"].widget is not second.fields["problems"].widget


def test_each_form_has_its_own_milestones(merchandiser):
    order = in_production_order(merchandiser)
    milestones = list(order.production_plan.milestones.order_by("sequence"))

    with_milestones = CheckInForm(prefix="a", milestones=milestones)
    without = CheckInForm(prefix="b")

    assert [value for value, _ in with_milestones.fields["milestone"].choices][1:] == [m.pk for m in milestones]
    assert list(without.fields["milestone"].choices) == [("", "—")]
    assert list(without.fields["milestone"].widget.choices) == [("", "—")]
    assert list(CheckInForm.base_fields["milestone"].choices) == []
