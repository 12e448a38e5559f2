"""What each route makes AWS do (ops/cost/route_work.py) stays in step with the API and the functions: a
work model for every route the API serves (and no other), every route the generator and the default
profile use, the custom metrics each function publishes; and a few routes' units worked out by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ops.analytics.generator import ROUTES as GENERATED_ROUTES
from ops.analytics.generator import api_routes
from ops.cost.model import CUSTOM_METRICS
from ops.cost.profile import DEFAULT_PROFILE, check_routes, load
from ops.cost.route_work import ROUTES, route_work, worker_message

LAMBDAS = Path(__file__).resolve().parents[2] / "lambdas"
# RpoSeconds is one series per store (dimension Store: table, s3): one more than its name.
EXTRA_SERIES = {"drill": 1}


def test_every_route_the_api_serves_has_a_work_model_and_no_other() -> None:
    assert set(ROUTES) == api_routes()


def test_the_generator_and_the_default_profile_use_only_modelled_routes() -> None:
    assert set(GENERATED_ROUTES) <= set(ROUTES)
    check_routes(load(DEFAULT_PROFILE), set(ROUTES))


def test_custom_metrics_per_function_match_what_the_code_publishes() -> None:
    found = {}
    for package in sorted(p for p in LAMBDAS.iterdir() if p.is_dir()):
        names = set()
        for source in package.rglob("*.py"):
            names |= set(re.findall(r"(?:add_metric|single_metric)\(\s*name=\"(\w+)\"", source.read_text()))
        if names:
            found[package.name] = len(names) + EXTRA_SERIES.get(package.name, 0)
    assert found == CUSTOM_METRICS


def test_a_sync_write_worked_out_by_hand() -> None:
    work = route_work("PUT /sync/{collection}/{id}", load())  # default profile: items of 1.5 KB
    # Consistent BatchGetItem of the item's two copies and the counter: 1 RRU each (under 4 KB).
    assert work.read_units == 3
    # One transaction (x2): counter 0.15 KB -> 1 WRU, item 1.5 KB -> 2, ConditionCheck on the other copy -> 2,
    # log record 0.25 KB -> 1: (1 + 2 + 2 + 1) x 2 = 12 WRU; replicated: all but the check = 1 + 2 + 1.
    assert work.write_units == 12
    assert work.replicated_units == 4
    assert work.replicated_kb == pytest.approx(0.15 + 1.5 + 0.25)


def test_a_notification_fans_out_to_its_recipients_devices() -> None:
    profile = load()  # 30 recipients, 1.3 devices each, every request with an idempotency key
    post = route_work("POST /notifications", profile)
    # One queued job whatever the audience (the worker then makes the 30 deliveries).
    assert (post.messages, post.sqs_requests, post.ttl_expiries) == (30, 1, 1)
    worker = worker_message(profile)
    assert worker.pushes == pytest.approx(1.3)
    # The inbox entry (0.5 + 0.25 KB -> 1 WRU, in GSI1 -> 2) is written twice (batch write, finish): 4; the
    # push claim 1; the page's checkpoint update 1 WRU shared by 100 recipients: 0.01.
    assert worker.work.write_units == pytest.approx(5.01)
    assert worker.work.sqs_requests == pytest.approx(0.01)  # the next page's job, one per 100 recipients


def test_a_message_worked_out_by_hand() -> None:
    work = route_work("POST /conversations/{peer_id}/messages", load())
    # Two eventually consistent subscription GetItems (0.5 RRU each) and the message's consistent GetItem (1).
    assert work.read_units == 2
    # The key claim (1 WRU), the message in GSI1 and GSI2 (1 x 3), both list entries in GSI1 and GSI2 (2 x 3).
    assert work.write_units == 10
    assert work.replicated_units == 4 and work.replica_index_units == 6
    assert work.ttl_expiries == 1
