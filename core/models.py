"""Abstract models every app may build on. No tables of their own, no domain."""

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def stored_file_path(instance, filename):
    """A random name on disk under the model's `storage_folder`: the original name is kept in the row, never
    used as a path."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"{instance.storage_folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class StoredFile(models.Model):
    """An uploaded file with what we know of it. Served only through a permission-checked view, always as a
    download. A concrete model names its folder (`storage_folder`) and what the file belongs to."""

    storage_folder = "files"

    file = models.FileField(_("file"), upload_to=stored_file_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name


def _refuse(model) -> PermissionError:
    return PermissionError(f"{model._meta.object_name} rows are append-only.")


class AppendOnlyQuerySet(models.QuerySet):
    """No bulk update or delete. Deleting a parent still cascades (Django's collector does not come here);
    on PostgreSQL the trigger of core.append_only refuses that too where the table has one."""

    def update(self, **kwargs):
        raise _refuse(self.model)

    def delete(self):
        raise _refuse(self.model)


class AppendOnlyEvent(models.Model):
    """A line of an audit record: written once, never changed or deleted, in Python. The migration that
    creates the table may add the database's own guard (core.append_only)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise _refuse(type(self))
