"""The moved suggestion tables take supervision's names, and their content types (and so the permissions and
admin history that point at them) follow them to supervision."""

from django.db import migrations

MODELS = ("suggestion", "suggestionevent")


def content_types_to_supervision(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label="supervision", model=model).exists():
            ContentType.objects.using(db).filter(app_label="aftersales", model=model).update(app_label="supervision")


def content_types_to_aftersales(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if not ContentType.objects.using(db).filter(app_label="aftersales", model=model).exists():
            ContentType.objects.using(db).filter(app_label="supervision", model=model).update(app_label="aftersales")


class Migration(migrations.Migration):

    dependencies = [
        ('aftersales', '0003_suggestion_to_supervision'),
        ('contenttypes', '0002_remove_content_type_name'),
        ('supervision', '0004_suggestion_from_aftersales'),
    ]

    operations = [
        migrations.AlterModelTable(name='suggestion', table=None),
        migrations.AlterModelTable(name='suggestionevent', table=None),
        migrations.RunPython(content_types_to_supervision, content_types_to_aftersales),
    ]
