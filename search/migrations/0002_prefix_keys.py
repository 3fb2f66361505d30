"""Prefix keys for order numbers, customer POs and tracking numbers, on PostgreSQL only: a btree index on
the upper-cased value in byte order (collation "C"). Such an index answers both a prefix test and the order
of the rows, so search.selectors reads the rows a prefix finds from the index, newest number first, and
stops at the few it shows.

The order list's text_pattern_ops indexes (orders 0004) answer the prefix but not the order: sorted by
date instead, PostgreSQL walked the date index and tested every order, because numbers and POs hold the
date and the planner takes the two to be independent. Built with the schema editor from the very
expression the selectors use, so the two cannot drift apart."""

from django.db import migrations
from django.db.models import Index
from django.db.models.functions import Collate, Upper

# (model, field, index name)
KEYS = [
    ("orders", "Order", "number", "search_order_number_key"),
    ("orders", "Order", "customer_po", "search_order_po_key"),
    ("logistics", "Shipment", "tracking_number", "search_shipment_tracking_key"),
]


def _indexes(apps):
    for app_label, model_name, field_name, name in KEYS:
        yield apps.get_model(app_label, model_name), Index(Collate(Upper(field_name), "C"), name=name)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.add_index(model, index)
    # The planner knows how many rows a prefix of an indexed expression matches only once the table has
    # been analyzed since: until then it guesses, and a guess of thousands sent it down a join instead.
    for model in {model for model, _index in _indexes(apps)}:
        schema_editor.execute(f'ANALYZE "{model._meta.db_table}"')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model, index in _indexes(apps):
        schema_editor.remove_index(model, index)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_trigram_indexes"),
        ("orders", "0016_customercontact_user_historicalcustomercontact_user"),
        ("logistics", "0003_shipment_line_packing"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
