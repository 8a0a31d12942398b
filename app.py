"""Wiring only: the Chalice app, its blueprints, the OpenAPI route, the stream, ranking and ban-sweep Lambdas.

Where each route lives: a blueprint is named after its domain, and a path belongs to the domain of
its first segment, except where a path nests inside another domain's:

    /health, /openapi.json                          meta           chalicelib/meta.py
    /auth/*, /me, /members/{handle}, /stats         members        chalicelib/members/routes.py
    /invites                                        invites        chalicelib/invites/routes.py
    /friends, /members/{handle}/friends             friends        chalicelib/friends/routes.py
    /communities, their members and moderators      communities    chalicelib/communities/routes.py
    /members/{handle}/communities                   communities    (a member's communities)
    /companies/{id}/communities                     communities    (a company's official ones)
    /communities/{id}/posts                         posts          chalicelib/posts/routes.py
    /posts, /diary, /members/{handle}/diary         posts          (diary entries are posts)
    /companies, /me/companies                       companies      chalicelib/companies/routes.py
    /companies/{id}/campaigns, /placements          placements     chalicelib/placements/routes.py
    /search                                         search         chalicelib/search/routes.py
    /reports, /admin/*                              moderation     chalicelib/moderation/routes.py
    /notifications, /diary/feed                     notifications  chalicelib/notifications/routes.py
"""

from __future__ import annotations

import gc

# A cold start creates many long-lived objects (routes, pydantic and PynamoDB classes): collecting
# mid-import finds nothing to free and cost more than the app's own code. Collection resumes at
# the end, with the import's objects frozen out of later collections too (as CPython docs suggest
# for long-lived processes).
gc.disable()

from typing import Any

from chalice.app import Chalice, CloudWatchEvent

from chalicelib import http
from chalicelib.bootstrap import services
from chalicelib.communities.routes import bp as communities
from chalicelib.companies.routes import bp as companies
from chalicelib.friends.routes import bp as friends
from chalicelib.invites.routes import bp as invites
from chalicelib.members.routes import bp as members
from chalicelib.meta import bp as meta
from chalicelib.moderation.routes import bp as moderation
from chalicelib.notifications.routes import bp as notifications
from chalicelib.observability import log_requests
from chalicelib.placements.routes import bp as placements
from chalicelib.posts.routes import bp as posts
from chalicelib.search.routes import bp as search
from chalicelib.sweeps import BAN_SWEEP_FUNCTION, BAN_SWEEP_SCHEDULE

# The services are built on the first request that needs them (bootstrap.services is lazy); the
# HTTP layer gets the function, so no domain module ever imports the composition root.
http.provide(services)

app = Chalice(app_name="kizuna")
app.register_middleware(log_requests, "http")
app.register_blueprint(meta)
app.register_blueprint(members)
app.register_blueprint(invites)
app.register_blueprint(friends)
app.register_blueprint(communities)
app.register_blueprint(posts)
app.register_blueprint(companies)
app.register_blueprint(search)
app.register_blueprint(placements)
app.register_blueprint(moderation)
app.register_blueprint(notifications)


@app.lambda_function(name="stream_handler")
def stream_handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from chalicelib.streams.handler import handle

    return handle(event, context)


@app.lambda_function(name="rank_placements")
def rank_placements(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from chalicelib.ranking import rank_placements as rank

    return rank(event)


# In AWS the template points this Lambda at chalicelib.sweeps.lambda_handler.handler (no app.py).
@app.schedule(BAN_SWEEP_SCHEDULE, name=BAN_SWEEP_FUNCTION)
def lift_ended_bans(event: CloudWatchEvent) -> dict[str, Any]:
    from chalicelib.sweeps.lambda_handler import handler

    return handler(event.to_dict(), event.context)


gc.freeze()
gc.enable()
