"""The work record is append-only in the database too, not only in Python (OrderEvent.save/delete and its
queryset refuse): core/append_only.py says how and why."""

from django.db import migrations

from core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_reference_data")]

    operations = [
        append_only("orders_orderevent", hint="Order events are never changed or deleted; record a new event instead.")
    ]
