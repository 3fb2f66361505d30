"""The evaluation record is append-only in the database too, as the order's work record is
(orders/migrations/0003_orderevent_append_only.py, which says why plain SQL): on PostgreSQL a row trigger
refuses every UPDATE and DELETE of evaluation_evaluationevent, whoever sends it. TRUNCATE is a statement,
so the test runner's flush still empties the table. SQLite keeps the Python guard only.

One update passes: a re-run deletes the scorecard of someone no longer scored, and Django then sets the
events' scorecard_id to NULL (on_delete=SET_NULL). The event keeps every other column as it was; the
trigger compares the whole row but that link, so a column added later is covered too.
"""

from django.db import migrations

TABLE = "evaluation_evaluationevent"
FUNCTION = TRIGGER = f"{TABLE}_append_only"

INSTALL = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.scorecard_id IS NOT NULL AND NEW.scorecard_id IS NULL
       AND to_jsonb(NEW) - 'scorecard_id' = to_jsonb(OLD) - 'scorecard_id' THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{TABLE} is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Evaluation events are never changed or deleted; record a new event instead.';
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
    dependencies = [("evaluation", "0002_scorecard_not_enough_data")]

    operations = [migrations.RunPython(install, uninstall, elidable=False)]
