"""The abstract models of core, through each app's concrete ones."""

import re

import pytest

from aftersales.models import CaseAttachment
from core.models import AppendOnlyEvent, StoredFile, stored_file_path
from evaluation.models import EvaluationEvent
from logistics.models import ShipmentDocument
from orders.models import Attachment, OrderEvent
from supervision.models import Finding, SupervisionEvent

pytestmark = pytest.mark.django_db

EVENT_MODELS = [OrderEvent, SupervisionEvent, EvaluationEvent]


def test_every_audit_record_is_an_append_only_event():
    from supervision.models import SuggestionEvent

    for model in [*EVENT_MODELS, SuggestionEvent]:
        assert issubclass(model, AppendOnlyEvent), model


def test_an_event_is_written_once_and_never_changed_or_deleted():
    event = SupervisionEvent.objects.create(subject="meeting:1", action="scheduled")
    event.note = "changed"
    with pytest.raises(PermissionError, match="SupervisionEvent rows are append-only"):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        SupervisionEvent.objects.filter(pk=event.pk).update(note="changed")
    with pytest.raises(PermissionError):
        SupervisionEvent.objects.filter(pk=event.pk).delete()
    event.refresh_from_db()
    assert event.note == ""


def test_every_stored_file_model_keeps_the_same_facts():
    for model in (Attachment, ShipmentDocument, CaseAttachment):
        assert issubclass(model, StoredFile), model
        names = {field.name for field in model._meta.get_fields()}
        assert {"file", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"} <= names


@pytest.mark.parametrize(
    ("model", "folder"),
    [
        (Attachment, "attachments"),
        (ShipmentDocument, "shipments"),
        (CaseAttachment, "cases"),
        (Finding, "supervision"),
    ],
)
def test_a_stored_file_gets_a_random_name_in_its_folder(model, folder):
    path = stored_file_path(model(), "../../etc/Passwd Of Customer.PDF")
    assert re.fullmatch(rf"{folder}/\d{{4}}/\d{{2}}/[0-9a-f]{{32}}\.pdf", path), path
    assert stored_file_path(model(), "no-suffix") != stored_file_path(model(), "no-suffix")
