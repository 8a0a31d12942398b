"""The sponsored-placement auction: pure code, run as its own Lambda (``rank_placements``).

Nothing here may import boto3, botocore, PynamoDB or opensearch-py: a test imports this package
in a fresh interpreter and checks ``sys.modules``.
"""

from chalicelib.ranking.auction import rank_placements

__all__ = ["rank_placements"]
