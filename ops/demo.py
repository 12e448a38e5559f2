"""`make demo`: one scenario end to end through the local API fronts, printed step by step.

Sign up a consumer and a provider, sign in, call the API in the primary region, see the data in
the DR region (replicator), notify the consumer (queue -> worker), who receives it live over the WebSocket
live channel (table stream -> live_delivery -> the local WebSocket front), let the two chat live both ways,
fail the primary region over
and keep working through the public name. Run against the stack `make up` started:
`.venv/bin/python -m ops.demo`. Add steps here as capabilities land.
"""

from __future__ import annotations

import json
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests
from rich.console import Console
from rich.table import Table

from backend_core.identity import CONSUMERS, PROVIDERS
from ops.errors import OpsError
from ops.local import background_stack, control
from ops.local.config import StackConfig
from ops.local.live_client import live_connect
from ops.local.users import LocalUser, new_password, sign_in, sign_up
from ops.paths import local_state_dir
from ops.stack_outputs import StackOutputs

out = Console(soft_wrap=True)  # one message, one line (tables still fit the terminal)
WAIT_SECONDS = 30.0


class Demo:
    def __init__(self, state: dict) -> None:
        self.state = state
        self.outputs = StackOutputs.model_validate(state["outputs"])
        self.api = self.outputs.api
        self.rows: list[tuple[str, str, str]] = []

    def call(
        self, method: str, front: str, path: str, user: LocalUser | None = None, **kw: Any
    ) -> requests.Response:
        headers = {"Authorization": f"Bearer {user.id_token}"} if user else {}
        headers.update(kw.pop("headers", {}))
        return requests.request(
            method, f"{getattr(self.api, front)}{path}", headers=headers, timeout=30, **kw
        )

    def step(self, title: str, action: Callable[[], str]) -> None:
        started = time.perf_counter()
        try:
            result = action()
        except (OpsError, requests.RequestException, AssertionError) as exc:
            self.rows.append((title, "[red]failed[/red]", str(exc)))
            self.report()
            raise OpsError(f"demo step failed: {title}: {exc}") from exc
        ms = (time.perf_counter() - started) * 1000
        self.rows.append((title, f"{ms:,.0f} ms", result))
        out.print(f"[green]✓[/green] {title}: {result}")

    def report(self) -> None:
        table = Table("step", "took", title="demo summary")
        for title, took, _ in self.rows:
            table.add_row(title, took)
        out.print(table)


def expect(response: requests.Response, status: int) -> dict:
    if response.status_code != status:
        raise AssertionError(f"expected HTTP {status}, got {response.status_code}: {response.text[:200]}")
    return response.json() if response.content else {}


def wait_until(check: Callable[[], Any], what: str) -> Any:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    raise AssertionError(f"{what} did not happen within {WAIT_SECONDS:.0f} s")


