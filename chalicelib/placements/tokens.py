"""Impression tokens: what a shown placement carries to its click. HMAC-signed, expiring. Pure.

A token fixes the auction's price and names the campaign, the keyword that matched, the member
it was shown to and a random nonce (the click record's key: one charge per token). Its key is
derived from the app's signing key with a purpose label, so it is never the JWT or cursor key.
"""

from __future__ import annotations

import json
import secrets

from msgspec import Struct

from chalicelib import errors
from chalicelib.signing import Signer


class Impression(Struct, frozen=True):
    """What a token says: campaign, company, keyword, price (yen per click), member, nonce, expiry."""

    campaign_id: str
    company_id: str
    keyword: str
    price: int
    member_id: str
    nonce: str
    expires_at: int

    def expired(self, now_s: float) -> bool:
        return now_s >= self.expires_at


class ImpressionTokens:
    """Issues and verifies impression tokens."""

    def __init__(self, key: bytes, ttl_s: int):
        self._signer = Signer(key, b"impression:", 20)
        self.ttl_s = ttl_s

    def issue(
        self, campaign_id: str, company_id: str, keyword: str, price: int, member_id: str, now_s: float
    ) -> tuple[str, Impression]:
        """A fresh token for one placement shown to ``member_id``."""
        impression = Impression(
            campaign_id, company_id, keyword, price, member_id, secrets.token_urlsafe(16), int(now_s) + self.ttl_s
        )
        payload = json.dumps(
            [
                impression.campaign_id,
                impression.company_id,
                keyword,
                price,
                member_id,
                impression.nonce,
                impression.expires_at,
            ],
            separators=(",", ":"),
            ensure_ascii=False,
        ).encode()
        return self._signer.seal(payload), impression

    def verify(self, token: str) -> Impression:
        """The impression of a token we issued (expired or not), or NotFound."""
        try:
            fields = json.loads(self._signer.open(token))
            campaign_id, company_id, keyword, price, member_id, nonce, expires_at = fields
            return Impression(
                str(campaign_id), str(company_id), str(keyword), int(price), str(member_id), str(nonce), int(expires_at)
            )
        except (ValueError, TypeError):
            raise errors.NotFound("No such placement.", code="placement_not_found") from None
