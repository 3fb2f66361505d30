"""The bench's random-id mode: the path list, the wrk script that reads it, and the targets of issue #17."""

import http.server
import importlib.util
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
RUN = ROOT / "bench" / "run.py"
spec = importlib.util.spec_from_file_location("bench_run", RUN)
bench = importlib.util.module_from_spec(spec)
sys.modules["bench_run"] = bench  # dataclasses look their module up while the file runs
spec.loader.exec_module(bench)

from bench import random_ids  # noqa: E402 - run.py put the project root on the path

from ..conftest import require_server  # noqa: E402

# --- The path list -------------------------------------------------------------------------------


def test_each_pick_becomes_its_path_and_its_users_cookie():
    picks = [random_ids.Pick(cookie="sessionid=aaa", pk=7), random_ids.Pick(cookie="sessionid=bbb", pk=12)]
    assert random_ids.path_lines(picks, url="/orders/{id}/") == [
        "/orders/7/\tsessionid=aaa",
        "/orders/12/\tsessionid=bbb",
    ]


@pytest.mark.parametrize(
    ("url", "cookie"),
    [
        ("/orders/", "sessionid=a"),  # no {id}: every line would be the same page
        ("orders/{id}/", "sessionid=a"),  # not a path
        ("/orders/{id}/", "sessionid=a\tb"),  # a tab would split the line in the wrong place
        ("/orders/{id}/", "sessionid=a\nb"),
    ],
)
def test_a_list_that_would_be_misread_is_refused(url, cookie):
    with pytest.raises(ValueError):
        random_ids.path_lines([random_ids.Pick(cookie=cookie, pk=1)], url=url)


def test_ids_are_shared_evenly_between_users():
    assert random_ids.shares(4000, 8) == [500] * 8
    assert random_ids.shares(10, 4) == [3, 3, 2, 2]
    assert sum(random_ids.shares(4001, 7)) == 4001
    with pytest.raises(ValueError):
        random_ids.shares(10, 0)


def test_users_are_taken_from_across_the_list():
    people = [f"team{t:02d}.m{m}" for t in range(20) for m in range(10)]  # sorted by team, 10 a team
    chosen = random_ids.spread(people, 8)
    assert len(chosen) == 8
    assert len({name[:6] for name in chosen}) == 8  # eight different teams
    assert random_ids.spread(people[:3], 8) == people[:3]
    assert random_ids.spread([], 8) == []


def test_an_empty_list_is_not_written(tmp_path):
    with pytest.raises(ValueError):
        random_ids.write_path_list([], tmp_path / "paths.txt")


# --- The wrk script, against a small server that records what it is asked --------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[tuple[str, str]] = []

    def do_GET(self):  # noqa: N802 - the name http.server calls
        _Recorder.seen.append((self.path, self.headers.get("Cookie", "")))
        status = 302 if self.path == "/redirects/" else 200
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def _wrk_with_list(tmp_path, lines, seconds=1):
    paths = random_ids.write_path_list(lines, tmp_path / "paths.txt")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Recorder.seen = []
    try:
        output = subprocess.run(
            ["wrk", "-c2", "-t2", f"-d{seconds}s", "--latency", "-s", str(random_ids.LUA_SCRIPT),  # noqa: S607
             f"http://127.0.0.1:{server.server_port}/"],
            env={"PATH": "/usr/bin:/bin", random_ids.PATHS_ENV: str(paths)},
            capture_output=True, text=True, check=True, timeout=30,
        ).stdout  # fmt: skip
    finally:
        server.shutdown()
        server.server_close()
    return output, list(_Recorder.seen)


def test_wrk_asks_for_the_listed_paths_each_with_its_own_cookie(tmp_path):
    require_server(bool(shutil.which("wrk")), "wrk (apt-get install wrk)")
    lines = [f"/orders/{pk}/\tsessionid=user{pk % 3}" for pk in range(1, 41)]
    output, seen = _wrk_with_list(tmp_path, lines)

    assert len(seen) > 40
    assert {f"{path}\t{cookie}" for path, cookie in seen} <= set(lines)  # never a path with another's cookie
    assert len({path for path, _cookie in seen}) > 20  # random: many of the forty, not one repeated
    assert "/" not in {path for path, _cookie in seen}  # the URL given to wrk is only where it connects
    assert bench.parse_wrk(output).errors == 0


