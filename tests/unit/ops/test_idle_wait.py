"""The stand-ins' idle waits (ops/local/idle.py) reach their cap within a few seconds of the last write,
and a change seen by the AWS endpoint brings them back to the base wait."""

from __future__ import annotations

import threading

import pytest

from ops.local.idle import IdleWait


def stopped(**kwargs: float) -> IdleWait:
    """A wait whose stop flag is set: `after` returns at once, so only the schedule is observed."""
    stop = threading.Event()
    stop.set()
    return IdleWait(stop, None, **kwargs)


@pytest.mark.parametrize(("base", "cap"), [(0.5, 120.0), (1.0, 60.0), (2.0, 120.0), (5.0, 60.0)])
def test_idle_looks_reach_the_cap_on_the_third(base, cap):
    wait = stopped(base=base, cap=cap)
    waited = []
    for _ in range(5):
        wait.after(busy=False)
        waited.append(wait.delay)
    assert waited[:3] == [base, min(cap, base * 4), cap] and waited[3:] == [cap, cap]
    # The looks before the cap: two, within 5 x base seconds (2 s base: 10 s), never a minute of them.
    assert sum(waited[:2]) <= 5 * base


def test_a_busy_look_starts_again_from_the_base():
    wait = stopped(base=2.0, cap=120.0)
    for _ in range(4):
        wait.after(busy=False)
    assert wait.delay == 120.0
    wait.after(busy=True)
    assert wait.delay == 2.0


def test_work_known_to_be_due_shortens_the_wait():
    wait = stopped(base=2.0, cap=120.0)
    for _ in range(4):
        wait.after(busy=False)
    wait.after(busy=False, due_in=0.0)
    assert wait.idle_looks == 5  # the schedule keeps counting; the due work only cut this one wait


def test_a_change_ends_the_wait_and_resets_it():
    stop = threading.Event()
    changes = iter(range(1, 100))
    wait = IdleWait(stop, lambda seen, timeout: next(changes), base=2.0, cap=120.0, min_gap=0.0)
    for _ in range(3):
        wait.idle_looks += 1
    wait.after(busy=False)  # a change comes at once: the wait ends without sleeping its 120 s
    assert wait.wakes >= 1 and wait.idle_looks == 0 and wait.delay == 2.0


def test_woken_says_whether_the_wait_saw_a_change():
    stop = threading.Event()
    quiet = IdleWait(stop, lambda seen, timeout: seen, base=0.01, cap=0.01)  # a timeout: nothing changed
    quiet.after(busy=False)
    assert quiet.woken is False
    changes = iter(range(1, 100))
    changed = IdleWait(stop, lambda seen, timeout: next(changes), base=0.01, cap=0.01)
    changed.after(busy=False)
    assert changed.woken is True
    unwatched = IdleWait(stop, None, base=0.01, cap=0.01, unwatched=0.01)  # cannot tell: look at everything
    unwatched.after(busy=False)
    assert unwatched.woken is True
