"""What the merchandiser records about an order: checklist ticks, confirmations, attachments, handovers,
and the append-only event record (工作记录) that reads as the order's timeline."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.bilingual import BilingualLabel, in_language
from core.models import AppendOnlyEvent, StoredFile

from .. import event_wording
from .master import Customer
from .order import Channel, Order, OrderLine, OrderState


class ChecklistItem(BilingualLabel):
    """One line of the verification checklist (核对信息). Configurable in the admin."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    label_zh = models.CharField(_("label (Chinese)"), max_length=120)
    label_en = models.CharField(_("label (English)"), max_length=120)
    sequence = models.PositiveSmallIntegerField(_("sequence"), default=10)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("checklist item")
        verbose_name_plural = _("checklist items")
        ordering = ["sequence", "code"]


class OrderCheck(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["order", "item"], name="ordercheck_unique")]


class AttachmentKind(models.TextChoices):
    SOURCE_EMAIL = "source_email", _("Customer's email")
    SOURCE_SHEET = "source_sheet", _("Imported spreadsheet")
    CONFIRMATION = "confirmation", _("Confirmation evidence")
    OTHER = "other", _("Other")


class Attachment(StoredFile):
    """A file on an order."""

    storage_folder = "attachments"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]


class ConfirmationMethod(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    SIGNED_PO = "signed_po", _("Signed PO")
    PI_ONLINE = "pi_online", _("PI confirmed online")


# What staff may record by hand: "PI confirmed online" is the customer's own act, on the status page.
STAFF_CONFIRMATION_METHODS = (ConfirmationMethod.PHONE, ConfirmationMethod.EMAIL, ConfirmationMethod.SIGNED_PO)


class Confirmation(models.Model):
    """The customer's confirmation of the order (订单确认)."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="confirmations")
    method = models.CharField(_("method"), max_length=20, choices=ConfirmationMethod.choices)
    contact = models.CharField(_("customer contact"), max_length=120)
    confirmed_at = models.DateTimeField(_("confirmed at"))
    note = models.TextField(_("note"), blank=True)
    attachment = models.ForeignKey(
        Attachment, verbose_name=_("attachment"), on_delete=models.SET_NULL, null=True, blank=True
    )
    # Empty when the customer confirmed themselves, online (PI_ONLINE).
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    # What the customer confirmed when it was a stored document (the PI): its version and SHA-256, so the
    # confirmation names the exact file even after a newer version is made.
    document_version = models.PositiveIntegerField(_("document version"), null=True, blank=True)
    document_sha256 = models.CharField(_("document SHA-256"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("customer confirmation")
        verbose_name_plural = _("customer confirmations")
        ordering = ["confirmed_at"]


class EventType(models.TextChoices):
    CREATED = "created", _("Order received")
    IMPORTED = "imported", _("Imported at go-live")
    TRANSITION = "transition", _("State changed")
    CHECKED = "checked", _("Checklist item ticked")
    UNCHECKED = "unchecked", _("Checklist item cleared")
    CONFIRMATION_RECORDED = "confirmation_recorded", _("Customer confirmation recorded")
    NUMBER_ASSIGNED = "number_assigned", _("Order number assigned")
    FIELDS_CHANGED = "fields_changed", _("Order changed")
    CORRECTION = "correction", _("Correction after confirmation")
    ATTACHMENT_ADDED = "attachment_added", _("Attachment added")
    REASSIGNED = "reassigned", _("Handed over")
    FLAGS_CHANGED = "flags_changed", _("Flags changed")
    HELD = "held", _("Put on hold")
    RELEASED = "released", _("Released from hold")
    PROMISE_PROPOSED = "promise_proposed", _("New date proposed")
    PROMISE_APPROVED = "promise_approved", _("New date approved")
    PROMISE_REJECTED = "promise_rejected", _("New date rejected")
    PROMISE_ANSWERED = "promise_answered", _("Customer answered the new date")
    NOTE = "note", _("Note")
    COMMENT = "comment", _("Comment")
    STAGE = "stage", _("Stage record")  # production, logistics and after-sales write these


_EVENT_TYPE_LABELS = dict(EventType.choices)
_CHANNEL_LABELS = dict(Channel.choices)
_CONFIRMATION_LABELS = dict(ConfirmationMethod.choices)
_FLAG_FIELDS = ("is_overdue", "is_at_risk", "is_on_hold")
_PROMISE_EVENTS = (
    EventType.PROMISE_PROPOSED,
    EventType.PROMISE_APPROVED,
    EventType.PROMISE_REJECTED,
    EventType.PROMISE_ANSWERED,
)
_PROMISE_ANSWERS = {"accepted": _("accepted"), "questioned": _("questioned")}


class OrderEvent(AppendOnlyEvent):
    """One line of the work record. Append-only: no update, no delete, in the app or the admin."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    type = models.CharField(_("type"), max_length=30, choices=EventType.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty when the system acted."),
    )
    created_at = models.DateTimeField(_("time"), default=timezone.now)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    note = models.TextField(_("note"), blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["order", "-created_at", "-id"], name="event_order_time_idx"),
            models.Index(fields=["type", "created_at"], name="event_type_time_idx"),
        ]

    def __str__(self):
        return f"{self.order_id} {self.type} {self.created_at:%Y-%m-%d %H:%M}"

    # --- how the work record reads (templates/orders/_timeline.html, the one renderer of events) ---------
    # Every code is shown by its label in the reader's language; what stage apps write is worded by them
    # through orders.event_wording.

    def get_type_display(self) -> str:
        # Django's generated get_type_display() rebuilds the choices dict on every call, and the order
        # page's timeline calls it fifty times (2 ms of the page at the bench). Same label, looked up.
        return str(_EVENT_TYPE_LABELS.get(self.type, self.type))

    @property
    def _stage(self):
        return event_wording.stage_wording(self.payload.get("stage", "")) if self.type == EventType.STAGE else None

    @property
    def type_label(self) -> str:
        """What happened: the event type's label, or for a stage's record the stage's label of its action."""
        stage = self._stage
        label = stage.actions.get(self.payload.get("action", "")) if stage else None
        return str(label) if label else self.get_type_display()

    @staticmethod
    def _state_label(value: str) -> str:
        return OrderState(value).label if value in OrderState.values else value

    @property
    def from_state_label(self) -> str:
        return self._state_label(self.from_state)

    @property
    def to_state_label(self) -> str:
        return self._state_label(self.to_state)

    @property
    def state_change(self) -> tuple[str, str] | None:
        """(from, to) as labels: the order's states, or a stage record's own (an after-sales case's)."""
        if self.from_state or self.to_state:
            return str(self.from_state_label) if self.from_state else "", str(self.to_state_label)
        stage = self._stage
        before, after = self.payload.get("from_state", ""), self.payload.get("to_state", "")
        if stage and (before or after):
            return str(stage.states.get(before, before)), str(stage.states.get(after, after))
        return None

    @property
    def item_label(self) -> str:
        """The checklist item's label in the reader's language, as it read when ticked."""
        return in_language(self.payload.get("label_zh"), self.payload.get("label_en")) or self.payload.get("item", "")

    @property
    def detail(self) -> str:
        """The one fact that completes the line: the item ticked, the channel, the number, the file..."""
        p = self.payload
        if self.type in (EventType.CHECKED, EventType.UNCHECKED):
            return self.item_label
        if self.type == EventType.CREATED:
            return str(_CHANNEL_LABELS.get(p.get("channel", ""), p.get("channel", "")))
        if self.type == EventType.NUMBER_ASSIGNED:
            return p.get("number", "")
        if self.type == EventType.IMPORTED:  # the file it came from, and its row
            return " · ".join(str(p[key]) for key in ("file", "rows") if p.get(key))
        if self.type == EventType.CONFIRMATION_RECORDED:  # who confirmed: in the confirmations section
            return str(_CONFIRMATION_LABELS.get(p.get("method", ""), p.get("method", "")))
        if self.type == EventType.REASSIGNED:
            # Names from the timeline's selector (order_timeline); the usernames stored otherwise.
            names = getattr(self, "handover_names", None) or (p.get("from", ""), p.get("to", ""))
            return f"{names[0]} → {names[1]}"
        if self.type in _PROMISE_EVENTS:  # which date, and for the customer's answer what they said
            dates = f"{p.get('from', '')} → {p.get('to', '')}"
            answer = _PROMISE_ANSWERS.get(p.get("answer", ""))
            return f"{dates} · {answer}" if answer else dates
        if self.type == EventType.RELEASED:  # which hold ended: its reason
            return p.get("reason", "")
        if self.type == EventType.COMMENT:  # whom it named, and its file
            named = [f"@{name}" for name in p.get("mentions", [])]
            return " · ".join([*named, p["name"]] if p.get("name") else named)
        if self.type == EventType.FLAGS_CHANGED:
            return " · ".join(
                f"{Order._meta.get_field(flag).verbose_name}: {_('yes') if on else _('no')}"
                for flag, on in p.items()
                if flag in _FLAG_FIELDS
            )
        return " · ".join(str(p[key]) for key in ("reference", "name") if p.get(key))

    @property
    def note_text(self) -> str:
        """The note: a system note worded in the reader's language, else the text as it was stored."""
        code = self.payload.get("note_code")
        if code:
            words = event_wording.note_words(code, self.payload.get("note_params", {}))
            if words is not None:
                return "\n".join(part for part in (words, self.note) if part)
        return self.note

    @property
    def changes_display(self) -> list[dict]:
        """Changed fields with their translated names ("line 2 quantity" → "Line 2 · quantity"), and a code's
        label for a field with choices."""
        stage = self._stage
        rows = []
        for change in self.payload.get("changes", []):
            name = change.get("field", "")
            prefix = ""
            model = (stage.changes_model if stage else None) or Order
            if name.startswith("line "):
                _line, number, name = name.split(" ", 2)
                prefix, model = f"{_('Line')} {number} · ", OrderLine
            old, new = change.get("old", ""), change.get("new", "")
            try:
                model_field = model._meta.get_field(name.removesuffix("_id"))
            except Exception:  # noqa: BLE001 - a field renamed since the event was written
                label = name
            else:
                label = str(model_field.verbose_name)
                if model_field.choices:
                    labels = dict(model_field.flatchoices)
                    old, new = str(labels.get(old, old)), str(labels.get(new, new))
                elif model_field.is_relation:  # stored as ids; named by the timeline's selector (events_readable)
                    names = getattr(self, "related_names", {})
                    target = model_field.related_model
                    old, new = (names.get((target, str(v)), "—" if v in ("", "None") else v) for v in (old, new))
            rows.append({"field": prefix + label, "old": old, "new": new})
        return rows


class Handover(models.Model):
    """A supervisor's reassignment of one order or of all of one merchandiser's orders."""

    from_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    to_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"))
    order_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")
        ordering = ["-at"]


class IdempotencyKey(models.Model):
    """A customer system's Idempotency-Key: a retried submission returns the first order."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    order = models.ForeignKey(Order, on_delete=models.CASCADE)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "key"], name="idempotency_unique")]
