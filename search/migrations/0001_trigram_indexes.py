"""pg_trgm and the trigram indexes the search box reads, on PostgreSQL only: SQLite has no GIN index, and
search.selectors falls back to plain prefix and substring tests there.

Two kinds of index. UPPER(column) gin_trgm_ops answers Django's istartswith and icontains on PostgreSQL
(`UPPER(col::text) LIKE UPPER(%s)`), prefix or substring, from three characters up. column gin_trgm_ops
answers the typo test (`col %> query`, word similarity). The order number and PO need none here: orders
0004 gave them btree text_pattern_ops indexes on UPPER(col), which answer a prefix better. None is declared in a model's Meta: a GinIndex
there would be created on SQLite too, and fail."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# (name, table, indexed expression)
INDEXES = [
    ("search_customer_code_trgm", "orders_customer", 'UPPER("code"::text)'),
    ("search_customer_en_trgm", "orders_customer", 'UPPER("name_en"::text)'),
    ("search_customer_zh_trgm", "orders_customer", 'UPPER("name_zh"::text)'),
    ("search_customer_en_word_trgm", "orders_customer", '"name_en"'),
    ("search_customer_zh_word_trgm", "orders_customer", '"name_zh"'),
    ("search_product_style_trgm", "orders_product", 'UPPER("style_no"::text)'),
    ("search_product_en_trgm", "orders_product", 'UPPER("name_en"::text)'),
    ("search_product_zh_trgm", "orders_product", 'UPPER("name_zh"::text)'),
    ("search_product_style_word_trgm", "orders_product", '"style_no"'),
    ("search_product_en_word_trgm", "orders_product", '"name_en"'),
    ("search_case_subject_trgm", "aftersales_case", 'UPPER("subject"::text)'),
    ("search_shipment_tracking_trgm", "logistics_shipment", 'UPPER("tracking_number"::text)'),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, expression in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (({expression}) gin_trgm_ops)')


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _expression in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0014_confirmation_online_document"),
        ("aftersales", "0002_case_active_idx"),
        ("logistics", "0003_shipment_line_packing"),
    ]

    operations = [
        TrigramExtension(),  # CREATE EXTENSION IF NOT EXISTS pg_trgm; does nothing on SQLite
        migrations.RunPython(create_indexes, drop_indexes, elidable=False),
    ]
