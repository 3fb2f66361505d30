"""Email intake (邮件接单): read a customer's email so the merchandiser can take the order from it.

Parsing only reads; the order is saved by `email_order_create`, which attaches the original email to the
new order in the same transaction.
"""

import email
import email.policy
import itertools
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from html.parser import HTMLParser

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.errors import InvalidInput

from ..models import AttachmentKind, Channel, Customer, CustomerContact, Order
from .intake import OrderInput, order_create

NOTES_MAX_CHARS = 4000  # the order form's notes field takes 5,000; leave room for the merchandiser
PO_MAX_CHARS = 60  # Order.customer_po

# Limits checked on the raw bytes before the email parser sees them. Python's header parser needs memory that
# grows with the square of the encoded words in a header (CPython gh-136063), and recurses once per nested
# comment or MIME part; a real customer's email comes nowhere near these.
HEADER_MAX_BYTES = 8 * 1024  # one header of the top section, unfolded
ENCODED_WORDS_MAX = 300  # =?charset?q|b?...?= words in the whole email, part headers included
MULTIPARTS_MAX = 100  # multipart containers in the whole email
COMMENTS_MAX = 100  # "(" in one header of the top section
# The top header section as Python's parser finds it: lines that start "From ", a field name and a colon, or
# a space or tab (a folded line); the first other line (a blank one, or body text) ends it.
HEADER_SECTION = re.compile(rb"(?:(?:From |[\x21-\x39\x3b-\x7e]*:|[ \t])[^\r\n]*(?:\r\n|\n|\r))*")
# A header: its first line and the folded lines after it (each starts with a space or a tab).
HEADER = re.compile(rb"^([^ \t\r\n:][^\r\n:]*)(?::[^\r\n]*)?(?:(?:\r\n|\n|\r)[ \t][^\r\n]*)*", re.M)
ENCODED_WORD = re.compile(rb"=\?[^?\s]{1,75}\?[qQbB]\?")
MULTIPART = re.compile(rb"multipart", re.I)

# A customer's own domain identifies the customer; a free-mail domain identifies nobody.
FREE_MAIL_DOMAINS = {
    "126.com",
    "139.com",
    "163.com",
    "aliyun.com",
    "foxmail.com",
    "gmail.com",
    "hotmail.com",
    "icloud.com",
    "live.com",
    "outlook.com",
    "qq.com",
    "sina.com",
    "sohu.com",
    "yahoo.com",
    "yeah.net",
}

# "PO# 4500-123", "P.O. No: AB1234", "订单号：XY-2024-01". The number must hold a digit, so "PO: PLEASE" is no PO.
PO_PATTERNS = [
    re.compile(r"\bP\.?O\.?(?:\s*(?:[Nn]o\.?|[Nn]umber|[Nn]r\.?))?[#:：\s-]*([A-Z0-9][A-Z0-9/-]{3,})"),
    re.compile(r"(?:客户订单号|采购单号|订单编号|订单号)\s*[#:：\s-]*([A-Za-z0-9][A-Za-z0-9/-]{3,})"),
]


@dataclass
class ParsedEmail:
    raw: bytes
    sender_name: str = ""
    sender_address: str = ""
    subject: str = ""
    date: datetime | None = None
    body: str = ""
    body_is_html: bool = False
    attachment_names: list[str] = field(default_factory=list)

    @property
    def sender(self) -> str:
        if self.sender_name and self.sender_address:
            return f"{self.sender_name} <{self.sender_address}>"
        return self.sender_address or self.sender_name

    @property
    def filename(self) -> str:
        """`<subject-slug>.eml`: the name the original gets on the order."""
        slug = slugify(self.subject, allow_unicode=True)[:80].strip("-_") or "email"
        return f"{slug}.eml"


def _fix_text(value: str) -> str:
    """Header text parsed from bytes keeps undeclared 8-bit bytes as surrogates; read them as UTF-8 or GBK."""
    try:
        value.encode("utf-8")
        return value
    except UnicodeEncodeError:
        data = value.encode("utf-8", "surrogateescape")
    for charset in ("utf-8", "gb18030"):
        try:
            return data.decode(charset)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace")


