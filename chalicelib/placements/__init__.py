"""Sponsored placements: campaigns, the auction around search, impression tokens, clicks and budgets."""
