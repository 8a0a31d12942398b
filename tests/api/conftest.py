"""Fixtures shared by the API tests of sponsored placements."""

from __future__ import annotations

import pytest
from content_helpers import Advertiser, create_community, create_company, name_staff, post_topic


@pytest.fixture
def shop(api, admin, new_member) -> Advertiser:
    company = create_company(api, admin, name="株式会社キズナゲームス")
    owner, advertiser, agent = new_member(), new_member(), new_member()
    name_staff(api, admin, company["id"], owner, "owner")
    name_staff(api, owner, company["id"], advertiser, "advertiser")
    name_staff(api, owner, company["id"], agent, "agent")
    community = create_community(api, owner, name="キズナゲームス公式", company_id=company["id"])
    topic = post_topic(api, owner, community["id"], title="新作のお知らせ")
    return Advertiser(company, owner, advertiser, agent, community, topic)
