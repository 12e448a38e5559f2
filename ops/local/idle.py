"""How the stand-ins' loops wait between looks, so that the idle local stack costs next to nothing.

Each loop (replicator, event sources, TTL sweeper, Firehose stand-in, user-pool replica, moto janitor)
used to look at moto every 0.1 to 10 s whether or not anything had happened: 19 % of a core with the
stack idle (`make bench`, `local_stack_idle`). A loop now blocks on its feed of the gateway's change
signal (`MotoGateway.changes_for`: the writes through the AWS endpoint it can have work from, so a
Firehose delivery to the analytics bucket wakes neither the replicator nor the TTL sweeper, and every
knob that may unblock work) and otherwise looks again only when work is known to be due (an SQS retry's delay, a
held replication change, a Firehose buffer's interval) or, for what no write announces (an item's TTL
passing, a delayed SQS message becoming visible), after `base`, then `base` x GROWTH, then `cap` seconds
while nothing happens: from a 1-2 s base a loop is at its cap about ten seconds after the last write, so
neither a fresh stack nor one just used keeps looking every few seconds for minutes (a first version
doubled from the base and took a minute or more to settle: 5-6 % of a core meanwhile).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

WaitForChange = Callable[[int, float], int]
GROWTH = 4.0  # the second idle wait in a row is this many times the first; the third is the cap


class IdleWait:
    """Blocks a loop until its next look.

    `woken` says whether the last wait saw a change: a loop whose parts have work only after a write (a
    stream's records) may skip them after a wait that saw none.

    `after(busy, due_in)`: a busy look is followed by one `base` seconds later (0: at once); each idle
    look in a row waits longer: `base`, then `base * growth`, then `cap` (never more than `cap`); `due_in` (seconds, or None) caps it where work is known
    to be due. A change seen by the AWS endpoint ends the wait, but not before `min_gap` seconds after
    the previous look (a burst of writes costs one look per `min_gap`), and resets the wait to `base`.
    Without `wait_for_change` (a component built on its own, in a unit test) it sleeps `unwatched` seconds.
    """

    def __init__(
        self,
        stop: threading.Event,
        wait_for_change: WaitForChange | None,
        base: float,
        cap: float,
        min_gap: float = 0.0,
        unwatched: float | None = None,
        growth: float = GROWTH,
    ) -> None:
        self.stop, self._wait_for_change = stop, wait_for_change
        self.base, self.cap, self.min_gap, self.growth = base, cap, min_gap, growth
        self.unwatched = base if unwatched is None else unwatched
        self.idle_looks = 0  # looks in a row that found nothing
        self._seen = -1
        self.wakes = 0  # waits ended by a change (status, tests)
        self.woken = True  # the last wait saw a change (or could not watch for one): look at everything

    @property
    def delay(self) -> float:
        """The wait after the last look: base after a busy or first idle look, base * growth after the
        second idle look in a row, cap from the third on (at most cap throughout)."""
        if self.idle_looks >= 3:
            return self.cap
        return min(self.cap, self.base * (self.growth if self.idle_looks == 2 else 1.0))

    def busy(self) -> None:
        """The last look found work: the next idle wait starts again from `base`."""
        self.idle_looks = 0

    def after(self, busy: bool, due_in: float | None = None) -> None:
        if busy:
            self.busy()
        else:
            self.idle_looks += 1
        delay = self.delay if due_in is None else max(0.0, min(self.delay, due_in))
        self.woken = self._wait_for_change is None
        if self._wait_for_change is None:
            self.stop.wait(min(delay, self.unwatched))
            return
        started = time.monotonic()
        deadline = started + delay
        while not self.stop.is_set():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            seen = self._wait_for_change(self._seen, remaining)
            if seen == self._seen:
                # timed out, or the endpoint is closing (it answers at once then): sleep the rest
                self.stop.wait(max(0.0, deadline - time.monotonic()))
                return
            self._seen = seen
            self.wakes += 1
            self.woken = True
            self.idle_looks = 0
            deadline = min(deadline, started + self.min_gap)
