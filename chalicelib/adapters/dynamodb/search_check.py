"""The search re-check: the items behind a page of hits, read from DynamoDB as they are now.

One ``BatchGetItem`` for both tables (the posts, and the communities when the page has communities
or official posts), with strongly consistent reads: a post deleted, hidden or re-scoped a moment
ago reads as such, however far behind the stream into the index is. ``batch_get_across`` splits
more than 100 keys into several requests and retries unprocessed keys.
"""

from __future__ import annotations

from collections.abc import Collection

from chalicelib.adapters.dynamodb.base import batch_get_across
from chalicelib.adapters.dynamodb.community_store import _community
from chalicelib.adapters.dynamodb.post_store import _post
from chalicelib.adapters.dynamodb.tables import CommunityItem, PostItem
from chalicelib.communities.models import Community
from chalicelib.posts.models import Post


class SearchCheck:
    """``search.ports.ItemCheck`` over the posts and communities tables."""

    def current(
        self, post_ids: Collection[str], community_ids: Collection[str]
    ) -> tuple[dict[str, Post], dict[str, Community]]:
        found = batch_get_across(
            [
                (PostItem, [{"post_id": {"S": i}} for i in sorted(set(post_ids))]),
                (CommunityItem, [{"community_id": {"S": i}} for i in sorted(set(community_ids))]),
            ],
            consistent=True,
        )
        posts = {p.id: p for p in (_post(PostItem.from_raw_data(r)) for r in found[PostItem.Meta.table_name])}
        communities = {
            c.id: c for c in (_community(CommunityItem.from_raw_data(r)) for r in found[CommunityItem.Meta.table_name])
        }
        return posts, communities
