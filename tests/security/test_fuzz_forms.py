"""Hostile input everywhere: every form that takes a POST (found from the URL resolver and the form on
its page), the list filters, and every API endpoint get NUL bytes, 10,000-character strings, odd Unicode,
extreme numbers and impossible dates. Nothing may answer 500, and nothing hostile may reach the database
(no NUL in any text column, the check constraints hold).

Each example runs in a savepoint that is rolled back, so examples do not see each other's rows.
"""

import json
import re
import string

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, models, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.models import OrderLine

from . import access_table as table
from .conftest import client_for, project_urls
from .test_access_matrix import expected_for, resolve_value, url_for

URLS = project_urls()
EXAMPLES = 25
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)
OUR_APPS = {
    "accounts",
    "notifications",
    "orders",
    "production",
    "logistics",
    "aftersales",
    "evaluation",
    "customer_portal",
}

# --- what hostile looks like ----------------------------------------------------------------------------

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)  # any Unicode but surrogates
NUMBERS = st.sampled_from(
    ["0", "-1", "-0", "1e309", "-1e309", "NaN", "Infinity", "1e-400", "0.000000001", "99999999999999999999999999",
     "12345678901234.5678", "１２３", "1_000", "0x10", "9" * 400]
)  # fmt: skip
DATES = st.sampled_from(
    ["0000-00-00", "0001-01-01", "9999-12-31", "2024-02-30", "1969-12-31", "2038-01-19T03:14:08", "+275760-09-13",
     "9999-12-31T23:59", "yesterday", "2026-13-01", "2026-01-01T25:61", "1e10"]
)  # fmt: skip
ODD = st.sampled_from(
    ["\x00", "a\x00b", "\u202egnp.exe", "𝕏𝕐ℤ", "🦄" * 50, "\ufeff", "Ａ１", "İı", "ß", "\u0301" * 100, "\r\n\r\n",
     "' OR 1=1 --", "<script>alert(1)</script>", "{{ 7|add:7 }}", "%s%n%x", "../../../etc/passwd", "null", "[]",
     "\t", " ", "\\", "ＳＯ－２０２６", "中文 " * 300]
)  # fmt: skip
LONG = st.sampled_from(["A" * 10_000, "é" * 10_000, "中" * 10_000, ("x\x00" * 5_000)])
HOSTILE = st.one_of(TEXT, NUMBERS, DATES, ODD, LONG, TEXT.map(lambda s: f"{s}\x00{s}"))
FILE_NAMES = st.sampled_from(
    ["x.pdf", "../../evil.pdf", "a.exe", "report.pdf.exe", "page.html", "page.svg", "nul\x00.pdf", "中文.xlsx",
     "x" * 300 + ".pdf", ".pdf", "CON.pdf", "orders.csv", "mail.eml"]
)  # fmt: skip
FILE_BYTES = st.one_of(
    st.binary(max_size=2_000),
    st.sampled_from([b"", b"\x00" * 100, b"<html><script>alert(1)</script></html>", b"PK\x03\x04broken-zip",
                     b"%PDF-1.4\n%%EOF", b"\xff\xfe\x00\x00", b"a,b\n" * 1000])
)  # fmt: skip


# --- the endpoints --------------------------------------------------------------------------------------


def post_role(name: str) -> str | None:
    for role in ("merchandiser", "supervisor", "qa", "hr", "management", "other_merchandiser", "anonymous", "contact"):
        if expected_for(name, "POST", role) in (table.OK, table.REFUSED):
            return role
    return None


FORM_URLS = sorted(n for n in URLS if not n.startswith("api:") and n in table.ACCESS and post_role(n))
FIELD_RE = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
NAME_RE = re.compile(r'\bname="([^"]+)"')
TYPE_RE = re.compile(r'\btype="([^"]+)"')


def form_fields(client, url: str, name: str) -> dict[str, str]:
    """field name → input type, read from the page's own form (or what the view reads, for POST-only URLs)."""
    fields = {}
    response = client.get(url)
    if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
        for _tag, attrs in FIELD_RE.findall(response.content.decode(errors="replace")):
            field = NAME_RE.search(attrs)
            if field and field.group(1) != "csrfmiddlewaretoken":
                kind = TYPE_RE.search(attrs)
                fields[field.group(1)] = kind.group(1).lower() if kind else "text"
    for key in table.POST_DATA.get(name, {}):
        fields.setdefault(key, "file" if key == "file" else "text")
    for key in ("version", "note", "reason", "step", "stash"):
        fields.setdefault(key, "text")
    return fields


