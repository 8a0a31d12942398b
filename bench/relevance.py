"""Search relevance on a judged Japanese + English set: the analysis chain against plain ``cjk`` bigrams.

``bench/data/relevance_posts.jsonl`` is one post per line (id, title, body, and the concepts it
mentions); ``relevance_queries.jsonl`` one query per line (id, q, the judged relevant post ids, a
note on what it tests). Every post was written for this set; a post is judged relevant to a query
when it mentions what each word of the query means, in any form: a place inside an address
(東京都府中市 for 東京都), a compound (ファンコミュニティ for コミュニティ), half-width or
full-width, upper or lower case, an English plural or ``-ing``/``-ed`` form. Look-alikes are not:
東京都 for 京都, 京都市 for 都市, 一人気まま for 人気, customers for custom, new for news.

The posts go into two throw-away indices on one osmem-server of their own: ``new``, with
``documents.INDEX_BODY`` and ``documents.post_document`` (what production writes), and
``bigram``, with the mapping and the per-word query of before (``cjk`` on title and body, one
``multi_match`` with ``operator: and`` per word). Every query is built by the real
``query.search_body``; for ``bigram`` only its per-word clauses are swapped back. Figures are
over the top 20: recall@20 is the share of a query's relevant posts found, out of at most 20,
precision@20 the share of what was returned that is relevant (1 when nothing was returned),
both averaged over the queries. Targets: recall >= 0.98, precision >= 0.95, and no query with
a lower recall than the bigrams had. Needs no stack (``ctx`` unused); speed is not judged.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.report import Row

if TYPE_CHECKING:
    from bench.runner import Context

NAME = "relevance"
DATA = Path(__file__).resolve().parent / "data"
K = 20
RECALL_TARGET = 0.98
PRECISION_TARGET = 0.95
CALLER = "bench-reader"


@dataclass(frozen=True)
class Judged:
    id: str
    q: str
    relevant: frozenset[str]
    note: str


@dataclass(frozen=True)
class Scores:
    recall: float
    precision: float
    returned: tuple[str, ...]


def load() -> tuple[list[dict[str, Any]], list[Judged]]:
    posts = [json.loads(line) for line in (DATA / "relevance_posts.jsonl").read_text("utf-8").splitlines() if line]
    queries = [
        Judged(row["id"], row["q"], frozenset(row["relevant"]), row.get("note", ""))
        for row in (json.loads(line) for line in (DATA / "relevance_queries.jsonl").read_text("utf-8").splitlines())
    ]
    return posts, queries


def bigram_index_body() -> dict[str, Any]:
    """The mapping before the analysis chain: ``cjk`` on title and body, no analysis settings."""
    from chalicelib.search.documents import INDEX_BODY, TEXT

    body = copy.deepcopy(INDEX_BODY)
    body["settings"] = {"number_of_shards": 1}
    props = body["mappings"]["properties"]
    props["title"] = props["body"] = TEXT
    for field in ("title_stems", "body_stems"):
        props.pop(field, None)
    return body


def bigram_clause(word: str) -> dict[str, Any]:
    return {"multi_match": {"query": word, "fields": ["title^2", "body"], "operator": "and"}}


def request(q: str, bigram: bool) -> dict[str, Any]:
    """``search_body`` as the service sends it; for the bigram index with the old per-word clauses."""
    from chalicelib.search.query import search_body, terms

    body = search_body(q, "posts", CALLER, [], K)
    if bigram:
        inner = body["query"]["function_score"]["query"]["bool"]
        inner["must"] = [bigram_clause(w) for w in terms(q)] or [{"match_none": {}}]
    return body


def documents(posts: list[dict[str, Any]], bigram: bool) -> list[tuple[str, dict[str, Any]]]:
    from chalicelib.search.documents import post_document

    out = []
    for p in posts:
        doc = post_document(
            {"post_id": p["id"], "title": p["title"], "body": p["body"], "visibility": "members", "kind": "topic"}
        )
        if bigram:
            doc = {k: v for k, v in doc.items() if not k.endswith("_stems")}
        out.append((doc["doc_id"], doc))
    return out


def score(judged: Judged, returned: list[str]) -> Scores:
    top = returned[:K]
    found = sum(1 for r in top if r in judged.relevant)
    recall = found / min(len(judged.relevant), K) if judged.relevant else 1.0
    precision = found / len(top) if top else 1.0
    return Scores(recall, precision, tuple(top))


def evaluate(client: Any, index: str, queries: list[Judged], bigram: bool) -> dict[str, Scores]:
    results = {}
    for judged in queries:
        hits = client.search(index=index, body=request(judged.q, bigram))["hits"]["hits"]
        results[judged.id] = score(judged, [str(h["_source"]["id"]) for h in hits])
    return results


def fill(client: Any, index: str, body: dict[str, Any], docs: list[tuple[str, dict[str, Any]]]) -> None:
    from opensearchpy import helpers

    client.indices.create(index=index, body=body)
    actions = ({"_op_type": "index", "_index": index, "_id": ident, "_source": doc} for ident, doc in docs)
    _, errors = helpers.bulk(client, actions, raise_on_error=False, max_retries=0, refresh=True)
    if errors:
        raise RuntimeError(f"{len(errors)} bulk errors, first: {errors[0]}")


def measure() -> tuple[list[Judged], dict[str, Scores], dict[str, Scores]]:
    """Index the set twice on a throw-away osmem-server and run every query against both."""
    from opensearchpy import OpenSearch

    from chalicelib.search.documents import INDEX_BODY
    from local.stack import start_osmem

    posts, queries = load()
    osmem = start_osmem()
    try:
        client = OpenSearch(hosts=[osmem.url], timeout=60)
        fill(client, "relevance-new", INDEX_BODY, documents(posts, bigram=False))
        fill(client, "relevance-bigram", bigram_index_body(), documents(posts, bigram=True))
        new = evaluate(client, "relevance-new", queries, bigram=False)
        old = evaluate(client, "relevance-bigram", queries, bigram=True)
    finally:
        osmem.stop()
    return queries, new, old


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 1.0


def run(ctx: Context) -> list[Row]:
    queries, new, old = measure()
    n_posts = len(load()[0])
    recall_new = _mean([new[q.id].recall for q in queries])
    recall_old = _mean([old[q.id].recall for q in queries])
    precision_new = _mean([new[q.id].precision for q in queries])
    precision_old = _mean([old[q.id].precision for q in queries])
    below = [q for q in queries if new[q.id].recall < old[q.id].recall - 1e-9]
    imperfect = [q for q in queries if new[q.id].recall < 1 or new[q.id].precision < 1]
    worst = "; ".join(
        f"{q.q} r={new[q.id].recall:.2f} p={new[q.id].precision:.2f}" for q in imperfect[:6]
    )  # what to look at first
    improved = sum(
        1 for q in queries if new[q.id].recall > old[q.id].recall or new[q.id].precision > old[q.id].precision
    )
    return [
        Row(NAME, "recall@20 (new)", round(recall_new, 4), note=f"{len(queries)} queries over {n_posts} posts"),
        Row(NAME, "recall@20 (bigrams)", round(recall_old, 4), note="cjk on title and body, the query of before"),
        Row(NAME, "precision@20 (new)", round(precision_new, 4)),
        Row(NAME, "precision@20 (bigrams)", round(precision_old, 4)),
        Row(
            NAME,
            "1 - recall@20 (new)",
            round(1 - recall_new, 4),
            target=round(1 - RECALL_TARGET, 4),
            note="recall >= 0.98",
        ),
        Row(
            NAME,
            "1 - precision@20 (new)",
            round(1 - precision_new, 4),
            target=round(1 - PRECISION_TARGET, 4),
            note="precision >= 0.95",
        ),
        Row(
            NAME,
            "queries below bigram recall",
            len(below),
            target=0.0,
            note=", ".join(q.q for q in below) or "none",
        ),
        Row(NAME, "queries better than bigrams", improved, note="higher recall or precision"),
        Row(NAME, "queries not perfect (new)", len(imperfect), note=worst or "none"),
    ]


def details() -> None:
    """Per-query figures, for looking into a regression: ``python -m bench.relevance``."""
    queries, new, old = measure()
    for q in queries:
        n, o = new[q.id], old[q.id]
        flag = " <" if n.recall < o.recall else ""
        figures = f"new r={n.recall:.2f} p={n.precision:.2f}  bigram r={o.recall:.2f} p={o.precision:.2f}"
        print(f"{q.id} {q.q:<14} {figures}{flag}")
        if n.recall < 1 or n.precision < 1:
            missed = sorted(q.relevant - set(n.returned))[:8]
            wrong = [r for r in n.returned if r not in q.relevant][:8]
            print(f"      missed {missed} wrong {wrong}")


if __name__ == "__main__":
    details()
