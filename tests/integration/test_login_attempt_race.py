"""Parallel login guesses cannot outrun the lock: each attempt is counted before its password is checked.

Against DynamoDB Local: many threads begin an attempt on the same handle and address at once, and
exactly as many as the limit allows get through; a right password hands its attempt back.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from datetime import UTC, datetime
from typing import Any

from chalicelib.adapters.dynamodb.login_attempts import LoginAttemptStore, address_key, pair_key
from chalicelib.adapters.dynamodb.tables import LoginAttemptItem

LIMIT, PER_ADDRESS, THREADS = 5, 12, 24


def _at_once(store: LoginAttemptStore, handles: list[str], address: str, now: datetime) -> list[int]:
    waits: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(len(handles))

    def attempt(handle: str) -> None:
        start.wait()
        wait_s = store.begin(handle, address, now)
        with lock:
            waits.append(wait_s)

    threads = [threading.Thread(target=attempt, args=(h,)) for h in handles]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return waits


def test_parallel_attempts_on_one_handle_stop_at_the_limit(services: Any) -> None:
    store = LoginAttemptStore(LIMIT, 900, PER_ADDRESS)
    handle, address, now = f"race{uuid.uuid4().hex[:8]}", "203.0.113.7", datetime.now(UTC)
    waits = _at_once(store, [handle] * THREADS, address, now)
    assert sorted(w == 0 for w in waits).count(True) == LIMIT, waits
    assert all(0 < w <= 900 for w in waits if w), waits
    assert int(LoginAttemptItem.get(pair_key(handle, address), consistent_read=True).failures) == LIMIT


def test_parallel_attempts_from_one_address_stop_at_its_limit(services: Any) -> None:
    store = LoginAttemptStore(LIMIT, 900, PER_ADDRESS)
    address, now = f"198.51.100.{uuid.uuid4().int % 250}", datetime.now(UTC)
    LoginAttemptItem(address_key(address)).delete(add_version_condition=False)
    handles = [f"ghost{uuid.uuid4().hex[:8]}" for _ in range(THREADS)]  # one guess at each of many handles
    waits = _at_once(store, handles, address, now)
    assert waits.count(0) == PER_ADDRESS, waits
    assert int(LoginAttemptItem.get(address_key(address), consistent_read=True).failures) == PER_ADDRESS
    # A refused attempt gave its handle's count back: only the attempts let through are on the handles.
    counted = 0
    for handle in handles:
        with contextlib.suppress(LoginAttemptItem.DoesNotExist):  # never counted
            counted += int(LoginAttemptItem.get(pair_key(handle, address), consistent_read=True).failures)
    assert counted == PER_ADDRESS


def test_a_right_password_hands_its_attempt_back(services: Any) -> None:
    store = LoginAttemptStore(LIMIT, 900, PER_ADDRESS)
    handle, address, now = f"ok{uuid.uuid4().hex[:8]}", "192.0.2.44", datetime.now(UTC)
    LoginAttemptItem(address_key(address)).delete(add_version_condition=False)
    for _ in range(LIMIT - 1):
        assert store.begin(handle, address, now) == 0  # wrong passwords: counted, kept
    assert store.begin(handle, address, now) == 0
    store.succeeded(handle, address)
    assert LoginAttemptItem.count(pair_key(handle, address)) == 0  # the handle's failures are forgotten
    assert int(LoginAttemptItem.get(address_key(address), consistent_read=True).failures) == LIMIT - 1
