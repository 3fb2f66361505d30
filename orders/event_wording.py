"""What the work record says, worded when it is read, in the reader's language.

An event is written once and read for years by people of both languages, so what a service writes is never
a sentence in the writer's language. A system-written note is a code and its parameters (a NoteKind, say
"production.delay" with the reason, both dates and whether the customer was told); a stage's actions and
its own states are codes too. The app that writes them registers their wording here, in its
AppConfig.ready(), as with orders.hooks: the order core never imports a stage app.

Notes stored as text before this (and anything a person typed) are shown as stored.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from core.bilingual import in_language


@dataclass(frozen=True)
class SystemNote:
    """A note as a service writes it: stored in the event's payload as note_code and note_params; `typed`,
    what a person wrote with it, in the event's note as typed."""

    code: str
    params: dict
    typed: str = ""

    def beside(self, typed: str) -> "SystemNote":
        return SystemNote(self.code, self.params, typed)


@dataclass(frozen=True)
class NoteKind:
    """One kind of system note. `text` is a lazily translated "%(name)s" template; `shown` says how a stored
    parameter reads (a label for a code, a name in the reader's language, ...), the rest read as stored.
    `compose`, instead of `text`, builds a note of several optional sentences from the parameters."""

    code: str
    text: object = None
    shown: Mapping[str, Callable] = field(default_factory=dict)
    compose: Callable[[dict], str] | None = None

    def __call__(self, **params) -> SystemNote:
        return SystemNote(self.code, {name: _stored(value) for name, value in params.items()})

    def words(self, params: dict) -> str:
        values = {name: self.shown[name](value) if name in self.shown else value for name, value in params.items()}
        if self.compose is not None:
            return self.compose(values)
        return str(self.text) % {name: shown_as_is(value) for name, value in values.items()}


def _stored(value):
    """A parameter as JSON keeps it: dates and times as ISO text (times in UTC), choices as their code."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, TextChoices):
        return value.value
    return value


# --- how a stored parameter reads -------------------------------------------------------------------------
def shown_as_is(value) -> object:
    return "—" if value is None or value == "" else value


def in_reader_language(value) -> str:
    """A name stored in both languages ({"zh": ..., "en": ...}, see both_names), in the reader's."""
    if isinstance(value, dict):
        return in_language(value.get("zh"), value.get("en"))
    return shown_as_is(value)


def both_names(obj) -> dict:
    """What in_reader_language reads, from a model with name_zh and name_en (a bilingual master record)."""
    return {"zh": obj.name_zh, "en": obj.name_en}


def label_of(choices: type[TextChoices]) -> Callable[[str], str]:
    labels = dict(choices.choices)
    return lambda value: str(labels.get(value, value))


def either(yes, no) -> Callable[[bool], str]:
    return lambda value: str(yes if value else no)


def as_date(value) -> str:
    """A date as every page shows one: ISO, the same in both languages."""
    parsed = parse_date(value) if isinstance(value, str) else value
    return parsed.isoformat() if parsed else shown_as_is(value)


def as_local_time(value) -> str:
    """A stored UTC time, on the company's clock."""
    parsed = parse_datetime(value) if isinstance(value, str) else value
    if parsed is None:
        return shown_as_is(value)
    return f"{timezone.localtime(parsed):%Y-%m-%d %H:%M}" if timezone.is_aware(parsed) else f"{parsed:%Y-%m-%d %H:%M}"


# --- the registries ---------------------------------------------------------------------------------------
_notes: dict[str, NoteKind] = {}


def register_notes(*kinds: NoteKind) -> None:
    for kind in kinds:
        _notes[kind.code] = kind


def note_words(code: str, params: dict) -> str | None:
    """The note in the reader's language, or None when its kind is not known (an app removed since)."""
    kind = _notes.get(code)
    if kind is None:
        return None
    try:
        return kind.words(params or {})
    except (KeyError, TypeError, ValueError):  # parameters written by an older version of the kind
        return None


@dataclass(frozen=True)
class StageWording:
    """A stage's words for its lines of the work record: its actions, the states of its own records (an
    after-sales case's), and the model whose fields its changes name."""

    actions: Mapping[str, object]
    states: Mapping[str, object] = field(default_factory=dict)
    changes_model: type | None = None


_stages: dict[str, StageWording] = {}


def register_stage(stage: str, wording: StageWording) -> None:
    _stages[stage] = wording


def stage_wording(stage: str) -> StageWording | None:
    return _stages.get(stage)
