"""The posts domain's ``SpamCheck`` over the pure scorer (``chalicelib.moderation.spam``) and this process's memory.

The memory is best effort, per process (per Lambda container, per local worker): the recent texts
that near-duplicate detection compares against (``RecentTexts``), and how many items each author
wrote in the last few minutes (``recent_count``). Neither is read from or written to DynamoDB, so
scoring adds nothing to a write but CPU; a cold container starts with an empty memory.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

from chalicelib.moderation.spam import RecentTexts, SpamConfig, SpamContext, score
from chalicelib.posts.models import SpamSubject, SpamVerdict

#: The window of ``recent_count``: items by the same author in the last five minutes.
RECENT_WINDOW_S = 300.0
#: Authors whose recent writes are remembered (the least recently writing are forgotten first).
MAX_AUTHORS = 10_000


class ScorerSpamCheck:
    """Scores each new post or comment with its context, then remembers it (held or not)."""

    def __init__(
        self,
        config: SpamConfig,
        recent: RecentTexts | None = None,
        *,
        window_s: float = RECENT_WINDOW_S,
        max_authors: int = MAX_AUTHORS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.config = config
        self.recent = recent if recent is not None else RecentTexts()
        self.window_s = window_s
        self.max_authors = max_authors
        self.clock = clock
        self._writes: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()  # a threaded worker shares the memory

    def _recent_count(self, author_id: str, now: float) -> int:
        writes = self._writes.get(author_id)
        if writes is None:
            return 0
        while writes and writes[0] <= now - self.window_s:
            writes.popleft()
        return len(writes)

    def _wrote(self, author_id: str, now: float) -> None:
        self._writes.setdefault(author_id, deque()).append(now)
        self._writes.move_to_end(author_id)
        while len(self._writes) > self.max_authors:
            self._writes.popitem(last=False)

    def check(self, subject: SpamSubject) -> SpamVerdict:
        with self._lock:
            now = self.clock()
            context = SpamContext(
                author_id=subject.author_id,
                author_age_days=subject.author_age_days,
                recent_count=self._recent_count(subject.author_id, now),
                parent_text=subject.parent_text,
                company_hosts=subject.company_hosts,
                recent=self.recent,
            )
            result = score(subject.text, context, self.config)
            self.recent.add(subject.author_id, result.sketch)
            self._wrote(subject.author_id, now)
        return SpamVerdict(held=result.hold, score=result.score, threshold=result.threshold, signals=result.explain())
