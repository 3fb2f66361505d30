"""The supervision record is append-only in the database too, as the order's work record is
(orders/migrations/0003_orderevent_append_only.py, which says why plain SQL): on PostgreSQL a row trigger
refuses every UPDATE and DELETE of supervision_supervisionevent, whoever sends it. TRUNCATE is a statement,
so the test runner's flush still empties the table. SQLite keeps the Python guard only.
"""

from django.db import migrations

TABLE = "supervision_supervisionevent"
FUNCTION = TRIGGER = f"{TABLE}_append_only"

INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{TABLE} is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Supervision events are never changed or deleted; record a new event instead.';
END;
$$;
DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};
CREATE TRIGGER {TRIGGER}
    BEFORE UPDATE OR DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION {FUNCTION}();
"""

UNINSTALL = f"""
DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};
DROP FUNCTION IF EXISTS {FUNCTION}();
"""


def install(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(INSTALL, params=None)  # no placeholders: keep the % of RAISE


def uninstall(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNINSTALL, params=None)


class Migration(migrations.Migration):
    dependencies = [("supervision", "0002_seed_checklist_and_policy")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
