"""The search index in OpenSearch (osmem-server locally): the only module that imports opensearch-py.

Writes are bulk requests with ``version_type=external`` (see ``chalicelib.search.documents``):
a 409 means the index already holds that version or a newer one, which is success; a delete
that finds nothing (404) is success too, but an index write answered 404 (no such index) is a
failure to retry, never an acknowledgement. Bodies are cut under 10 MiB, the smallest request
size limit of Amazon OpenSearch Service instance types.

``name`` (``<table prefix>content``) is an alias, never an index: the documents live in
``<name>-<UTC timestamp>``, created with the mapping and the alias in one request. Reads and
writes go through the alias; ``rebuild`` fills a new index and moves the alias in one atomic
``_aliases`` call (``ops reindex --recreate``), so searches never see a missing or half-filled
index, and a bulk write can never auto-create ``name`` without the ``cjk`` analyzer (writes ask
``require_alias``). An older deployment whose ``name`` is a plain index is converted by the
first rebuild (the index is removed in the same atomic call that adds the alias).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from chalicelib.config import Settings
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


def stage_index(s: Settings) -> SearchIndex:
    """The search index (its alias) of the stage in ``s``; the client is built on first use."""
    return SearchIndex(s.opensearch_url, s.search_index, s.region)


class SearchIndex:
    """One index of posts and communities; the client is built on first use."""

    def __init__(self, url: str | None, name: str, region: str | None = None):
        self.url = url
        self.name = name
        self.region = region
        self._client: OpenSearch | None = None
        self._ready = False
        #: False for the writer of ``rebuild``, which writes to a concrete index.
        self.is_alias = True

    @property
    def client(self) -> OpenSearch:
        if self._client is None:
            if not self.url:
                raise RuntimeError("No search server: set KIZUNA_OPENSEARCH_URL.")
            self._client = client_for(self.url, self.region)
        return self._client

    def new_index_name(self) -> str:
        """A fresh concrete index name behind the alias (UTC time, to the microsecond)."""
        stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime())
        return f"{self.name}-{stamp}{int(time.time() * 1e6) % 1_000_000:06d}"

    def _create(self, index: str, alias: bool) -> None:
        body: dict[str, Any] = dict(INDEX_BODY)
        if alias:
            body["aliases"] = {self.name: {}}
        self.client.indices.create(index=index, body=body)

    def ensure(self) -> None:
        """Create an index with its mapping behind the alias if the alias is missing (once per process)."""
        if self._ready:
            return
        from opensearchpy.exceptions import RequestError

        if not self.client.indices.exists(index=self.name):
            try:
                self._create(self.new_index_name(), alias=True)
            except RequestError as exc:
                # Another process created it first: fine if the alias exists now.
                if not self.client.indices.exists(index=self.name):
                    raise RuntimeError(f"could not create the index behind {self.name}: {exc.error}") from exc
        self._ready = True

    def indices(self) -> list[str]:
        """The concrete indices behind the alias (a legacy plain index of that name: itself)."""
        from opensearchpy.exceptions import NotFoundError

        try:
            found = self.client.indices.get_alias(name=self.name)
        except NotFoundError:
            found = {}
        if found:
            return sorted(found)
        return [self.name] if self.client.indices.exists(index=self.name) else []

    def rebuild(self, fill: Any) -> str:
        """Build a new index, ``fill(writer)`` it, then point the alias at it; returns its name.

        ``fill`` gets a ``SearchIndex`` writing to the new index only. Live reads and the stream's
        writes keep using the old index until the alias moves (one atomic ``_aliases`` call);
        the old indices are deleted after. Changes the stream wrote to the old index while the
        new one filled are caught up by the caller (``ops reindex`` reads the tables again).
        """
        target = self.new_index_name()
        self._create(target, alias=False)
        writer = SearchIndex(self.url, target, self.region)
        writer._client, writer._ready, writer.is_alias = self.client, True, False
        fill(writer)
        old = self.indices()
        actions: list[dict[str, Any]] = [{"add": {"index": target, "alias": self.name}}]
        for index in old:
            if index == self.name:
                actions.append({"remove_index": {"index": index}})  # a legacy plain index of the alias's name
            else:
                actions.append({"remove": {"index": index, "alias": self.name}})
        self.client.indices.update_aliases(body={"actions": actions})
        for index in old:
            if index != self.name:
                self.client.indices.delete(index=index, ignore_unavailable=True)
        self._ready = True
        return target

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
            # Never let an index write auto-create the alias's name as an index without the mapping.
            **({"require_alias": True} if self.is_alias else {}),
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

    def analyze(self, analyzer: str, text: str) -> list[str]:
        """The tokens the index's ``analyzer`` makes of ``text`` (``_analyze``; ops check-analysis)."""
        self.ensure()
        found = self.client.indices.analyze(index=self.name, body={"analyzer": analyzer, "text": text})
        return [str(t["token"]) for t in found.get("tokens", [])]

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
