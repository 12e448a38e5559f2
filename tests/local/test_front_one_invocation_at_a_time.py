"""The local front runs one handler invocation at a time in its process, as Lambda runs one request per
execution environment: Powertools keeps the request being resolved in a class attribute shared by every
resolver of a process (`BaseRouter.current_event`), so two environments running at once in threads of one
process would answer with each other's event (the load test saw another caller's identity and body)."""

from __future__ import annotations

import threading

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver

from ops.env.api_limits import ApiLimits
from ops.local.api_front import RegionApp


def _event(user: str) -> dict:
    return {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": "/whoami",
        "rawQueryString": f"user={user}",
        "queryStringParameters": {"user": user},
        "headers": {},
        "requestContext": {"http": {"method": "GET", "path": "/whoami"}, "stage": "$default"},
        "isBase64Encoded": False,
    }


def test_a_second_environment_never_runs_while_the_first_is_resolving():
    a_inside, b_answered = threading.Event(), threading.Event()

    def build():
        """One execution environment: a resolver of its own, as create_handler makes one per environment."""
        app = APIGatewayHttpResolver()

        @app.get("/whoami")
        def whoami():
            if app.current_event.query_string_parameters["user"] == "a":
                a_inside.set()
                b_answered.wait(2)  # b's request arrives now; it must not run inside a's
            return {"user": app.current_event.query_string_parameters["user"]}

        return lambda event, context: app.resolve(event, context)

    region = RegionApp("primary", "us-east-1", build(), "fn", build=build, limits=ApiLimits(1000, 1000, None))
    answers: dict[str, str] = {}

    def ask(user: str) -> None:
        answers[user] = region.invoke(_event(user))["body"]
        if user == "b":
            b_answered.set()

    first = threading.Thread(target=ask, args=("a",))
    first.start()
    assert a_inside.wait(10)
    second = threading.Thread(target=ask, args=("b",))
    second.start()
    first.join(20)
    second.join(20)
    assert answers == {"a": '{"user":"a"}', "b": '{"user":"b"}'}
    assert region.environments.status()["peak"] == 2  # both were in flight: concurrency is still counted
