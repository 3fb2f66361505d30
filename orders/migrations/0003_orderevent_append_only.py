"""The work record is append-only in the database too, not only in Python (OrderEvent.save/delete and its
queryset refuse). On PostgreSQL a row trigger refuses every UPDATE and DELETE of orders_orderevent,
whoever sends it: a raw cursor, a data migration, psql. TRUNCATE is a statement, not a row operation,
so the test runner's flush still empties the table; nothing in the product truncates it.

Plain SQL in a migration rather than django-pgtrigger: one trigger does not justify a dependency and a
change to the model's Meta, and the SQL is short enough to read here. SQLite keeps the Python guard only.
"""

from django.db import migrations

FUNCTION = "orders_orderevent_append_only"
TRIGGER = "orders_orderevent_append_only"

INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'orders_orderevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Order events are never changed or deleted; record a new event instead.';
END;
$$;
DROP TRIGGER IF EXISTS {TRIGGER} ON orders_orderevent;
CREATE TRIGGER {TRIGGER}
    BEFORE UPDATE OR DELETE ON orders_orderevent
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

UNINSTALL = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON orders_orderevent;
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)  # no placeholders: keep the % of RAISE


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL, params=None)


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_reference_data")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
