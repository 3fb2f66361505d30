"""bench/run.py's parsing and judging (the harness itself runs with `make bench`, not in the suite)."""

import importlib.util
import sys
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "bench" / "run.py"
spec = importlib.util.spec_from_file_location("bench_run", RUN)
bench = importlib.util.module_from_spec(spec)
sys.modules["bench_run"] = bench  # dataclasses look their module up while the file runs
spec.loader.exec_module(bench)

WRK_OUTPUT = """Running 10s test @ http://127.0.0.1:8765/orders/
  2 threads and 4 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.10ms    3.01ms  48.22ms   80.11%
    Req/Sec   165.20     20.11   210.00     70.00%
  Latency Distribution
     50%   11.52ms
     75%   13.40ms
     90%   15.91ms
     99%    1.02s
  3305 requests in 10.01s, 49.60MB read
  Socket errors: connect 0, read 3305, write 0, timeout 2
  Non-2xx or 3xx responses: 5
Requests/sec:    330.21
Transfer/sec:      4.96MB
"""


def test_wrk_output_is_read():
    result = bench.parse_wrk(WRK_OUTPUT)
    assert result.rps == pytest.approx(330.21)
    assert result.p50_ms == pytest.approx(11.52)
    assert result.p99_ms == pytest.approx(1020)
    assert result.requests == 3305
    assert result.errors == 5 + 2  # non-2xx and timeouts; read errors are gunicorn closing connections


@pytest.mark.parametrize(
    ("sql", "whole"),
    [
        ('SELECT COUNT(*) AS "__count" FROM "orders_order"', True),
        ('SELECT "orders_order"."status", COUNT("orders_order"."id") FROM "orders_order" GROUP BY 1', True),
        ('SELECT COUNT(*) FROM "orders_order" WHERE "orders_order"."merchandiser_id" = 7', False),
        ('SELECT COUNT(*) FROM (SELECT "orders_order"."id" FROM "orders_order" LIMIT 1001) s', False),
        ('SELECT "orders_order"."id" FROM "orders_order" ORDER BY 1 DESC LIMIT 26', False),
    ],
)
def test_whole_table_counts_are_recognised(sql, whole):
    assert bench.is_whole_table_count(sql) is whole


def test_a_missed_target_names_what_missed():
    page = bench.Page("list", "Order list", "orders:list", "management", bench.LIST)
    result = bench.PageResult(page=page, wrk=bench.WrkResult(rps=40, p99_ms=180, requests=400), queries=12, ratio=0.4)
    assert bench.misses(result) == ["40% of floor", "p99 180 ms", "12 queries"]
    ok = bench.PageResult(page=page, wrk=bench.WrkResult(rps=90, p99_ms=60, requests=900), queries=6, ratio=0.6)
    assert bench.misses(ok) == []


def test_every_page_and_job_has_a_unique_key():
    keys = [p.key for p in bench.PAGES] + [j.key for j in bench.JOBS]
    assert len(keys) == len(set(keys))
    assert bench.PAGES[0].target is bench.FLOOR  # the floor runs first: the ratios need it


def test_the_api_row_measures_the_endpoint_not_the_throttle():
    # Past API_RATE_LIMIT a customer gets 429: the bench's wrk run (hundreds of requests a second for one
    # customer's token) must stay under it, or the row times the refusal.
    from orders.api.throttling import CustomerRateThrottle

    env = bench.stack_environment(bench.Config(), redis=True)
    limit, seconds = CustomerRateThrottle().parse_rate(env["API_RATE_LIMIT"])
    assert limit / seconds >= 10_000


@pytest.mark.parametrize(
    ("username", "job"),
    [
        ("bench.m001", False),
        ("bench.sup01", False),
        ("bench.mgmt", False),
        ("bench.dg.sup000", True),
        ("bench.dg.003.07", True),
        ("bench.ci.012", True),
        ("bench.gl.sup", True),
    ],
)
def test_the_random_rows_sample_the_seeds_people_not_the_job_benches(username, job):
    # A job bench's people outlive a reseed with no orders; sampled, they left a random row one user.
    import re

    assert bool(re.match(bench.JOB_PEOPLE, username)) is job