def run(state: dict) -> None:
    demo = Demo(state)
    users: dict[str, LocalUser] = {}
    run_id = uuid.uuid4().hex[:6]

    def signup(role: str, group: str) -> Callable[[], str]:
        def action() -> str:
            email, password = f"demo-{role}-{run_id}@example.com", new_password()
            sub = sign_up(demo.outputs, email, password, group)
            id_token, access_token = sign_in(demo.outputs, email, password)
            users[role] = LocalUser(email, password, sub, (group,), id_token, access_token)
            return f"{email} in '{group}', signed in (JWT from the emulated Cognito pool)"

        return action

    demo.step("sign up + sign in a consumer", signup("consumer", CONSUMERS))
    demo.step("sign up + sign in a provider", signup("provider", PROVIDERS))

    def refused() -> str:
        expect(demo.call("GET", "primary", "/me"), 401)
        return "GET /me without a token -> 401 from the front (JWT authorizer)"

    demo.step("call without a token", refused)

    def health() -> str:
        regions = [expect(demo.call("GET", front, "/health"), 200)["region"] for front in ("primary", "dr")]
        return f"primary front serves {regions[0]}, DR front serves {regions[1]}"

    demo.step("health of both regions", health)

    def profiles() -> str:
        consumer = expect(demo.call("GET", "primary", "/me", users["consumer"]), 200)
        expect(demo.call("GET", "primary", "/me", users["provider"]), 200)
        return f"profiles created from the token claims (consumer role: {consumer.get('role')})"

    demo.step("GET /me in the primary region", profiles)
    note = {"data": {"title": "Shopping list", "items": ["milk", "bread"]}, "version": None}

    def write() -> str:
        item = expect(demo.call("PUT", "primary", f"/sync/notes/{run_id}", users["consumer"], json=note), 200)
        return f"PUT /sync/notes/{run_id} -> version {item['version']}"

    demo.step("sync an item in the primary region", write)

    def read_in_dr() -> str:
        def replicated() -> dict | None:
            page = expect(demo.call("GET", "dr", "/sync", users["consumer"]), 200)
            return next((i for i in page["items"] if i["id"] == run_id), None)

        item = wait_until(replicated, "the item reaching the DR region")
        return f"GET /sync on the DR front finds '{item['data']['title']}' (replicated by the replicator)"

    demo.step("see the data in the DR region", read_in_dr)

    def notify() -> str:
        provider, consumer = users["provider"], users["consumer"]
        expect(demo.call("POST", "primary", f"/providers/{provider.sub}/subscribe", consumer), 200)
        body = {"to": consumer.sub, "title": "Your order is ready", "body": "Pick it up at the counter"}
        if demo.outputs.live is None:
            raise AssertionError("the stack has no live channel (restart it: make down && make up)")
        # The consumer's app is open: one WebSocket connection, authenticated with its ID token on $connect.
        with live_connect(demo.outputs.live.primary, consumer.id_token) as live:
            subscribed = live.subscribe(consumer.sub)
            if subscribed.get("type") != "subscribed":
                raise AssertionError(f"subscribing to its own channel was refused: {subscribed}")
            accepted = expect(demo.call("POST", "primary", "/notifications", provider, json=body), 202)
            try:
                event = live.next_event(timeout=WAIT_SECONDS)
            except TimeoutError as exc:
                raise AssertionError(f"no live event within {WAIT_SECONDS:.0f} s") from exc
        if event.get("id") != accepted["id"]:
            raise AssertionError(f"unexpected live event: {event}")
        out.print(f"  live event on the consumer's WebSocket: {json.dumps(event)}", highlight=False)

        def delivered() -> dict | None:
            inbox = expect(demo.call("GET", "primary", "/notifications", consumer), 200)
            return next((i for i in inbox["items"] if i["id"] == accepted["id"]), None)

        item = wait_until(delivered, "the notification reaching the inbox")
        return (
            f"202 accepted; arrived live over the consumer's WebSocket ('{event['data']['title']}'), "
            f"and the inbox holds it ('{item['title']}')"
        )

    demo.step("provider notifies the consumer, who receives it live", notify)

    def chat() -> str:
        provider, consumer = users["provider"], users["consumer"]
        assert demo.outputs.live is not None  # the notify step checked it
        lines = []
        # Both apps are open, each with its own WebSocket: each sees the other's message arrive live.
        with (
            live_connect(demo.outputs.live.primary, consumer.id_token) as consumer_live,
            live_connect(demo.outputs.live.primary, provider.id_token) as provider_live,
        ):
            for live, who in ((consumer_live, consumer), (provider_live, provider)):
                if live.subscribe(who.sub).get("type") != "subscribed":
                    raise AssertionError("subscribing to its own channel was refused")
            for sender, peer, watching, text in (
                (consumer, provider, provider_live, "Is Tuesday 10:00 free?"),
                (provider, consumer, consumer_live, "Yes, see you then."),
            ):
                sent = expect(
                    demo.call(
                        "POST", "primary", f"/conversations/{peer.sub}/messages", sender, json={"text": text}
                    ),
                    201,
                )
                try:
                    event = watching.next_event(timeout=WAIT_SECONDS)
                except TimeoutError as exc:
                    raise AssertionError(f"no live message within {WAIT_SECONDS:.0f} s") from exc
                if event.get("type") != "message" or event.get("id") != sent["id"]:
                    raise AssertionError(f"unexpected live event: {event}")
                lines.append(f"'{event['data']['message']['text']}'")
        history = expect(
            demo.call("GET", "primary", f"/conversations/{provider.sub}/messages", consumer), 200
        )
        return (
            f"each message arrived live on the other's WebSocket ({' then '.join(lines)}); "
            f"the thread holds {len(history['items'])} messages"
        )

    demo.step("consumer and provider chat, live both ways", chat)

    def failover() -> str:
        control.call(state["control_url"], "POST", "/regions/primary/down")
        try:
            expect(demo.call("GET", "primary", "/health"), 503)
            me = expect(demo.call("GET", "public", "/me", users["consumer"]), 200)
            served_by = expect(demo.call("GET", "public", "/health"), 200)["region"]
        finally:
            control.call(state["control_url"], "POST", "/regions/primary/up")
        return (
            f"primary down -> 503; the public name now serves {served_by}, /me still answers ({me['email']})"
        )

    demo.step("fail the primary region over", failover)
    demo.report()
    out.print(f"demo users: consumer {users['consumer'].email} / provider {users['provider'].email}")
    out.print(f"logs: {state['log_dir']}; stop with `make down`")


def main() -> None:
    try:
        run(background_stack.state(StackConfig(state_dir=local_state_dir())))
    except (OpsError, control.ControlError) as exc:
        Console(stderr=True).print(f"[red]error:[/red] {exc}", highlight=False)
        sys.exit(2)


if __name__ == "__main__":
    main()
