"""Master data changes: customers with their contacts, products. Small, but still one transaction each."""

from django.db import transaction


def customer_save(*, form, contacts) -> object:
    """Save a customer form and its contacts formset together, or neither."""
    with transaction.atomic():
        customer = form.save()
        contacts.instance = customer
        contacts.save()
    return customer


def product_save(*, form) -> object:
    with transaction.atomic():
        return form.save()