def test_an_answer_other_than_200_is_an_error(tmp_path):
    require_server(bool(shutil.which("wrk")), "wrk (apt-get install wrk)")
    output, _seen = _wrk_with_list(tmp_path, ["/redirects/\tsessionid=x"])
    result = bench.parse_wrk(output)
    assert result.requests > 0
    assert result.errors == result.requests  # a redirect (to sign in, say) is not a fast page


# --- The targets ---------------------------------------------------------------------------------


def _page_result(page, **kwargs):
    defaults = {"wrk": bench.WrkResult(rps=100, p99_ms=50, requests=1000), "queries": 8, "ratio": 0.3}
    return bench.PageResult(page=page, **{**defaults, **kwargs})


def test_the_order_page_may_cost_three_floors_of_cpu_not_more():
    page = next(p for p in bench.PAGES if p.key == "detail-random")
    assert page.sample and "{id}" in page.url
    within = _page_result(page, cpu_ms=12.9, floor_cpu_ms=4.3)  # 3.0× the floor's, req/s ratio not judged
    assert bench.misses(within) == []
    over = _page_result(page, cpu_ms=21.0, floor_cpu_ms=4.3, wrk=bench.WrkResult(rps=50, p99_ms=104, requests=500))
    assert bench.misses(over) == ["CPU 4.9× floor's", "p99 104 ms"]


def test_the_admin_changelist_is_judged_against_the_order_list():
    page = next(p for p in bench.PAGES if p.key == "admin")
    assert page.target.min_share_of == ("list", pytest.approx(1 / 3))
    assert bench.misses(_page_result(page, ratio=0.15, reference_ratio=0.61)) == ["25% of list"]
    assert bench.misses(_page_result(page, ratio=0.21, reference_ratio=0.61)) == []
    assert bench.misses(_page_result(page, ratio=0.21)) == ["no list row to compare with"]


def test_more_than_ten_queries_misses_on_every_page_but_the_floor():
    for page in bench.PAGES:
        if page.target is bench.FLOOR:
            continue
        assert page.target.max_queries == 10, page.key
        assert "11 queries" in bench.misses(_page_result(page, queries=11, ratio=0.9, reference_ratio=0.9))


def test_every_random_page_names_a_sampler_and_an_id():
    random_pages = [p for p in bench.PAGES if p.sample]
    assert {p.key for p in random_pages} >= {"detail-random", "detail-random-live", "case-random"}
    for page in random_pages:
        assert page.sample in bench.SAMPLERS
        assert "{id}" in page.url


def test_the_history_section_survives_a_new_report():
    previous = "# Benchmark results\n\nold table\n\n## History\n\n### 2026-11-28\nwhat changed\n"
    written = bench.with_history("# Benchmark results\n\nnew table\n", previous)
    assert written == "# Benchmark results\n\nnew table\n\n## History\n\n### 2026-11-28\nwhat changed\n"
    assert bench.with_history("new\n", "no history here") == "new\n"


def test_a_typed_search_goes_into_the_query_string_quoted():
    picks = [
        random_ids.Pick(cookie="sessionid=aaa", pk="Bench customer 00012"),
        random_ids.Pick(cookie="sessionid=bbb", pk="压测客户&1"),
    ]
    assert random_ids.path_lines(picks, url="/search/suggest/?q={id}") == [
        "/search/suggest/?q=Bench+customer+00012\tsessionid=aaa",
        "/search/suggest/?q=%E5%8E%8B%E6%B5%8B%E5%AE%A2%E6%88%B7%261\tsessionid=bbb",
    ]
    assert random_ids.mode_label(ids=4000, users=8, what="searches") == "random: 4,000 searches, 8 users"


def test_every_sampled_search_finds_something_its_user_may_see(merchandiser, other_merchandiser):
    # The random search rows measure searches people make: each term comes from an order or case its user
    # sees, so each finds something (a typo too, on PostgreSQL), and none is another team's.
    from search.selectors import search_everything

    from ..conftest import IN_CI, is_postgres
    from ..logistics.helpers import after_sales_order, in_production_order

    if not is_postgres():
        if IN_CI:
            pytest.fail("the bench's searches include typos, which PostgreSQL answers: CI runs this on PostgreSQL")
        pytest.skip("typos are found on PostgreSQL only")
    for _ in range(3):
        in_production_order(merchandiser, customer_po="PO-TEST-1")
    after_sales_order(merchandiser)
    in_production_order(other_merchandiser)

    terms = bench.sample_search_terms(merchandiser, 40)

    assert len(terms) == 4 and all(terms)
    for term in terms:
        results = search_everything(user=merchandiser, text=term)
        assert results.found, term
