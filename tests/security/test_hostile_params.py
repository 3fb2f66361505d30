"""Hostile query parameters on every page a person can open (issue 19, item 6): huge, negative and zero
numbers, dates at the ends of the calendar, garbage, very long text and NUL bytes. No page answers 500.

The pages come from the URL resolver and the access table (tests/security/access_table.py), each opened
as the first of the supervisor, management, QA, HR and the merchandiser who may read it. Each page's
parameters are the fields of its own forms (its filters), what the views read from request.GET (found in
the source), and the ones every list shares.
"""

import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import access_table as table
from .conftest import client_for, project_urls
from .test_access_matrix import expected_for, url_for

ROOT = Path(__file__).resolve().parents[2]
APPS = ("accounts", "orders", "production", "logistics", "aftersales", "supervision", "evaluation", "dashboards")
URLS = project_urls()
READERS = ("supervisor", "management", "qa", "hr", "merchandiser")
# Not lists or reports: signing in and out, the password and OTP steps, the API (tests/security/
# test_fuzz_forms.py fuzzes its reads), the customer's status page (a token, no session).
SKIPPED = ("api:", "portal:", "login", "logout", "password_", "otp_", "set_language", "healthz")
COMMON = ("page", "per_page", "sort", "week", "end", "start", "year", "q", "cursor", "open")

HOSTILE = [
    str(2**63),
    str(10**30),
    "-1",
    "0",
    "9999-12-31",
    "0001-01-01",
    "garbage-ü",
    "x" * 4000,
    "\x00",
    "1\x00",
    "1e309",
]
# Each parameter alone gets the value most likely to break it, so another's error cannot hide it: a date
# at the end of the calendar for a date, an integer past 64 bits for anything else.
DATE_NAMES = {"week", "start", "end", "day", "date"}

FIELD_RE = re.compile(r"<(?:input|select|textarea)\b[^>]*>", re.I)
NAME_RE = re.compile(r'\bname="([^"]+)"')
DATE_INPUT_RE = re.compile(r'\btype="date', re.I)
GET_READ_RE = re.compile(r"""request\.GET(?:\.get|\.getlist)?[(\[]\s*["']([A-Za-z_][\w-]*)["']""")


def reader(name: str) -> str | None:
    if name.startswith(SKIPPED) or name not in table.ACCESS:
        return None
    for role in READERS:
        if expected_for(name, "GET", role) == table.OK:
            return role
    return None


PAGES = sorted(name for name in URLS if reader(name))


def params_read_by_views() -> set[str]:
    names = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            names.update(GET_READ_RE.findall(path.read_text(encoding="utf-8")))
    return names


VIEW_PARAMS = params_read_by_views()


def page_params(client, url: str) -> tuple[list[str], set[str]]:
    """The page's own field names and the ones every list shares (each sent alone too), and which of them
    take a date."""
    response = client.get(url)
    assert response.status_code < 500, f"GET {url}: {response.status_code}"
    own, dates = set(COMMON), set(DATE_NAMES)
    if response.get("Content-Type", "").startswith("text/html"):
        for field in FIELD_RE.findall(response.content.decode(errors="replace")):
            name = NAME_RE.search(field)
            if name and name.group(1) != "csrfmiddlewaretoken":
                own.add(name.group(1))
                if DATE_INPUT_RE.search(field):
                    dates.add(name.group(1))
    return sorted(own), dates


def test_the_walk_covers_the_lists_and_reports():
    assert {"orders:list", "aftersales:case_list", "logistics:shipment_list", "supervision:review_queue"} <= set(PAGES)
    assert {"page", "per_page", "week", "status"} <= VIEW_PARAMS


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_hostile_query_parameters_never_500(world, name):
    client = client_for(world, reader(name))
    url = url_for(world, name, reader(name))
    own, dates = page_params(client, url)
    failures = []
    for value in HOSTILE:
        response = client.get(url, dict.fromkeys(sorted(set(own) | VIEW_PARAMS), value))
        if response.status_code >= 500:
            failures.append(f"all={value!r:.40}")
    for param in own:
        value = "9999-12-31" if param in dates else str(2**63)
        if client.get(url, {param: value}).status_code >= 500:
            failures.append(f"{param}={value}")
    assert not failures, f"GET {url} answered 500 for: {', '.join(failures)}"


# --- fuzzing: random mixes of the parameters above on the busiest lists ---------------------------------

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VALUES = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.dates().map(str),
    st.text(max_size=30),
)
LISTS = ["orders:list", "aftersales:case_list", "logistics:shipment_list", "supervision:finding_list"]


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("name", [n for n in LISTS if n in PAGES])
def test_fuzzed_query_parameters_never_500(world, name):
    client = client_for(world, reader(name))
    url = url_for(world, name, reader(name))
    own, _dates = page_params(client, url)
    params = sorted(set(own) | VIEW_PARAMS)

    @FUZZ
    @given(query=st.dictionaries(st.sampled_from(params), VALUES, max_size=5))
    def run(query):
        response = client.get(url, query)
        assert response.status_code < 500, f"GET {url} {query!r:.300}: {response.status_code}"

    run()
