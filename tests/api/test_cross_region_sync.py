"""Sync through both regions of the local stack, with replication paused and a region dark: no committed
change is ever invisible to a cursor, and devices syncing through different regions converge."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

pytestmark = pytest.mark.integration


@dataclass
class Device:
    """A client that keeps a local replica and syncs through one front ("primary", "dr" or "public")."""

    stack: Any
    user: Any
    front: str
    items: dict[tuple[str, str], dict] = field(default_factory=dict)
    cursor: str | None = None

    def pull(self) -> list[str]:
        got = []
        while True:
            path = "/sync?limit=2" + (f"&since={self.cursor}" if self.cursor else "")
            page = self.stack.request("GET", path, self.front, user=self.user)
            assert page.status_code == 200, page.text
            body = page.json()
            for item in body["items"]:
                self.items[(item["collection"], item["id"])] = item
                got.append(item["id"])
            self.cursor = body["next"] or self.cursor
            if not body["has_more"]:
                return got

    def write(self, collection: str, item_id: str, data: dict) -> dict:
        seen = self.items.get((collection, item_id))
        version = seen["version"] if seen else None
        if seen and seen["deleted"]:
            version = None
        reply = self.stack.request(
            "PUT",
            f"/sync/{collection}/{item_id}",
            self.front,
            user=self.user,
            json={"data": data, "version": version},
        )
        assert reply.status_code == 200, reply.text
        self.items[(collection, item_id)] = reply.json()
        return reply.json()

    def delete(self, collection: str, item_id: str) -> None:
        version = self.items[(collection, item_id)]["version"]
        reply = self.stack.request(
            "DELETE", f"/sync/{collection}/{item_id}?version={version}", self.front, user=self.user
        )
        assert reply.status_code == 200, reply.text
        self.items[(collection, item_id)] = reply.json()

    def view(self) -> dict:
        return {k: (v["version"], v["deleted"], v["data"]) for k, v in self.items.items()}


def _settled(stack) -> bool:
    replicator = stack.status()["components"]["replicator"]
    return replicator["pending_items"] == 0 and not replicator["paused"]


def _server_view(stack, user, front: str) -> dict:
    device = Device(stack, user, front)
    device.pull()
    return device.view()


def test_a_change_made_in_dr_while_replication_is_paused_reaches_a_primary_cursor(local_stack_clean):
    """Issue 8, kind 1: X replicated; pause; Y at the primary and Z at DR get the same change number under
    one counter, so a device whose cursor passed Y never saw Z. Now Z arrives after resume."""
    stack = local_stack_clean
    user = stack.create_user()
    device = Device(stack, user, "primary")
    device.write("n", "X", {"v": "x"})
    stack.wait_for(lambda: "X" in Device(stack, user, "dr").pull(), what="X reaching DR")
    stack.pause_replication()
    device.write("n", "Y", {"v": "y"})
    Device(stack, user, "dr").write("n", "Z", {"v": "z"})
    assert sorted(device.pull()) == ["X", "Y"]
    stack.resume_replication()
    stack.wait_for(lambda: "Z" in device.pull(), what="Z reaching the primary device's cursor")
    assert device.view()[("n", "Z")][2] == {"v": "z"}


def test_two_devices_through_two_regions_converge_after_a_partition_and_an_outage(local_stack_clean):
    stack = local_stack_clean
    user = stack.create_user()
    phone, tablet = Device(stack, user, "primary"), Device(stack, user, "public")
    phone.write("notes", "shared", {"title": "phone"})
    phone.write("notes", "p-only", {"n": 1})
    stack.wait_for(lambda: {"shared", "p-only"} <= set(Device(stack, user, "dr").pull()), what="replication")
    tablet.pull()

    stack.pause_replication()
    stack.region_down("primary")  # the public name now serves DR, with the primary dark
    phone.front = "dr"  # the phone fails over too, later than the tablet
    assert tablet.write("notes", "shared", {"body": "from tablet"})["origin"] == stack.region("dr")
    tablet.delete("notes", "p-only")
    tablet.write("notes", "t-only", {"n": 2})
    stack.region_up("primary")
    phone.front = "primary"
    phone.write("notes", "shared", {"body": "from phone"})  # same version as the tablet's: a conflict
    phone.write("notes", "p2", {"n": 3})
    phone.pull()
    tablet.pull()
    assert phone.view() != tablet.view()  # apart while replication is paused

    stack.resume_replication()
    stack.wait_for(lambda: _settled(stack), what="replication catching up")
    phone.pull()
    tablet.pull()
    assert phone.view() == tablet.view()
    assert phone.view() == _server_view(stack, user, "primary") == _server_view(stack, user, "dr")
    assert phone.view()[("notes", "p-only")][1] is True  # the tombstone made in DR reached the phone
    assert set(k[1] for k in phone.view()) == {"shared", "p-only", "t-only", "p2"}
    shared = phone.view()[("notes", "shared")]
    assert shared[0] == 2 and shared[2] == {"body": "from phone"}  # same version: the later write wins


def test_dr_serves_sync_with_the_primary_dark(local_stack_clean):
    """Nothing on DR's sync path calls the primary region: writes and reads succeed while it is dark."""
    stack = local_stack_clean
    user = stack.create_user()
    stack.region_down("primary")
    try:
        device = Device(stack, user, "public")
        assert device.write("n", "during-outage", {"ok": True})["version"] == 1
        assert device.pull() == ["during-outage"]
        assert stack.request("GET", "/health", "primary").status_code == 503
    finally:
        stack.region_up("primary")  # the stack is shared with tests that do not reset it
