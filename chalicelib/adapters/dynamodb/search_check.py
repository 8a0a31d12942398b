"""The search re-check: the items behind a page of hits, read from DynamoDB as they are now.

One ``BatchGetItem`` per table (posts; communities only when the page has communities or official
posts), with strongly consistent reads: a post deleted, hidden or re-scoped a moment ago reads as
such, however far behind the stream into the index is. PynamoDB splits more than 100 keys into
several requests and retries unprocessed keys.
"""

from __future__ import annotations

from collections.abc import Collection

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
        posts: dict[str, Post] = {}
        communities: dict[str, Community] = {}
        if post_ids:
            items = PostItem.batch_get(sorted(set(post_ids)), consistent_read=True)
            posts = {item.post_id: _post(item) for item in items}
        if community_ids:
            found = CommunityItem.batch_get(sorted(set(community_ids)), consistent_read=True)
            communities = {item.community_id: _community(item) for item in found}
        return posts, communities