def _text_columns() -> list[tuple[str, str, list[str]]]:
    tables = []
    for model in apps.get_models():
        if model._meta.app_label in OUR_APPS and model._meta.managed:
            columns = [
                f.column for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)
            ]
            if columns:
                tables.append((model._meta.label, model._meta.db_table, columns))
    return tables


def nul_rows() -> list[str]:
    """Tables of our apps with a NUL byte in a text column. PostgreSQL refuses NUL in text outright (a view
    that tried would answer 500, which the tests catch); SQLite would keep it, so look there."""
    if connection.vendor != "sqlite":
        return []
    found = []
    with connection.cursor() as cursor:
        for label, table_name, columns in _text_columns():
            where = " OR ".join(f"instr(CAST(\"{c}\" AS BLOB), x'00') > 0" for c in columns)
            cursor.execute(f'SELECT 1 FROM "{table_name}" WHERE {where} LIMIT 1')  # noqa: S608 - our own names
            if cursor.fetchone():
                found.append(label)
    return found


def constraints_hold() -> None:
    assert not nul_rows(), f"NUL bytes stored in {nul_rows()}"
    assert not OrderLine.objects.filter(quantity__lte=0).exists()
    assert not OrderLine.objects.filter(unit_price__lt=0).exists()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []


def isolated(callable_):
    with transaction.atomic():
        try:
            return callable_()
        finally:
            transaction.set_rollback(True)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("name", FORM_URLS)
def test_hostile_form_input_never_500s_nor_reaches_the_database(name, world):
    role = post_role(name)
    client = client_for(world, role)
    url = url_for(world, name)
    fields = form_fields(client, url, name)
    base = {k: resolve_value(world, v) for k, v in table.POST_DATA.get(name, {}).items() if k != "file"}

    @FUZZ
    @given(data=st.data())
    def run(data):
        body = dict(base)
        for field, kind in fields.items():
            if not data.draw(st.booleans(), label=f"send {field}"):
                continue
            if kind == "file":
                body[field] = SimpleUploadedFile(data.draw(FILE_NAMES), data.draw(FILE_BYTES))
            else:
                body[field] = data.draw(HOSTILE, label=field)

        def post():
            response = client.post(url, body)
            assert response.status_code < 500, f"POST {url}: {response.status_code}"
            constraints_hold()

        isolated(post)

    run()


LIST_URLS = [
    "orders:list",
    "orders:customer_list",
    "orders:product_list",
    "orders:export",
    "customer:orders",
    "customer:shipments",
    "customer:documents",
    "customer:cases",
    "customer:surveys",
]
LIST_ROLE = {"orders:export": "merchandiser", **dict.fromkeys(LIST_URLS[4:], "contact")}


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in LIST_URLS if n in URLS])
def test_hostile_filters_and_sorting_never_500(name, world):
    client = client_for(world, LIST_ROLE.get(name, "supervisor"))
    url = url_for(world, name)
    params = set(NAME_RE.findall(client.get(url).content.decode(errors="replace"))) | {"sort", "page", "per_page", "q"}

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(sorted(params)), HOSTILE, max_size=4))
    def run(query):
        response = client.get(url, query)
        assert response.status_code < 500, f"GET {url} {query!r}: {response.status_code}"

    run()


# --- the API --------------------------------------------------------------------------------------------


def valid_submission(world) -> dict:
    line = world.order.lines.select_related("product", "unit").first()
    return {
        "customer_po": "PO-FUZZ-1",
        "delivery_date": str(world.order.delivery_date),
        "currency": "USD",
        "lines": [{"style_no": line.product.style_no, "quantity": "10", "unit": line.unit.code, "unit_price": "1.5"}],
    }


JSON_LEAF = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80), st.floats(), HOSTILE)
JSON_ANY = st.recursive(JSON_LEAF, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3))
SUBMISSION_PATHS = [
    ("customer_po",), ("delivery_date",), ("currency",), ("trade_terms",), ("payment_terms",), ("ship_to",),
    ("notes",), ("lines",), ("lines", 0, "style_no"), ("lines", 0, "description"), ("lines", 0, "quantity"),
    ("lines", 0, "unit"), ("lines", 0, "unit_price"), ("lines", 0, "colour"), ("lines", 0, "size"),
]  # fmt: skip


def set_path(document, path, value):
    """Put `value` at `path`; a path an earlier change already destroyed (lines is now a string) is skipped."""
    target = document
    try:
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    except (TypeError, IndexError, KeyError):
        pass


