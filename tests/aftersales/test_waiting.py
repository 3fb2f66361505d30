"""After-sales under "Waiting for you": open cases past the warning point of their SLA clock, for their
owner and the owner's supervisor."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from aftersales import waiting
from aftersales.models import Case

from .test_selectors import _case


def test_a_case_past_its_warning_point_waits_for_its_owner_and_the_supervisor(
    merchandiser, supervisor, other_merchandiser
):
    case = _case(merchandiser)
    Case.objects.filter(pk=case.pk).update(resolution_warn_at=timezone.now() + timedelta(hours=2))
    assert waiting.cases_near_sla(merchandiser) == []  # not near yet

    Case.objects.filter(pk=case.pk).update(resolution_warn_at=timezone.now() - timedelta(minutes=1))
    page = reverse("aftersales:case_detail", args=[case.pk])
    assert [item.url for item in waiting.cases_near_sla(merchandiser)] == [page]
    assert [item.url for item in waiting.cases_near_sla(supervisor)] == [page]
    assert waiting.cases_near_sla(other_merchandiser) == []
