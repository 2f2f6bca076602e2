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
  ``slice_min`` and ``slice_max`` (one student alone gets ``slice_max``).
- With two or more players the turns together use at most ``duty`` of wall time (a token bucket
  with ``burst`` seconds of credit): the rest serves pages, health checks and button presses.
- Whole pages (a page opened, a button pressed, a setting changed) run one at a time too, and
  before any waiting frame; a page does not wait for the frame being drawn (a page takes ~30 ms,
  and it is what the user is waiting for), and its own frame is drawn at once inside it (it must
  not wait behind the line, which waits for the page).
- Nobody waits forever: a turn not granted within ``wait_max`` seconds, or given up because the
  caller was interrupted (Pause was pressed), comes back with no training time, and the frame
  only draws; a page that waits too long runs anyway.
- Waiting threads sleep until the turn before theirs ends (only the next in line is woken),
  or ``poll`` seconds pass to look at ``cancelled``: thirty sessions polling a shared lock
  every 20 ms cost the server's own loop more than their turns did.

What the class benchmark (bench/bench_classroom.py) showed, and why these rules: every thread
that runs Python at the same time as the server's event loop makes the loop wait for the
interpreter lock at each of its system calls, so two busy threads already slow page loads,
health checks and the delivery of every student's frames. One busy thread at a time, and a
share of time with none, keeps the loop responsive.

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
        Frames a second each player's slice is sized for when the server is busy. Streamlit's
        own work for a frame falls outside the turns, so players see fewer: 3 gave 2.6-2.9 a
        second at 8 players and 1.0-1.4 at 30 (bench/bench_classroom.py); 2 gave 1.6 and 0.6.
    idle_after : float
        A session that has not asked for a turn for this long no longer counts as playing.
    wait_max : float
        Longest wait for a turn; past it the frame draws without training.
    poll : float
        Longest sleep of a waiting thread between looks at its ``cancelled`` check.
    clock : callable
        Seconds, monotonic (a fake one in tests).
    """

    def __init__(self, *, duty: float = 0.8, slice_max: float = 0.05, slice_min: float = 0.004,
                 frames_wanted: float = 3.0, burst: float = 0.25, idle_after: float = 1.5,
                 wait_max: float = 5.0, poll: float = 0.1,
                 clock: Callable[[], float] = time.monotonic):
        self.duty, self.slice_max, self.slice_min = duty, slice_max, slice_min
        self.frames_wanted, self.burst = frames_wanted, burst
        self.idle_after, self.wait_max, self.poll, self.clock = idle_after, wait_max, poll, clock
        self._lock = threading.Lock()
        self._queue: deque = deque()  # sessions waiting for a frame's turn, in arrival order
        self._page_line: deque = deque()  # sessions waiting to run a whole page
        self._seen: dict = {}  # session -> when it last asked for a turn
        self._pages: dict = {}  # session -> whole-page runs in progress (they hold the server)
        self._busy = None  # the session whose frame's turn it is
        self._wakers: dict = {}  # session -> Events of its waiting threads
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
        """Join the line for a frame's turn (idempotent)."""
        self._seen[session] = self.clock() if now is None else now
        if session not in self._queue:
            self._queue.append(session)

    def try_start(self, session, now: float | None = None) -> Turn | None:
        """The frame's turn, if it is ``session``'s now; None if it must wait.

        A session running a whole page draws its frame at once (the page holds the server);
        the others go one at a time in arrival order, after any page that waits, and within
        the class's share of the time.
        """
        now = self.clock() if now is None else now
        if self._busy is not None:
            return None
        players = self.players(now)
        if session not in self._pages:
            if self._pages or self._page_line or not self._queue or self._queue[0] != session:
                return None  # a page goes first; then whoever asked first
            if players > 1 and self._refill(now) <= 0:
                return None  # the class has used its share of the CPU for now
        if session in self._queue:
            self._queue.remove(session)
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
        if session not in self._pages:  # a page's own frame is part of the page, not a turn
            self._credit -= used
        if used > trained:  # learn what drawing a frame costs (a slow-moving average)
            self.draw_cost += 0.2 * (min(used - trained, 0.5) - self.draw_cost)
        self._wake()

    def leave(self, session) -> None:
        """Give up waiting for a frame's turn (interrupted or waited too long)."""
        if session in self._queue:
            self._queue.remove(session)
        self._wake()

    def ask_page(self, session) -> None:
        """Join the line to run a whole page (idempotent)."""
        if session not in self._page_line and session not in self._pages:
            self._page_line.append(session)

    def try_page(self, session) -> bool:
        """Start ``session``'s page if nothing else runs and it is first in the pages' line.

        Pages run one at a time (each holds the interpreter for a while: two at once only
        slow each other and the server's own loop), before any frame that waits, and beside
        at most the one frame being drawn when they arrive.
        """
        if session in self._pages:  # a page inside a page (the same session): nested
            self._pages[session] += 1
            return True
        if self._pages or not self._page_line or self._page_line[0] != session:
            return False
        self._page_line.popleft()
        self._pages[session] = 1
        return True

    def end_page(self, session) -> None:
        """End one of ``session``'s page runs (or its wait for one)."""
        if session in self._page_line:
            self._page_line.remove(session)
        elif session in self._pages:
            self._pages[session] -= 1
            if not self._pages[session]:
                del self._pages[session]
        self._wake()

    def _refill(self, now: float) -> float:
        self._credit = min(self.burst, self._credit + (now - self._credit_at) * self.duty)
        self._credit_at = now
        return self._credit

    def _wake(self) -> None:
        """Wake the threads that may go next (the others sleep on: no thundering herd)."""
        nexts = list(self._pages)
        nexts += [line[0] for line in (self._page_line, self._queue) if line]
        for session in nexts:
            for event in self._wakers.get(session, ()):
                event.set()

    # -- waiting (threads) ------------------------------------------------------------------

    @contextmanager
    def turn(self, session, cancelled: Callable[[], bool] = lambda: False) -> Iterator[Turn]:
        """Wait for ``session``'s turn and hold it for the ``with`` block.

        Yields a Turn; its ``seconds`` is 0 when the wait was given up (``cancelled()`` became
        true, or ``wait_max`` passed), and then nothing is held. The block's length is measured
        here; the caller says how much of it was training with ``trained``, so the rest can be
        learnt as the cost of drawing a frame.
        """
        start = self.clock()
        held = self._wait(session, cancelled, self._try_turn, self.leave)
        if held is None:
            yield Turn(0.0, waited=self.clock() - start)
            return
        start = self.clock()
        try:
            yield held
        finally:
            with self._lock:
                self.finish(session, self.clock() - start, self._trained.pop(session, 0.0))

    def _try_turn(self, session, now):
        # Asked again at every try: the same session may wait in two threads (Streamlit starts
        # a new script thread for a button press while the old one stops), and the one giving
        # up takes the session out of the line.
        self.ask(session, now)
        return self.try_start(session, now)

    def trained(self, session, seconds: float) -> None:
        """Tell the scheduler how much of the current turn was training (the rest is drawing)."""
        with self._lock:
            self._trained[session] = self._trained.get(session, 0.0) + seconds

    @contextmanager
    def page(self, session, cancelled: Callable[[], bool] = lambda: False) -> Iterator[bool]:
        """Run a whole page of ``session``: wait until no other page or frame runs, and hold
        the server for the ``with`` block (frames of other sessions wait until it ends).

        Yields False, holding nothing, when the wait was given up (``cancelled()`` or
        ``wait_max``): the page then runs alongside the others rather than not at all.
        """
        held = self._wait(session, cancelled, self._try_page, self.end_page) is not None
        try:
            yield held
        finally:
            if held:
                with self._lock:
                    self.end_page(session)

    def _try_page(self, session, now):
        self.ask_page(session)  # again at every try, as in _try_turn
        return self.try_page(session) or None

    def _wait(self, session, cancelled, attempt, give_up):
        """Call ``attempt`` (under the lock) until it grants, sleeping between tries until
        woken by a turn's end, ``poll`` seconds pass (to look at ``cancelled``) or the class's
        time share refills; None when given up."""
        start = self.clock()
        event = threading.Event()
        with self._lock:
            self._wakers.setdefault(session, []).append(event)
        try:
            while True:
                with self._lock:
                    now = self.clock()
                    event.clear()
                    got = attempt(session, now)
                    if got is not None:
                        return got
                    if now - start >= self.wait_max or cancelled():
                        give_up(session)
                        return None
                    refill = -self._credit / self.duty if self._credit <= 0 else self.poll
                event.wait(min(self.poll, max(refill, 0.001)))
        finally:
            with self._lock:
                self._wakers[session].remove(event)
                if not self._wakers[session]:
                    del self._wakers[session]
