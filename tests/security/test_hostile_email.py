"""Emails built to hurt the intake (issue 19, item 1): a header the email parser needs gigabytes for, comments
or MIME parts nested until Python's recursion limit, a date past the year 9999. Each is refused with a clear
message, or read without the bad part, on both the paste and the .eml upload paths; nothing is saved."""

import tracemalloc
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.errors import InvalidInput
from orders.models import Order
from orders.services.email_intake import email_intake_parse

URL = reverse("orders:intake_email")
HEAD = b"From: Carol <carol@buyer.example>\nSubject: PO 7788-01\n"
BODY = b"\nplease book 300 sets\n"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024  # the default: these emails are refused for what they hold
    return settings.MEDIA_ROOT


def stash_files(media_root) -> list[Path]:
    folder = Path(media_root) / "intake-tmp"
    return list(folder.iterdir()) if folder.exists() else []


def encoded_word_subject(size: int) -> bytes:
    """A Subject of `=?utf-8?q?=41?=` words, `size` bytes long: CPython gh-136063 makes its parsing quadratic."""
    word = b"=?utf-8?q?=41?= "
    return b"From: a@buyer.example\nSubject: " + word * (size // len(word)) + b"\n" + BODY


NESTED_COMMENTS_FROM = b"From: " + b"(" * 2500 + b")" * 2500 + b" a@buyer.example\nSubject: PO 1\n" + BODY


def nested_multiparts(depth: int) -> bytes:
    raw = b"From: a@buyer.example\nSubject: PO 1\nMIME-Version: 1.0\n"
    for level in range(depth):
        raw += b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (level, level)
    return raw + b"Content-Type: text/plain\n\nhello\n"


def post_both_ways(client, raw: bytes):
    """The same email, pasted and uploaded; yields each response."""
    yield client.post(URL, {"step": "parse", "raw_text": raw.decode()})
    yield client.post(URL, {"step": "parse", "eml_file": SimpleUploadedFile("mail.eml", raw)})


def test_a_256kb_header_of_encoded_words_is_refused_without_the_memory_bomb():
    raw = encoded_word_subject(256 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(InvalidInput) as refused:
            email_intake_parse(raw)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024
    assert "header" in refused.value.message


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (encoded_word_subject(256 * 1024), "too long"),
        (HEAD + b"X-Note: " + b"a" * 9000 + b"\n" + BODY, "too long"),
        (HEAD + b"X-Folded: a\n" + b" b" * 5000 + b"\n" + BODY, "too long"),  # long only once unfolded
        (HEAD + b"".join(b"X-%d: =?utf-8?q?=41?= =?utf-8?q?=42?=\n" % i for i in range(400)) + BODY, "encoded"),
        (NESTED_COMMENTS_FROM, "nested"),
        (nested_multiparts(2000), "nested"),
    ],
    ids=["encoded-words-256kb", "long-header", "long-folded-header", "many-encoded-words", "nested-comments",
         "nested-multiparts"],
)  # fmt: skip
def test_hostile_headers_are_a_form_error_on_both_paths_and_save_nothing(client, merchandiser, media, raw, message):
    client.force_login(merchandiser)
    for response in post_both_ways(client, raw):
        assert response.status_code == 400
        errors = response.context["source"].non_field_errors()
        assert any(message in str(error) for error in errors), errors
    assert Order.objects.count() == 0
    assert stash_files(media) == []


def test_hostile_headers_are_refused_in_chinese(client, merchandiser):
    merchandiser.preferred_language = "zh-hans"
    merchandiser.save(update_fields=["preferred_language"])
    client.force_login(merchandiser)
    response = client.post(URL, {"step": "parse", "raw_text": NESTED_COMMENTS_FROM.decode()})
    assert response.status_code == 400
    assert "嵌套" in response.content.decode()


@pytest.mark.parametrize(
    "date",
    [b"Fri, 31 Dec 9999 23:59:59 -1200", b"Fri, 31 Dec 9999 23:59:59 +0000", b"Sat, 1 Jan 10000 00:00:00 +0000"],
)
def test_a_date_at_the_edge_of_the_calendar_reads_as_no_date(client, merchandiser, date):
    raw = HEAD + b"Date: " + date + b"\n" + BODY
    client.force_login(merchandiser)
    for response in post_both_ways(client, raw):
        assert response.status_code == 200
        assert response.context["email"].subject == "PO 7788-01"
        assert response.context["email"].date is None


def test_an_ordinary_long_header_section_is_still_read():
    hop = b"Received: from relay%d.example by mx.example; Mon, 9 Nov 2026 08:00:00 +0800\n"
    received = b"".join(hop % i for i in range(60))
    subject = b"Subject: " + b" ".join([b"=?utf-8?b?6K6i5Y2V?="] * 40) + b"\n"
    parsed = email_intake_parse(received + b"From: a@buyer.example\n" + subject + BODY)
    assert parsed.subject == "订单" * 40


def test_a_long_line_of_text_after_the_headers_is_body_not_a_header():
    pasted = b"From: a@buyer.example\nSubject: PO 7788-01\nplease book: " + b"300 sets " * 1200 + b"\n"
    parsed = email_intake_parse(pasted)  # no blank line: the first line that is not a header starts the body
    assert parsed.subject == "PO 7788-01"


# --- fuzzing ----------------------------------------------------------------------------------------------

FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WORDS = st.sampled_from(
    [b"=?utf-8?q?=41?=", b"=?utf-8?b?6K6i5Y2V?=", b"=?gb2312?b?sqLK1A==?=", b"=?x-unknown?q?a?=", b"=?utf-8?q?", b"?=",
     b"(", b")", b"\\", b'"', b"<", b">", b"@", b",", b";", b":", b"a", b"\xe4\xb8\xad", b"\xff", b" ", b"\t"]
)  # fmt: skip
NAMES = st.sampled_from([b"From", b"Subject", b"Date", b"To", b"Content-Type", b"Content-Disposition", b"X-A"])


@st.composite
def hostile_emails(draw) -> bytes:
    headers = []
    for _ in range(draw(st.integers(1, 6))):
        name = draw(NAMES)
        value = b"".join(draw(st.lists(WORDS, max_size=draw(st.sampled_from([5, 50, 800])))))
        if draw(st.booleans()):
            value = draw(st.sampled_from([b"(", b"((", b"=?utf-8?q?=41?= "])) * draw(st.integers(1, 3000)) + value
        if draw(st.booleans()):
            value = value.replace(b" ", b"\n ")  # folded
        headers.append(name + b": " + value)
    depth = draw(st.integers(0, 400))
    nesting = b"".join(b'Content-Type: multipart/mixed; boundary="b%d"\n\n--b%d\n' % (i, i) for i in range(depth))
    return b"\n".join(headers) + b"\n" + nesting + BODY


@FUZZ
@given(raw=hostile_emails())
def test_fuzzed_headers_are_read_or_refused_never_crash(raw):
    try:
        parsed = email_intake_parse(raw)
    except InvalidInput:
        return
    assert parsed.date is None or 1 <= parsed.date.year <= 9999
    str(parsed.sender), str(parsed.subject), parsed.filename  # noqa: B018 - what the page shows must be readable
