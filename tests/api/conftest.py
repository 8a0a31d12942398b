"""Fixtures shared by the API tests of sponsored placements."""

from __future__ import annotations

import pytest
from content_helpers import Advertiser, make_advertiser


@pytest.fixture
def shop(api, admin, new_member) -> Advertiser:
    return make_advertiser(api, admin, new_member)
