"""Suggestion and SuggestionEvent move from aftersales to supervision. This step only tells Django's state
that supervision owns them, on their old tables; nothing runs in the database. aftersales 0003 drops them
from its state, and supervision 0005 renames the tables."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
import django_fsm
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('aftersales', '0002_case_active_idx'),
        ('orders', '0010_history_reason_text'),
        ('supervision', '0003_supervisionevent_append_only'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='Suggestion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200, verbose_name='title')),
                        ('body', models.TextField(verbose_name='suggestion')),
                        ('topic', models.CharField(choices=[('process', 'Work process'), ('customer', 'Customer service'), ('production', 'Production coordination'), ('logistics', 'Logistics'), ('system', 'This system'), ('other', 'Other')], default='process', max_length=20, verbose_name='topic')),
                        ('status', models.CharField(choices=[('submitted', 'Submitted'), ('reviewed', 'Reviewed'), ('adopted', 'Adopted'), ('declined', 'Declined')], default='submitted', max_length=50, verbose_name='state')),
                        ('submitted_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='submitted at')),
                        ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='decided at')),
                        ('author', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='suggestions', to=settings.AUTH_USER_MODEL, verbose_name='author')),
                        ('order', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='orders.order', verbose_name='related order')),
                    ],
                    options={
                        'verbose_name': 'improvement suggestion',
                        'verbose_name_plural': 'improvement suggestions',
                        'ordering': ['-submitted_at', '-id'],
                        'db_table': 'aftersales_suggestion',
                    },
                    bases=(django_fsm.FSMModelMixin, models.Model),
                ),
                migrations.AlterField(
                    model_name='weeklyreport',
                    name='suggestions',
                    field=models.ManyToManyField(blank=True, related_name='weekly_reports', to='supervision.suggestion', verbose_name='improvement suggestions'),
                ),
                migrations.CreateModel(
                    name='SuggestionEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('from_state', models.CharField(blank=True, max_length=20)),
                        ('to_state', models.CharField(max_length=20)),
                        ('comment', models.TextField(blank=True, verbose_name='comment')),
                        ('actor', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('suggestion', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='events', to='supervision.suggestion')),
                    ],
                    options={
                        'ordering': ['created_at', 'id'],
                        'db_table': 'aftersales_suggestionevent',
                    },
                ),
                migrations.AddIndex(
                    model_name='suggestion',
                    index=models.Index(fields=['status', '-submitted_at'], name='suggestion_status_idx'),
                ),
            ],
        ),
    ]
