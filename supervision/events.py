"""The supervision record: one small factory, so every line has the same shape."""

from .models import SupervisionEvent


def subject_of(obj) -> str:
    return f"{obj._meta.model_name}:{obj.pk}"


def supervision_event(obj, action: str, actor=None, *, note: str = "", **payload) -> SupervisionEvent:
    """Append one line about `obj` (a meeting, report, plan, finding, violation, policy version...)."""
    return SupervisionEvent.objects.create(
        subject=subject_of(obj), action=action, actor=actor, note=note, payload=payload
    )
