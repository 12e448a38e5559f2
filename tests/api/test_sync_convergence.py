"""Two devices of one user edit the same items concurrently and converge through the delta feed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Device:
    """A client that keeps a local replica, pushes with the version it saw and pulls by cursor."""

    api: Any
    user: Any
    items: dict[tuple[str, str], dict] = field(default_factory=dict)
    cursor: str | None = None

    def pull(self) -> None:
        while True:
            path = "/sync?limit=2" + (f"&since={self.cursor}" if self.cursor else "")
            page = self.api("GET", path, self.user)
            assert page.status == 200
            for item in page.body["items"]:
                self.items[(item["collection"], item["id"])] = item
            self.cursor = page.body["next"] or self.cursor
            if not page.body["has_more"]:
                return

    def write(self, collection: str, item_id: str, data: dict) -> int:
        seen = self.items.get((collection, item_id))
        version = seen["version"] if seen and not seen["deleted"] else None
        if seen and seen["deleted"]:
            version = None
        reply = self.api(
            "PUT", f"/sync/{collection}/{item_id}", self.user, {"data": data, "version": version}
        )
        if reply.status == 409:  # merge: here, last writer wins on top of the server's current item
            current = reply.body["current"]
            assert current is not None and current["version"] != version
            merged = {**(current["data"] or {}), **data}
            reply = self.api(
                "PUT",
                f"/sync/{collection}/{item_id}",
                self.user,
                {"data": merged, "version": current["version"]},
            )
        assert reply.status in (200, 409)
        if reply.status == 200:
            self.items[(collection, item_id)] = reply.body
        return reply.status

    def view(self) -> dict:
        return {k: (v["version"], v["deleted"], v["data"]) for k, v in self.items.items()}


def test_stale_write_gets_409_with_current(api, make_user):
    user = make_user()
    api("PUT", "/sync/todo/t1", user, {"data": {"done": False}})
    api("PUT", "/sync/todo/t1", user, {"data": {"done": True}, "version": 1})
    stale = api("PUT", "/sync/todo/t1", user, {"data": {"done": False}, "version": 1})
    assert stale.status == 409
    assert stale.body["error"] == "version_conflict"
    assert stale.body["current"]["version"] == 2 and stale.body["current"]["data"] == {"done": True}
    create_again = api("PUT", "/sync/todo/t1", user, {"data": {}})
    assert create_again.status == 409 and create_again.body["current"]["version"] == 2


def test_stale_delete_is_409_and_tombstone_can_be_revived(api, make_user):
    user = make_user()
    api("PUT", "/sync/todo/t2", user, {"data": {"a": 1}})
    api("PUT", "/sync/todo/t2", user, {"data": {"a": 2}, "version": 1})
    assert api("DELETE", "/sync/todo/t2?version=1", user).status == 409
    assert api("DELETE", "/sync/todo/t2?version=2", user).status == 200
    assert api("DELETE", "/sync/todo/t2", user).status == 404
    revived = api("PUT", "/sync/todo/t2", user, {"data": {"a": 3}})
    assert revived.status == 200 and revived.body["version"] == 4 and revived.body["deleted"] is False


def test_two_devices_with_conflicting_writes_converge(api, make_user):
    user = make_user()
    phone, tablet = Device(api, user), Device(api, user)
    phone.write("notes", "shared", {"title": "phone"})
    phone.write("notes", "p-only", {"n": 1})
    tablet.pull()
    # Both edit "shared" from version 1; the tablet also deletes "p-only".
    assert phone.write("notes", "shared", {"body": "from phone"}) == 200
    assert tablet.write("notes", "shared", {"body": "from tablet"}) == 200  # after a 409 and a merge
    deleted = api(
        "DELETE", f"/sync/notes/p-only?version={tablet.items[('notes', 'p-only')]['version']}", user
    )
    assert deleted.status == 200
    tablet.write("notes", "t-only", {"n": 2})
    phone.pull()
    tablet.pull()
    assert phone.view() == tablet.view()
    assert phone.view()[("notes", "p-only")][1] is True  # the tombstone reached both
    assert phone.view()[("notes", "shared")][0] == 3


def test_interleaved_writers_never_lose_an_update_and_feed_is_ordered(api, make_user):
    """Three devices repeatedly read the same version and race to write it: exactly one wins each round.

    Interleaved deterministically rather than with threads: moto serves requests on threads without
    serializing conditional writes, so a threaded race would test the emulator, not this code (real
    DynamoDB evaluates each condition atomically)."""
    user = make_user()
    api("PUT", "/sync/counter/c", user, {"data": {"n": 0}})
    increments = 0
    for _ in range(5):
        seen = [i for i in api("GET", "/sync?limit=500", user).body["items"] if i["id"] == "c"][-1]
        statuses = [
            api(
                "PUT",
                "/sync/counter/c",
                user,
                {"data": {"n": seen["data"]["n"] + 1}, "version": seen["version"]},
            ).status
            for _device in range(3)
        ]
        assert sorted(statuses) == [200, 409, 409]
        increments += 1
    final = [i for i in api("GET", "/sync?limit=500", user).body["items"] if i["id"] == "c"][-1]
    assert final["data"] == {"n": increments} and final["version"] == increments + 1
    api("PUT", "/sync/other/o", user, {"data": {}})
    seqs = [i["seq"] for i in api("GET", "/sync?limit=500", user).body["items"]]
    assert seqs == sorted(seqs) and len(seqs) == len(set(seqs)) == 2
