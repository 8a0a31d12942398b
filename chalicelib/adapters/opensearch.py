"""The search index in OpenSearch (osmem-server locally): the only module that imports opensearch-py.

Writes are bulk requests with ``version_type=external`` (see ``chalicelib.search.documents``):
a 409 means the index already holds that version or a newer one, which is success; a delete
that finds nothing (404) is success too, but an index write answered 404 (no such index) is a
failure to retry, never an acknowledgement. Bodies are cut under 10 MiB, the smallest request
size limit of Amazon OpenSearch Service instance types.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalicelib.search.documents import INDEX_BODY, Change

if TYPE_CHECKING:
    from opensearchpy import OpenSearch

log = logging.getLogger(__name__)

MAX_CHUNK_BYTES = 9 * 1024 * 1024
CHUNK_SIZE = 500
#: Bulk statuses that mean "the index already agrees", per operation.
SETTLED = {"index": {409}, "create": {409}, "delete": {409, 404}}


def is_aws_endpoint(url: str) -> bool:
    """True for an Amazon OpenSearch Service domain, whose requests must be signed."""
    host = (urlsplit(url).hostname or "").lower()
    return host.endswith(".es.amazonaws.com") or host.endswith(".amazonaws.com.cn")


def client_for(url: str, region: str | None = None) -> OpenSearch:
    """An OpenSearch client for ``url`` (built lazily by the composition root, never at import).

    An Amazon OpenSearch Service endpoint gets SigV4-signed requests with the Lambda role's
    credentials (``Urllib3AWSV4SignerAuth``; the older ``AWSV4SignerAuth`` is deprecated);
    osmem-server and other plain endpoints get none. The same code runs in both places.
    """
    from opensearchpy import OpenSearch

    if not is_aws_endpoint(url):
        return OpenSearch(hosts=[url], timeout=5, max_retries=1, retry_on_timeout=False)
    import botocore.session
    from opensearchpy import Urllib3AWSV4SignerAuth, Urllib3HttpConnection

    session = botocore.session.get_session()
    auth = Urllib3AWSV4SignerAuth(session.get_credentials(), region or session.get_config_variable("region"), "es")
    return OpenSearch(
        hosts=[url],
        http_auth=auth,
        use_ssl=True,
        verify_certs=True,
        connection_class=Urllib3HttpConnection,
        timeout=5,
        max_retries=1,
        retry_on_timeout=False,
    )


class SearchIndex:
    """One index of posts and communities; the client is built on first use."""

    def __init__(self, url: str | None, name: str, region: str | None = None):
        self.url = url
        self.name = name
        self.region = region
        self._client: OpenSearch | None = None
        self._ready = False

    @property
    def client(self) -> OpenSearch:
        if self._client is None:
            if not self.url:
                raise RuntimeError("No search server: set KIZUNA_OPENSEARCH_URL.")
            self._client = client_for(self.url, self.region)
        return self._client

    def ensure(self) -> None:
        """Create the index with its mapping if it is missing (once per process)."""
        if self._ready:
            return
        from opensearchpy.exceptions import RequestError

        if not self.client.indices.exists(index=self.name):
            try:
                self.client.indices.create(index=self.name, body=INDEX_BODY)
            except RequestError as exc:
                if "already_exists" not in str(exc.error):
                    raise
        self._ready = True

    def recreate(self) -> None:
        """Drop and create the index (reindex from scratch)."""
        self.client.indices.delete(index=self.name, ignore_unavailable=True)
        self._ready = False
        self.ensure()

    def _actions(self, changes: Iterable[Change]) -> Iterator[dict[str, Any]]:
        for change in changes:
            action: dict[str, Any] = {
                "_index": self.name,
                "_id": change.doc_id,
                "version": change.version,
                "version_type": "external",
            }
            if change.is_delete:
                action["_op_type"] = "delete"
            else:
                action["_op_type"] = "index"
                action["_source"] = change.document
            yield action

    def apply(self, changes: list[Change]) -> set[str]:
        """Write the changes; returns the doc ids that failed (to be retried by the caller)."""
        if not changes:
            return set()
        from opensearchpy import helpers

        self.ensure()
        failed: set[str] = set()
        for ok, result in helpers.streaming_bulk(
            self.client,
            self._actions(changes),
            chunk_size=CHUNK_SIZE,
            max_chunk_bytes=MAX_CHUNK_BYTES,
            raise_on_error=False,
            raise_on_exception=False,
            max_retries=0,
        ):
            if ok:
                continue
            ((op, info),) = result.items()
            if info.get("status") in SETTLED.get(op, set()):
                continue
            log.warning("search index %s of %s failed: %s", op, info.get("_id"), info.get("error"))
            failed.add(str(info.get("_id")))
        if failed:
            # The server may come back empty (osmem keeps nothing): check the index again before the
            # next write, so it is created with its mapping instead of being auto-created by the bulk.
            self._ready = False
        return failed

    def search(self, body: dict[str, Any]) -> dict[str, Any]:
        """Run a search request against the index."""
        self.ensure()
        result: dict[str, Any] = self.client.search(index=self.name, body=body)
        return result

    def versions(self, page_size: int = 1000) -> Iterator[tuple[str, int]]:
        """Every document id with its version, in id order (ops check-index)."""
        self.ensure()
        after: list[Any] | None = None
        while True:
            body: dict[str, Any] = {
                "query": {"match_all": {}},
                "sort": [{"doc_id": "asc"}],
                "size": page_size,
                "version": True,
                "_source": False,
            }
            if after is not None:
                body["search_after"] = after
            hits = self.client.search(index=self.name, body=body)["hits"]["hits"]
            for hit in hits:
                yield str(hit["_id"]), int(hit["_version"])
            if len(hits) < page_size:
                return
            after = hits[-1]["sort"]
