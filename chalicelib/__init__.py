"""Kizuna: a members-only network where companies meet their customers."""
