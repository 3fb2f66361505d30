"""The evaluation record is append-only in the database too, as the order's work record is
(core/append_only.py says how and why).

One update passes: a re-run deletes the scorecard of someone no longer scored, and Django then sets the
events' scorecard_id to NULL (on_delete=SET_NULL). The event keeps every other column as it was; the
trigger compares the whole row but that link, so a column added later is covered too.
"""

from django.db import migrations

from core.append_only import append_only


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0002_scorecard_not_enough_data")]

    operations = [
        append_only(
            "evaluation_evaluationevent",
            hint="Evaluation events are never changed or deleted; record a new event instead.",
            allowed_update=(
                "OLD.scorecard_id IS NOT NULL AND NEW.scorecard_id IS NULL"
                " AND to_jsonb(NEW) - 'scorecard_id' = to_jsonb(OLD) - 'scorecard_id'"
            ),
        )
    ]