@pytest.mark.slow
@pytest.mark.django_db
def test_hostile_api_submissions_are_answered_with_json_errors(world):
    client = client_for(world, "customer_api")

    @FUZZ
    @given(
        changes=st.lists(st.tuples(st.sampled_from(SUBMISSION_PATHS), st.one_of(HOSTILE, JSON_LEAF)), max_size=4),
        key=st.one_of(st.uuids().map(str), HOSTILE),
        raw=st.one_of(st.none(), JSON_ANY.map(json.dumps), st.binary(max_size=200)),
    )
    def run(changes, key, raw):
        body = valid_submission(world)
        for path, value in changes:
            set_path(body, path, value)
        payload = raw if raw is not None else json.dumps(body)

        def post():
            response = client.post("/api/v1/orders", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)
            assert response.status_code < 500, f"{response.status_code}: {payload!r:.300}"
            assert response["Content-Type"].startswith("application/json")
            if response.status_code >= 400:
                error = response.json()
                assert set(error) >= {"detail", "code"}
            constraints_hold()

        isolated(post)

    run()


@pytest.mark.slow
@pytest.mark.django_db
def test_hostile_api_reads_never_500(world):
    client = client_for(world, "customer_api")

    @FUZZ
    @given(
        path=st.one_of(HOSTILE, st.integers(min_value=-(2**70), max_value=2**70).map(str)),
        query=st.dictionaries(st.sampled_from(["limit", "cursor", "status", "x"]), HOSTILE, max_size=3),
    )
    def run(path, query):
        safe = "".join(
            c if c in string.ascii_letters + string.digits + "-_." else f"%{ord(c) & 0xFF:02X}" for c in path
        )
        for url in (f"/api/v1/orders/{safe}", "/api/v1/orders"):
            response = client.get(url, query)
            assert response.status_code < 500, f"GET {url} {query!r}: {response.status_code}"

    run()


# --- what the fuzzing found, pinned so it stays fixed -------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/orders/customers/", "/orders/products/"])
@pytest.mark.parametrize("per_page", ["-1", "0", "99999999999", "abc", "\x00"])
def test_found_a_negative_per_page_on_the_master_data_lists(world, url, per_page):
    """orders/views/customers.py: django-tables2 passed ?per_page=-1 to its paginator, which raised (500)."""
    response = client_for(world, "supervisor").get(url, {"per_page": per_page})
    assert response.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("version", [":", "1e3", "", "\x00", "-1", "99999999999999999999"])
def test_found_a_version_that_is_not_a_number_on_the_checklist(world, version):
    """orders/services/workflow.py order_check_version: int(':') raised ValueError (500); now a stale page."""
    client = client_for(world, "merchandiser")
    response = client.post(
        f"/orders/{world.order.pk}/check/{world.checklist_item.pk}/", {"checked": "1", "version": version}
    )
    assert response.status_code == 302
    assert not world.order.checks.exists() or version == ""


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["\x00", "key\x00", "tab\tkey", "line\nbreak"])
def test_found_a_nul_in_the_idempotency_key(world, key):
    """orders/services/api_intake.py: a NUL in the Idempotency-Key reached PostgreSQL (500)."""
    response = client_for(world, "customer_api").post(
        "/api/v1/orders", json.dumps(valid_submission(world)), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key
    )
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_required"


@pytest.mark.django_db
@pytest.mark.parametrize("path", [("customer_po",), ("notes",), ("lines", 0, "description"), ("lines", 0, "colour")])
def test_found_a_nul_in_an_api_text_field(world, path):
    """orders/services/api_intake.py: a NUL in a text field was saved (SQLite) or reached PostgreSQL (500)."""
    body = valid_submission(world)
    set_path(body, path, "bad\x00value")
    response = client_for(world, "customer_api").post(
        "/api/v1/orders", json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY="nul-test"
    )
    assert response.status_code == 422
    assert any("NUL" in e["message"] for e in response.json()["errors"])
    constraints_hold()


@pytest.mark.django_db
def test_found_a_kpi_weight_that_is_not_a_number(world):
    """evaluation/templatetags/evaluation_tags.py weight_total: int(':') on the form sent back (500)."""
    if "evaluation:scheme_new" not in URLS:
        pytest.skip("no KPI scheme editor")
    client = client_for(world, "hr")
    url = url_for(world, "evaluation:scheme_new")
    weights = [f for f in form_fields(client, url, "evaluation:scheme_new") if f.endswith("__weight")]
    assert weights, "the scheme form has no weight fields"
    response = client.post(url, dict.fromkeys(weights, ":"))
    assert response.status_code in (200, 400, 422)
