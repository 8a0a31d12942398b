"""Which parameters a view takes decides what the route passes it (``source_ip`` only where asked)."""

from __future__ import annotations

import functools
import inspect
from typing import Any

from chalicelib.http import _parameter_names


def _login(*, caller: Any, body: Any, source_ip: str) -> None: ...


def _plain(caller: Any, post_id: str, *args: Any, limit: int = 5, **rest: Any) -> None:
    local_name = 1  # a local variable is not a parameter
    del local_name


def test_names_come_from_the_code_object_and_match_the_signature() -> None:
    for fn in (_login, _plain):
        assert _parameter_names(fn) == tuple(
            n for n, p in inspect.signature(fn).parameters.items() if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        )
    assert "source_ip" in _parameter_names(_login)
    assert "source_ip" not in _parameter_names(_plain)
    assert "local_name" not in _parameter_names(_plain)


def test_a_callable_without_code_goes_through_the_signature() -> None:
    assert "source_ip" in _parameter_names(functools.partial(_login, caller=None))
