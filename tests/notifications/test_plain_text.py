"""Plain-text email is not HTML (issue 19, item 10): a subject or text body shows "A&B" <x> as typed, never
&quot;A&amp;B&quot; &lt;x&gt;; the HTML body still escapes it."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings

from notifications.models import Notification
from notifications.services import notification_render

from ..logistics.helpers import in_production_order, ship

HOSTILE = "\"A&B\" <x> 'q'"
ENTITIES = ("&amp;", "&quot;", "&lt;", "&gt;", "&#x27;", "&#39;")


class Anything:
    """A context value that answers every lookup, loop and truth test with itself, and prints as HOSTILE:
    whatever a template shows, it shows this. A date is a date (the |date filter needs one)."""

    def __getattr__(self, name):
        if name.endswith(("_date", "_at", "_on")) or name == "eta":
            return datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
        return self

    def __getitem__(self, key):  # templates look a name up as a key before an attribute
        return self.__getattr__(key) if isinstance(key, str) else self

    def __iter__(self):
        return iter([self])

    def __len__(self):
        return 1

    def __bool__(self):
        return True

    def __str__(self):
        return HOSTILE


def email_templates() -> list[str]:
    """Every notifications/<name>_subject.txt of the project, whichever app holds it."""
    roots = [Path(d) for t in settings.TEMPLATES for d in t.get("DIRS", [])]
    roots += [Path(settings.BASE_DIR) / app for app in ("notifications", "orders", "production", "logistics")]
    roots += [Path(settings.BASE_DIR) / app for app in ("aftersales", "supervision", "evaluation", "customer_portal")]
    names = set()
    for root in roots:
        for path in root.rglob("notifications/*_subject.txt"):
            names.add(path.name.removesuffix("_subject.txt"))
    return sorted(names)


def test_every_email_template_is_found():
    assert {"shipment_shipped", "shipment_delivered", "production_delay", "case_opened"} <= set(email_templates())


@pytest.mark.parametrize("template", email_templates())
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_plain_text_shows_what_was_typed_and_html_escapes_it(template, language):
    context = {name: Anything() for name in ("order", "customer", "shipment", "case", "delay", "lines", "complete")}
    context.update(status_url=Anything(), reason=Anything(), note=Anything())
    subject, text, html = notification_render(template=template, context=context, language=language)
    for plain in (subject, text):
        assert not [entity for entity in ENTITIES if entity in plain], plain
    assert HOSTILE.split(" ")[0] in subject  # "A&B": every subject names the order or the case
    assert '"A&B" <x>' in text
    assert "<x>" not in html and "&lt;x&gt;" in html


@pytest.mark.django_db
def test_a_shipment_email_for_po_a_and_b_reads_as_typed(merchandiser):
    order = in_production_order(merchandiser, customer_po='"A&B" <x>')
    order.customer.email = "buyer@customer.example"
    order.customer.save(update_fields=["email"])
    ship(order, merchandiser)
    notification = Notification.objects.get(kind__startswith="shipment")
    assert '"A&B" <x>' in notification.subject
    assert "&amp;" not in notification.subject and "&quot;" not in notification.subject
    assert "&amp;" not in notification.body_text
