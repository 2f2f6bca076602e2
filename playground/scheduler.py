"""Fair training time for a whole class on one server process.

Streamlit runs every visitor's script in a thread of ONE Python process, so all students share one
interpreter lock. Left alone, each playing session trains for its own time budget every frame:
with eight players eight threads fight for the lock, each runs at a fraction of its speed, the
server's event loop waits behind them (health checks, page loads and button presses stall), and
the total work done goes down, not just its share.

The scheduler hands out *turns*. A session that plays asks for one before each frame and trains
and draws inside it; then the next session in line goes.

- One turn at a time, in arrival order: no two training threads contend for the lock, and a
  session that asks often does not get more than one that asks less (round robin when busy).
- Each turn trains for a *slice* sized so that every player still gets frames: the playing
  sessions share ``duty`` seconds of work per second, each wants ``frames_wanted`` frames a
  second, and a frame's drawing costs what the last turns measured. The slice lies between
  ``slice_min`` and ``slice_max`` (one student alone gets ``slice_max``, as before).
- With two or more players the turns together use at most ``duty`` of wall time (a token bucket
  with ``burst`` seconds of credit): the rest serves pages, health checks and button presses.
- A session running a whole page (opened, a button pressed, a setting changed) goes first: turns
  of the other sessions wait until it is done.
- Nobody waits forever: a turn not granted within ``wait_max`` seconds, or given up because the
  caller was interrupted (Pause was pressed), comes back with no training time, and the frame
  only draws.

Pure Python (no Streamlit): the UI passes session ids and a ``cancelled`` check, and a test can
drive it with a fake clock. The decisions (``try_start``/``finish``) are separate from the
waiting (``turn``) so that they can be counted without threads.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Callable, Iterator


@dataclass(frozen=True)
class Turn:
    """What one frame may do: train for ``seconds`` (0: draw only)."""

    seconds: float
    waited: float = 0.0
    players: int = 1


class Scheduler:
    """Turns for the sessions that play; see the module docstring for the rules.

    Parameters
    ----------
    duty : float
        Share of wall time the turns may use together when two or more sessions play.
    slice_max, slice_min : float
        Bounds on the training seconds of one turn.
    frames_wanted : float
        Frames a second each player should get when the server is busy.
    idle_after : float
        A session that has not asked for a turn for this long no longer counts as playing.
    wait_max : float
        Longest wait for a turn; past it the frame draws without training.
    clock : callable
        Seconds, monotonic (a fake one in tests).
    """

    def __init__(self, *, duty: float = 0.8, slice_max: float = 0.05, slice_min: float = 0.004,
                 frames_wanted: float = 2.0, burst: float = 0.25, idle_after: float = 1.5,
                 wait_max: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.duty, self.slice_max, self.slice_min = duty, slice_max, slice_min
        self.frames_wanted, self.burst = frames_wanted, burst
        self.idle_after, self.wait_max, self.clock = idle_after, wait_max, clock
        self._cond = threading.Condition()
        self._queue: deque = deque()
        self._seen: dict = {}  # session -> when it last asked for a turn
        self._pages: dict = {}  # session -> whole-page runs in progress
        self._busy = None  # the session whose turn it is
        self._credit = burst
        self._credit_at = clock()
        self.draw_cost = 0.02  # seconds a frame spends outside training, learnt from turns
        self.granted: dict = {}  # session -> turns granted (for the curious and for tests)
        self._trained: dict = {}  # session -> training seconds in its current turn

    # -- decisions (no waiting) -------------------------------------------------------------

    def players(self, now: float | None = None) -> int:
        """Sessions that asked for a turn within the last ``idle_after`` seconds."""
        now = self.clock() if now is None else now
        for session, seen in list(self._seen.items()):
            if now - seen > self.idle_after and session not in self._queue:
                del self._seen[session]
        return max(1, len(self._seen))

    def slice_for(self, players: int) -> float:
        """Training seconds of one turn when ``players`` sessions share the server."""
        per_frame = self.duty / (players * self.frames_wanted) - self.draw_cost
        return min(self.slice_max, max(self.slice_min, per_frame))

    def ask(self, session, now: float | None = None) -> None:
        """Join the line for a turn (idempotent)."""
        self._seen[session] = self.clock() if now is None else now
        if session not in self._queue:
            self._queue.append(session)

    def try_start(self, session, now: float | None = None) -> Turn | None:
        """The turn, if it is ``session``'s now; None if it must wait."""
        now = self.clock() if now is None else now
        if self._busy is not None or not self._queue or self._queue[0] != session:
            return None
        if session not in self._pages and any(s != session for s in self._pages):
            return None  # another student's page is loading: it goes first
        players = self.players(now)
        if players > 1 and self._refill(now) <= 0:
            return None  # the class has used its share of the CPU for now
        self._queue.popleft()
        self._busy = session
        self.granted[session] = self.granted.get(session, 0) + 1
        return Turn(self.slice_for(players), players=players)

    def finish(self, session, used: float, trained: float = 0.0,
               now: float | None = None) -> None:
        """End ``session``'s turn, which took ``used`` seconds, ``trained`` of them training."""
        now = self.clock() if now is None else now
        if self._busy == session:
            self._busy = None
        self._refill(now)
        self._credit -= used
        if used > trained:  # learn what drawing a frame costs (a slow-moving average)
            self.draw_cost += 0.2 * (min(used - trained, 0.5) - self.draw_cost)

    def leave(self, session) -> None:
        """Give up waiting (interrupted or waited too long)."""
        if session in self._queue:
            self._queue.remove(session)

    def _refill(self, now: float) -> float:
        self._credit = min(self.burst, self._credit + (now - self._credit_at) * self.duty)
        self._credit_at = now
        return self._credit

    # -- waiting (threads) ------------------------------------------------------------------

    @contextmanager
    def turn(self, session, cancelled: Callable[[], bool] = lambda: False) -> Iterator[Turn]:
        """Wait for ``session``'s turn and hold it for the ``with`` block.

        Yields a Turn; its ``seconds`` is 0 when the wait was given up (``cancelled()`` became
        true, or ``wait_max`` passed), and then nothing is held. The block's length is measured
        here; the caller says how much of it was training with ``trained``, so the rest can be
        learnt as the cost of drawing a frame.
        """
        held = self._wait(session, cancelled)
        if held is None:
            yield Turn(0.0, waited=self.wait_max)
            return
        start = self.clock()
        try:
            yield held
        finally:
            with self._cond:
                self.finish(session, self.clock() - start, self._trained.pop(session, 0.0))
                self._cond.notify_all()

    def trained(self, session, seconds: float) -> None:
        """Tell the scheduler how much of the current turn was training (the rest is drawing)."""
        with self._cond:
            self._trained[session] = self._trained.get(session, 0.0) + seconds

    def _wait(self, session, cancelled) -> Turn | None:
        start = self.clock()
        with self._cond:
            while True:
                now = self.clock()
                self.ask(session, now)
                got = self.try_start(session, now)
                if got is not None:
                    return Turn(got.seconds, waited=now - start, players=got.players)
                if now - start >= self.wait_max or cancelled():
                    self.leave(session)
                    self._cond.notify_all()
                    return None
                # Short waits: the credit refills with time, and ``cancelled`` is polled.
                self._cond.wait(timeout=0.02)

    @contextmanager
    def page(self, session) -> Iterator[None]:
        """Mark a whole-page run of ``session``: other sessions' turns wait until it ends."""
        with self._cond:
            self._pages[session] = self._pages.get(session, 0) + 1
        try:
            yield
        finally:
            with self._cond:
                self._pages[session] -= 1
                if not self._pages[session]:
                    del self._pages[session]
                self._cond.notify_all()
