from django.shortcuts import get_object_or_404

from .models import ImportJob
from .services import golive_may_import

JOBS_SHOWN = 10


def golive_jobs_visible_to(user):
    """Go-live imports are a company-wide task: those who may import see each other's jobs; nobody else any."""
    jobs = ImportJob.objects.select_related("uploaded_by")
    return jobs if golive_may_import(user) else jobs.none()


def golive_job_get(*, user, job_id: int) -> ImportJob:
    return get_object_or_404(golive_jobs_visible_to(user), pk=job_id)


def golive_jobs_recent(*, user, limit: int = JOBS_SHOWN) -> list[ImportJob]:
    return list(golive_jobs_visible_to(user)[:limit])
