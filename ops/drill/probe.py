"""The steady-state probe: a signed-in user writing sequence-numbered sync items through the public name.

Each tick is one write (`PUT /sync/<collection>/<seq>`) and one read (`GET /sync?since=<cursor>`), at
`rate` ticks per second, for the whole drill. Every request is recorded: when (seconds since the drill
started), HTTP status (0 when nothing answered), latency, and the region that answered (the API's
`x-served-region` header). Acknowledged writes (2xx) are what RPO is measured against.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable

import requests

from ops.drill.model import Clock, Sample

SERVED_REGION_HEADER = "x-served-region"  # set by lambdas/mobile_api on every response
COLLECTION = "drill-probe"


class Probe:
    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        clock: Clock,
        run_id: str,
        rate: float = 5.0,
        timeout: float = 2.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.token = token
        self.clock = clock
        self.run_id = run_id
        self.interval = 1.0 / rate
        self.timeout = timeout
        self.samples: list[Sample] = []
        self.acked: dict[int, Sample] = {}  # seq -> the write's sample, for every acknowledged write
        self.seen: set[int] = set()  # seqs the feed has shown back
        self._cursor: str | None = None
        self._page: dict | None = None  # the last read's page (set by _request)
        self._seq = 0
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._session = requests.Session()
        self._thread = threading.Thread(target=self._run, name="drill-probe", daemon=True)

    def item_id(self, seq: int) -> str:
        return f"{self.run_id}-{seq:06d}"

    def start(self) -> Probe:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=self.timeout * 3 + 1)

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    # ---- what the runner asks -----------------------------------------------------------------
    def snapshot(self) -> list[Sample]:
        with self._lock:
            return list(self.samples)

    def first_success_after(self, t: float, region: str) -> float | None:
        """When the first tick started after `t` had its write and its read both succeed in `region`."""
        samples = self.snapshot()
        for write, read in itertools.pairwise(samples):
            if (
                write.op == "write"
                and read.op == "read"
                and write.seq == read.seq
                and write.t >= t
                and write.ok
                and read.ok
                and write.region == read.region == region
            ):
                return round(read.t + read.latency_ms / 1000, 3)
        return None

    def first_served_by(self, region: str, after: float) -> float | None:
        for sample in self.snapshot():
            if sample.t >= after and sample.region == region:
                return sample.t
        return None

    def steady_since(self, region: str, after: float) -> float | None:
        """Start of the current unbroken run of successes served by `region` (that began after `after`)."""
        start = None
        for sample in self.snapshot():
            if sample.t < after:
                continue
            good = sample.ok and sample.region == region
            start = (start if start is not None else sample.t) if good else None
        return start

    def acked_between(self, start: float, end: float, region: str | None = None) -> dict[int, Sample]:
        with self._lock:
            return {
                seq: s
                for seq, s in self.acked.items()
                if start <= s.t < end and (region is None or s.region == region)
            }

    # ---- the loop -------------------------------------------------------------------------------
    def _run(self) -> None:
        next_tick = time.monotonic()
        while not self._stop.is_set():
            self._tick()
            next_tick += self.interval
            delay = next_tick - time.monotonic()
            if delay > 0:
                self._stop.wait(delay)
            else:
                next_tick = time.monotonic()  # fell behind (timeouts): don't burst to catch up

    def _tick(self) -> None:
        self._seq += 1
        seq = self._seq
        body = {"data": {"seq": seq, "run_id": self.run_id, "t": self.clock.t()}}
        write = self._request("write", seq, "PUT", f"/sync/{COLLECTION}/{self.item_id(seq)}", json=body)
        params = {"limit": "100", **({"since": self._cursor} if self._cursor else {})}
        read = self._request("read", seq, "GET", "/sync", params=params)
        with self._lock:
            if write.ok:
                self.acked[seq] = write
        if read.ok and self._page is not None:
            for item in self._page.get("items", []):
                if item.get("collection") == COLLECTION:
                    self.seen.add(int(str(item.get("id", "0")).rsplit("-", 1)[-1] or 0))
            self._cursor = self._page.get("next") or self._cursor

    def _request(self, op: str, seq: int, method: str, path: str, **kwargs: object) -> Sample:
        self._page = None
        t = self.clock.t()
        started = time.perf_counter()
        status, region, error = 0, None, None
        try:
            response = self._session.request(
                method,
                f"{self.base_url}{path}",
                headers={"Authorization": f"Bearer {self.token()}"},
                timeout=self.timeout,
                **kwargs,  # type: ignore[arg-type]
            )
            status, region = response.status_code, response.headers.get(SERVED_REGION_HEADER)
            if op == "read" and response.ok:
                self._page = response.json()
            elif not response.ok:
                error = response.text[:200]
        except (requests.RequestException, ValueError) as exc:
            error = f"{type(exc).__name__}"
        sample = Sample(t, seq, op, status, round((time.perf_counter() - started) * 1000, 1), region, error)  # type: ignore[arg-type]
        with self._lock:
            self.samples.append(sample)
        return sample
