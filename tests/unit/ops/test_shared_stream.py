"""A table stream read once for several local consumers (ops/local/streams.py SharedStream): each consumer gets
every record written after its start or reset, in order, none twice, whoever's read brought it."""

from __future__ import annotations

from ops.local.streams import SharedStream


class Stream:
    """A StreamReader over a list that grows: each read returns what was written since the previous read."""

    def __init__(self) -> None:
        self.written: list[dict] = []
        self.position = 0
        self.reads = 0

    def write(self, *names: str) -> None:
        self.written += [{"id": n} for n in names]

    def read(self, limit: int = 1000) -> list[dict]:
        self.reads += 1
        got = self.written[self.position : self.position + limit]
        self.position += len(got)
        return got


def _ids(records: list[dict]) -> list[str]:
    return [r["id"] for r in records]


def test_every_consumer_gets_every_record_once_in_order_from_one_read():
    stream = Stream()
    shared = SharedStream(stream)  # type: ignore[arg-type]
    a, b = shared.consumer("a"), shared.consumer("b")
    stream.write("1", "2")
    assert _ids(a.read()) == ["1", "2"]
    assert stream.reads == 1 and b.pending() == 2  # a's read brought b's too
    stream.write("3")
    assert _ids(b.read()) == ["1", "2"]  # what it had, first; no new read yet
    assert _ids(b.read()) == ["3"] and a.pending() == 1
    assert _ids(a.read()) == ["3"]
    assert a.read() == b.read() == [] and a.pending() == b.pending() == 0


def test_a_consumer_that_skips_to_the_latest_takes_nothing_from_the_others():
    stream = Stream()
    shared = SharedStream(stream)  # type: ignore[arg-type]
    a, b = shared.consumer("a"), shared.consumer("b")
    stream.write("old-1", "old-2")
    a.seek_latest()  # a resets: it skips what was written so far
    assert a.pending() == 0 and b.pending() == 2
    stream.write("new")
    assert _ids(a.read()) == ["new"]
    assert _ids(b.read()) == ["old-1", "old-2", "new"]


def test_a_consumer_name_reads_once():
    shared = SharedStream(Stream())  # type: ignore[arg-type]
    shared.consumer("a")
    try:
        shared.consumer("a")
    except ValueError as exc:
        assert "already" in str(exc)
    else:
        raise AssertionError("a second consumer of the same name was accepted")
