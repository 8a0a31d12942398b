"""The stream relay of ``make run`` for benchmarks that measure write -> visible through it.

Imported inside the benchmarks that use it (``bench.search.run_lag``, ``bench.notification_lag``):
``local.relay`` loads boto3, which ``python -m bench --list`` has no need of.
"""

from __future__ import annotations

from local.relay import Shard, StreamRelay


class FromLatest(StreamRelay):
    """The relay of ``make run``, except that on its first pass a shard with records starts at LATEST.

    An event source mapping's ``StartingPosition: LATEST``: what other benchmarks wrote before is
    not replayed first. Only shards that hold records: DynamoDB Local's LATEST iterator on a shard
    that never had one fails (TrimmedDataAccessException) once the shard is written to, and the
    relay would reopen it past the first record. After the first pass (set ``skip_backlog`` to
    False after ``poll_once()``), the relay's own rules apply.
    """

    skip_backlog = True

    def _open_iterator(self, shard: Shard) -> str:
        if shard.position or not self.skip_backlog:
            return super()._open_iterator(shard)
        start = super()._open_iterator(shard)  # TRIM_HORIZON
        if not self._streams.get_records(ShardIterator=start, Limit=1).get("Records"):
            return super()._open_iterator(shard)
        out = self._streams.get_shard_iterator(
            StreamArn=shard.stream_arn, ShardId=shard.shard_id, ShardIteratorType="LATEST"
        )
        return str(out["ShardIterator"])
