"""Indexes for the order list at a million orders (issue #8, see bench/README.md).

- order_delivery_idx, order_channel_recv_idx: the delivery-date and channel sorts, each with its
  tie-breaker, read an index range instead of sorting the whole table (2 s -> 1 ms at 1,000,000 orders).
- On PostgreSQL only, the search box's prefix matches: `number__istartswith` and `customer_po__istartswith`
  compile to UPPER(col::text) LIKE 'X%'; an expression index with text_pattern_ops serves that whatever
  the database collation. SQLite has no operator classes and does without.
"""

from django.conf import settings
from django.db import migrations, models

SEARCH_INDEXES = {
    "order_number_upper_idx": "number",
    "order_po_upper_idx": "customer_po",
}


def create_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in SEARCH_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "orders_order" (UPPER(("{column}")::text) text_pattern_ops)'
        )
    # Statistics for the new expressions now: without them the planner guesses, and may prefer reading the
    # received_at index backwards through every order looking for a match.
    schema_editor.execute('ANALYZE "orders_order"')


def drop_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in SEARCH_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_orderevent_append_only"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["delivery_date", "id"], name="order_delivery_idx"),
        ),
        migrations.AddIndex(
            model_name="order",
            index=models.Index(fields=["channel", "-received_at", "-id"], name="order_channel_recv_idx"),
        ),
        migrations.RunPython(create_search_indexes, drop_search_indexes),
    ]
