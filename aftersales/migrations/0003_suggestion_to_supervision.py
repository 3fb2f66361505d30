"""Suggestion and SuggestionEvent now belong to supervision (supervision 0004): dropped from this app's state
only; their rows stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('aftersales', '0002_case_active_idx'),
        ('supervision', '0004_suggestion_from_aftersales'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveField(model_name='suggestionevent', name='suggestion'),
                migrations.RemoveField(model_name='suggestionevent', name='actor'),
                migrations.DeleteModel(name='Suggestion'),
                migrations.DeleteModel(name='SuggestionEvent'),
            ],
        ),
    ]
