"""An append-only log in the database too, not only in Python: on PostgreSQL a row trigger refuses every
UPDATE and DELETE of the table, whoever sends it (a raw cursor, a data migration, psql). TRUNCATE is a
statement, not a row operation, so the test runner's flush still empties the table. SQLite keeps the
models' Python guard only.

Plain SQL in a migration rather than django-pgtrigger: a few triggers do not justify a dependency and a
change to each model's Meta, and the SQL is short enough to read here.
"""

from django.db import migrations


def append_only(table: str, *, hint: str, allowed_update: str = "") -> migrations.RunPython:
    """The migration operation that installs (and, reversed, removes) the trigger on `table`.

    `allowed_update` is a SQL condition on OLD and NEW under which an UPDATE still passes (the one change
    Django itself makes, such as SET NULL of a deleted parent); empty: none passes.
    """
    function = trigger = f"{table}_append_only"
    allow = f"IF TG_OP = 'UPDATE' AND {allowed_update} THEN\n        RETURN NEW;\n    END IF;" if allowed_update else ""
    install_sql = f"""
CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {allow}
    RAISE EXCEPTION '{table} is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = '{hint}';
END;
$$;
DROP TRIGGER IF EXISTS {trigger} ON {table};
CREATE TRIGGER {trigger}
    BEFORE UPDATE OR DELETE ON {table}
    FOR EACH ROW EXECUTE FUNCTION {function}();
"""
    uninstall_sql = f"""
DROP TRIGGER IF EXISTS {trigger} ON {table};
DROP FUNCTION IF EXISTS {function}();
"""

    def install(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(install_sql, params=None)  # no placeholders: keep the % of RAISE

    def uninstall(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(uninstall_sql, params=None)

    return migrations.RunPython(install, uninstall, elidable=False)
