"""Wiring only: the Chalice app, its blueprints, the OpenAPI route and the stream Lambda."""

from __future__ import annotations

from typing import Any

from chalice import Chalice

from chalicelib.communities.routes import bp as communities
from chalicelib.companies.routes import bp as companies
from chalicelib.friends.routes import bp as friends
from chalicelib.invites.routes import bp as invites
from chalicelib.members.routes import bp as members
from chalicelib.meta import bp as meta
from chalicelib.posts.routes import bp as posts
from chalicelib.search.routes import bp as search

app = Chalice(app_name="kizuna")
app.register_blueprint(meta)
app.register_blueprint(members)
app.register_blueprint(invites)
app.register_blueprint(friends)
app.register_blueprint(communities)
app.register_blueprint(posts)
app.register_blueprint(companies)
app.register_blueprint(search)


@app.lambda_function(name="stream_handler")
def stream_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from chalicelib.streams.handler import handle

    return handle(event, context)