def _decode_part(part: EmailMessage) -> str:
    data = part.get_payload(decode=True) or b""
    if not isinstance(data, bytes):
        return ""
    declared = part.get_content_charset()
    for charset in [c for c in (declared, "utf-8", "gb18030") if c]:
        try:
            return data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", "replace")


class _TextFromHtml(HTMLParser):
    """The readable text of an HTML body: no scripts or styles, line breaks where blocks end."""

    BREAKS = {"br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "table", "blockquote"}
    SKIP = {"script", "style", "head", "title"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _too_nested() -> InvalidInput:
    return InvalidInput(
        _(
            "The email cannot be read: it is nested too deeply (comments or parts inside one another). "
            "Nothing was saved."
        )
    )


def _more_than(pattern: re.Pattern, data: bytes, limit: int) -> bool:
    """Whether `pattern` occurs more than `limit` times; stops counting there."""
    return next(itertools.islice(pattern.finditer(data), limit, None), None) is not None


def _refuse_hostile_structure(raw: bytes) -> None:
    """Refuse, by counting on the raw bytes, what would make the email parser blow up (see the limits above)."""
    for header in HEADER.finditer(HEADER_SECTION.match(raw).group(0)):
        text = header.group(0)
        name = header.group(1).decode("ascii", "replace").strip()[:40]
        if len(text) > HEADER_MAX_BYTES:
            raise InvalidInput(
                _("The email cannot be read: its “%(name)s” header is too long (over %(limit)d KB). Nothing was saved.")
                % {"name": name, "limit": HEADER_MAX_BYTES // 1024}
            )
        if text.count(b"(") > COMMENTS_MAX:
            raise _too_nested()
    if _more_than(ENCODED_WORD, raw, ENCODED_WORDS_MAX):
        raise InvalidInput(
            _(
                "The email cannot be read: its headers hold more than %(limit)d encoded words "
                "(=?…?=). Nothing was saved."
            )
            % {"limit": ENCODED_WORDS_MAX}
        )
    if _more_than(MULTIPART, raw, MULTIPARTS_MAX):
        raise _too_nested()


def _readable_date(value) -> datetime | None:
    """The email's date if it can be shown in any time zone; one at the edge of the calendar (year 9999, or 1)
    would overflow when the page converts it, and reads as no date."""
    if not isinstance(value, datetime):
        return None
    # A time zone moves a date by less than a day either way.
    return value if date.min + timedelta(days=1) <= value.date() <= date.max - timedelta(days=1) else None


def email_intake_parse(raw: bytes) -> ParsedEmail:
    """Read sender, subject, date, text body and attachment names from a raw email (RFC 5322 bytes).

    Raises InvalidInput for an empty, oversized, binary or header-less input, and for one built to exhaust the
    parser (a huge header, too many encoded words, deep nesting). Never raises anything else for malformed
    mail: a header that cannot be read is left empty.
    """
    if not raw or not raw.strip():
        raise InvalidInput(_("The email is empty."))
    if len(raw) > settings.ATTACHMENT_MAX_BYTES:
        raise InvalidInput(
            _("The email is too large. The limit is %(limit)d MB.")
            % {"limit": settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)}
        )
    if b"\x00" in raw:
        raise InvalidInput(_("This is not an email: the file holds binary data."))
    _refuse_hostile_structure(raw.lstrip())
    try:
        return _parse(raw)
    except RecursionError:
        # Nesting the counts above let through (comments in a part's header): still a clear refusal.
        raise _too_nested() from None


def _parse(raw: bytes) -> ParsedEmail:
    message = email.message_from_bytes(raw.lstrip(), policy=email.policy.default)
    if message["From"] is None and message["Subject"] is None:
        raise InvalidInput(
            _("This does not look like an email: it has no “From:” or “Subject:” line. Paste the whole email.")
        )
    parsed = ParsedEmail(raw=raw)
    try:
        sender = message["From"]
        addresses = getattr(sender, "addresses", ()) if sender is not None else ()
        if addresses:
            parsed.sender_name = _fix_text(addresses[0].display_name or "").strip()
            address = _fix_text(addresses[0].addr_spec or "").strip()
            parsed.sender_address = address if "@" in address else ""
        elif sender is not None:
            parsed.sender_name = _fix_text(str(sender)).strip()
    except (ValueError, TypeError, IndexError, AttributeError):
        pass  # an unreadable From stays empty; the merchandiser picks the customer
    try:
        parsed.subject = " ".join(_fix_text(str(message["Subject"] or "")).split())
    except (ValueError, TypeError, AttributeError):
        parsed.subject = ""
    try:
        sent = message["Date"]
        parsed.date = _readable_date(getattr(sent, "datetime", None)) if sent is not None else None
    except (ValueError, TypeError, AttributeError, OverflowError):
        parsed.date = None
    try:
        plain = message.get_body(preferencelist=("plain",))
        html = message.get_body(preferencelist=("html",)) if plain is None else None
        if plain is not None:
            parsed.body = _decode_part(plain).strip()
        elif html is not None:
            parsed.body = html_to_text(_decode_part(html))
            parsed.body_is_html = True
        parsed.attachment_names = [
            _fix_text(part.get_filename() or "") or part.get_content_type() for part in message.iter_attachments()
        ]
    except (ValueError, TypeError, LookupError, AttributeError, KeyError):
        pass  # a malformed MIME structure: show what was read, the original is still attached
    return parsed


def customer_for_sender(address: str) -> Customer | None:
    """The customer whose (or whose contact's) email is the sender's; else the one customer of that domain."""
    address = (address or "").strip()
    if "@" not in address:
        return None
    exact = Customer.objects.filter(email__iexact=address).order_by("pk").first()
    if exact:
        return exact
    contact = CustomerContact.objects.filter(email__iexact=address).select_related("customer").order_by("pk").first()
    if contact:
        return contact.customer
    domain = address.rsplit("@", 1)[1].lower()
    if not domain or domain in FREE_MAIL_DOMAINS:
        return None
    suffix = "@" + domain
    ids = set(
        Customer.objects.filter(Q(email__iendswith=suffix) | Q(contacts__email__iendswith=suffix))
        .values_list("pk", flat=True)
        .distinct()[:2]
    )
    if len(ids) != 1:
        return None  # none, or several customers share the domain: let the merchandiser choose
    return Customer.objects.get(pk=ids.pop())


def guess_customer_po(*texts: str) -> str:
    for text in texts:
        for pattern in PO_PATTERNS:
            for match in pattern.finditer(text or ""):
                candidate = match.group(1).strip("-/")
                if any(ch.isdigit() for ch in candidate):
                    return candidate[:PO_MAX_CHARS]
    return ""


def email_order_initial(parsed: ParsedEmail) -> dict:
    """Values to prefill the order form with: customer, PO and notes (subject + body, trimmed)."""
    initial = {}
    customer = customer_for_sender(parsed.sender_address)
    if customer:
        initial["customer"] = customer.pk
    po = guess_customer_po(parsed.subject, parsed.body)
    if po:
        initial["customer_po"] = po
    notes = "\n\n".join(part for part in (parsed.subject, parsed.body) if part)
    if len(notes) > NOTES_MAX_CHARS:
        notes = notes[: NOTES_MAX_CHARS - 1].rstrip() + "…"
    initial["notes"] = notes
    return initial


def email_order_create(*, data: OrderInput, email: ParsedEmail, actor) -> Order:
    """Save an order taken from an email. The original email, byte for byte, is attached as
    `<subject-slug>.eml` (kind source_email) in the same transaction as the order: both or neither."""
    return order_create(
        data=data,
        channel=Channel.EMAIL,
        actor=actor,
        source_file=ContentFile(email.raw, name=email.filename),
        source_kind=AttachmentKind.SOURCE_EMAIL,
    )
