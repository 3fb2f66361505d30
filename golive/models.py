from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import StoredFile


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Nothing imported")


class ImportJob(StoredFile):
    """One go-live import, run by a worker rather than inside the web request: a large file takes longer
    than a web server lets a request live. The file is kept with the job, so a worker that dies is
    replaced by another that reads the same bytes; the orders and the job's "done" are written in one
    transaction, so a job is imported once or not at all."""

    storage_folder = "golive"

    status = models.CharField(
        _("status"), max_length=10, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED
    )
    orders_imported = models.PositiveIntegerField(_("orders imported"), default=0)
    error = models.TextField(_("why nothing was imported"), blank=True)
    reasons = models.JSONField(default=list, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("go-live import")
        verbose_name_plural = _("go-live imports")
        ordering = ["-uploaded_at", "-id"]

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportJobStatus.DONE, ImportJobStatus.FAILED)
