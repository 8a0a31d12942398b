"""Search: the read model fed by the table streams, and GET /search."""
