"""The planner's statistics after a set-based write (PostgreSQL only; SQLite plans without them)."""

from django.db import connection, transaction


def analyze_on_commit(model) -> None:
    """Refresh the statistics of `model`'s table once the current transaction commits.

    For a job that writes a large share of one value at once (a new day's check-ins, or a night that closes
    them): autovacuum re-analyzes a table only after a tenth of it changed, and until then the planner takes
    the new value for nearly absent. A count of "not checked in today" then ran a nested loop over all of
    the day's rows for every order, for minutes at a million orders."""
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(model._meta.db_table)

    def analyze() -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {table}")

    transaction.on_commit(analyze)
