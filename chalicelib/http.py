"""The HTTP edge: request body -> pydantic, domain error -> error JSON, bearer token -> caller.

Every route is declared through :class:`Api`, so that authentication, parsing, error mapping
and the OpenAPI document (``chalicelib.openapi``) all come from one declaration.

This layer never builds a service: the entry point (``app.py``) hands it the composition
root's ``services()`` through :func:`provide`, and a routes module names the one service it
calls with :meth:`Api.service`. So no domain module imports the composition root.
"""

from __future__ import annotations

import functools
import hmac
import inspect
import ipaddress
import json
import logging
import re
from collections.abc import Callable
from typing import Any, Protocol

from chalice.app import Blueprint, Request, Response
from msgspec import Struct, field
from pydantic import BaseModel, ValidationError

from chalicelib import errors
from chalicelib.kernel import ID_PATTERN, Caller
from chalicelib.pagination import ModelRef, PageOf, resolve_model

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 64 * 1024

STATUS = {
    errors.InvalidInput: 400,
    errors.Unauthenticated: 401,
    errors.Forbidden: 403,
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.RateLimited: 429,
}

# Chalice answers 415 in its own format for a content type a route does not list; we accept all
# and answer a wrong one with our own 400 error JSON instead.
ANY_CONTENT_TYPE = ["*/*"]


class RouteSpec(Struct, frozen=True):
    """One declared route, as the OpenAPI document and the auth test see it."""

    method: str
    path: str
    summary: str
    tag: str
    status: int
    public: bool
    body: ModelRef | None = None
    query: ModelRef | None = None
    response: ModelRef | PageOf | None = None
    errors: tuple[int, ...] = field(default=())

    def body_model(self) -> type[BaseModel] | None:
        """The body model (its module is imported now if it was not)."""
        return None if self.body is None else resolve_model(self.body)

    def query_model(self) -> type[BaseModel] | None:
        """The query model (its module is imported now if it was not)."""
        return None if self.query is None else resolve_model(self.query)

    def response_model(self) -> type[BaseModel] | None:
        """The response model, with a ``PageOf`` declaration resolved."""
        if isinstance(self.response, PageOf):
            return self.response.model()
        return None if self.response is None else resolve_model(self.response)


ROUTES: list[RouteSpec] = []


class PathParam(Struct, frozen=True):
    """What a path parameter can be; any other value names nothing, so it is answered as a miss."""

    pattern: str
    max_length: int
    missing: str
    code: str = "not_found"

    def check(self, value: str) -> None:
        """NotFound, with the service's own message for a miss, unless ``value`` has this shape."""
        # The length first: the pattern of a token has no upper bound of its own. fullmatch, because
        # re's $ also matches before a trailing newline ("id%0A" would pass re.match).
        if len(value) > self.max_length or not re.fullmatch(self.pattern, value):
            raise errors.NotFound(self.missing, code=self.code)


# Every path parameter of every route, by name, checked before any store sees it: over DynamoDB's
# key size (2,048 bytes, 1,024 for a sort key) a value used to surface as a raw 500. A value
# outside its pattern is a 404 with the code and message of the service's own miss, never a 400:
# nothing by that name can exist, the patterns are public (the OpenAPI document), and no route
# creates what its path names, so there is no value to correct (which is when a 400 would help).
#
# Handles: signups take 3-20 characters (members.models.HANDLE_PATTERN); a lookup takes up to 64 of
# the same alphabet, so a handle made under a looser rule stays reachable.
_HANDLE_LOOKUP = r"^[A-Za-z0-9_]{1,64}$"
PATH_PARAMS: dict[str, PathParam] = {
    "community_id": PathParam(ID_PATTERN, 64, "No such community."),
    "post_id": PathParam(ID_PATTERN, 64, "No such post."),
    "company_id": PathParam(ID_PATTERN, 64, "No such company."),
    "campaign_id": PathParam(ID_PATTERN, 64, "No such campaign."),
    "report_id": PathParam(ID_PATTERN, 64, "No such report."),
    "held_id": PathParam(ID_PATTERN, 64, "No such held item."),
    "comment_id": PathParam(ID_PATTERN, 64, "No such comment."),
    "handle": PathParam(_HANDLE_LOOKUP, 64, "No such member."),
    # secret_token(16): 22 URL-safe characters; the id pattern leaves room for longer codes.
    "code": PathParam(ID_PATTERN, 64, "No such invite."),
    # signing.Signer: base64url(payload).base64url(signature). The longest impression token is 635
    # characters (50 keyword characters that JSON escapes as \u00XX, the longest ids and price).
    "token": PathParam(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$", 1024, "No such placement.", "placement_not_found"),
}


def path_params(path: str) -> list[str]:
    """The names of the ``{parameters}`` of a route path, in order."""
    return re.findall(r"{(\w+)}", path)


def check_path(uri_params: dict[str, Any]) -> None:
    """NotFound for the first path parameter that cannot name anything."""
    for name, value in uri_params.items():
        PATH_PARAMS[name].check(str(value))


JSON_TYPE = "application/json; charset=utf-8"


#: On every API response: members' data is never stored by a browser or proxy cache, and a browser
#: never sniffs a JSON body into something it would render.
SECURITY_HEADERS: dict[str, str | list[str]] = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def json_response(body: Any, status: int, headers: dict[str, str | list[str]] | None = None) -> Response:
    """A JSON response in UTF-8 as it is: Japanese text as \\u escapes would be two to three times longer."""
    return Response(
        body=json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        status_code=status,
        headers={"Content-Type": JSON_TYPE, **SECURITY_HEADERS, **(headers or {})},
    )


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The one error shape of the API."""
    return {"error": {"code": code, "message": message, "details": details or []}}


def error_response(exc: errors.DomainError) -> Response:
    """Map a domain error to its HTTP response."""
    status = next((s for cls, s in STATUS.items() if isinstance(exc, cls)), 400)
    headers: dict[str, str | list[str]] = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, errors.RateLimited):
        headers["Retry-After"] = str(exc.retry_after_s)
    return json_response(error_body(exc.code, exc.message, exc.details), status, headers)


#: Exception classes (by name, anywhere in an exception's class hierarchy or its cause chain) that
#: mean a service behind the API did not answer: botocore's and urllib3's connection failures and
#: timeouts (DynamoDB, Lambda), opensearch-py's. Named, not imported, so the HTTP layer loads none.
UNREACHABLE = frozenset(
    {
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ConnectionClosedError",
        "ConnectionError",
        "ConnectionTimeout",
        "NewConnectionError",
    }
)
#: AWS error codes (botocore's ``ClientError.response``) of a service that answered but could not
#: serve just now: its own failure or throttling, never the request's fault. DynamoDB Local answers
#: InternalFailure for a moment while it restarts.
SERVICE_SIDE_CODES = frozenset(
    {
        "InternalFailure",
        "InternalServerError",
        "ServiceUnavailable",
        "ThrottlingException",
        "ProvisionedThroughputExceededException",
        "RequestLimitExceeded",
    }
)
#: Seconds a client is asked to wait after a 503.
UNAVAILABLE_RETRY_AFTER_S = 5


def unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) says a backing service could not be reached or serve now."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if any(cls.__name__ in UNREACHABLE for cls in type(current).__mro__):
            return True
        response = getattr(current, "response", None)
        if isinstance(response, dict) and (response.get("Error") or {}).get("Code") in SERVICE_SIDE_CODES:
            return True
        current = current.__cause__ or current.__context__
    return False


def unavailable_response() -> Response:
    """503 with Retry-After: a service behind the API is down for a moment; the client may retry."""
    body = error_body(
        "service_unavailable", "A service behind Kizuna is not answering right now. Please try again in a moment."
    )
    return json_response(body, 503, {"Retry-After": str(UNAVAILABLE_RETRY_AFTER_S)})


def validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    """Field paths and messages of a pydantic error, without echoing the input back."""
    return [{"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"], "type": e["type"]} for e in exc.errors()]


def parse_body(request: Request, model: type[BaseModel]) -> BaseModel:
    """Parse the JSON body into ``model`` or raise InvalidInput with field paths."""
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise errors.InvalidInput(f"The body is larger than {MAX_BODY_BYTES} bytes.", code="body_too_large")
    content_type = (request.headers.get("content-type") or "").split(";")[0].strip().lower()
    if raw.strip() and content_type != "application/json":
        raise errors.InvalidInput(
            "The body must be JSON (Content-Type: application/json).", code="unsupported_content_type"
        )
    try:
        return model.model_validate_json(raw if raw.strip() else b"{}")
    except ValidationError as exc:
        if any(e["type"] == "json_invalid" for e in exc.errors()):
            raise errors.InvalidInput("The body is not valid JSON.", code="malformed_json") from None
        raise errors.InvalidInput("The request is invalid.", details=validation_details(exc)) from None


def parse_query(request: Request, model: type[BaseModel]) -> BaseModel:
    """Parse the query string into ``model`` (unknown parameters are ignored)."""
    params = dict(request.query_params or {})
    try:
        return model.model_validate(params)
    except ValidationError as exc:
        raise errors.InvalidInput("The query string is invalid.", details=validation_details(exc)) from None


def bearer_token(request: Request) -> str:
    """The token of ``Authorization: Bearer <token>`` or Unauthenticated."""
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise errors.Unauthenticated("A bearer token is required.", code="token_missing")
    return token.strip()


#: CloudFront adds this header, with the secret value only CloudFront and the API know, to every
#: request it sends to the API (``infra/edge.py``): the proof that a request came through our
#: distribution. A viewer's own header of that name is overwritten by CloudFront.
ORIGIN_SECRET_HEADER = "X-Kizuna-Origin-Secret"
#: The viewer's address and source port, added by CloudFront (the origin request policy of ``/api/*``):
#: ``198.51.100.10:46532``, or an IPv6 address without brackets, ``2001:db8::1:46532``.
VIEWER_ADDRESS_HEADER = "CloudFront-Viewer-Address"
#: Longer than any IPv6 address with a port (45 + 6) and brackets: a longer value is not one.
_MAX_VIEWER_ADDRESS = 64


def throttle_address(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str:
    """The address login attempts count under: IPv4 as it is, IPv6 by its /64.

    One subscriber gets at least a /64 and may use any address in it, so counting single IPv6
    addresses would let one guesser rotate past every cap. An IPv4-mapped IPv6 address is its IPv4.
    """
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def _throttle_address(text: str) -> str | None:
    try:
        return throttle_address(ipaddress.ip_address(text))
    except ValueError:
        return None


def viewer_address(value: str | None) -> str | None:
    """The throttle address of a ``CloudFront-Viewer-Address`` value (``ip:port``), or None if malformed."""
    if not value or len(value) > _MAX_VIEWER_ADDRESS:
        return None
    host, colon, port = value.strip().rpartition(":")
    if not colon or not re.fullmatch(r"[0-9]{1,5}", port) or int(port) > 65535:
        return None
    if host.startswith("[") and host.endswith("]"):
        host = host[1:-1]
    return _throttle_address(host)


def source_ip(request: Request, origin_secret: str | None = None) -> str:
    """The address a request came from, for login throttling (``unknown`` when there is none).

    The viewer's (``CloudFront-Viewer-Address``) when the request carries ``origin_secret`` in
    ``ORIGIN_SECRET_HEADER``, i.e. came through CloudFront; otherwise the connecting address API
    Gateway saw, which behind CloudFront is an edge server shared by many viewers. Without a
    secret, or with a wrong or missing one, the viewer header is never read: anyone can send it.
    """
    identity = (request.context or {}).get("identity") or {}
    seen = str(identity.get("sourceIp") or "unknown")
    connected = _throttle_address(seen) or seen
    if not origin_secret:
        return connected
    headers = request.headers  # case-insensitive
    sent = headers.get(ORIGIN_SECRET_HEADER)
    if sent is None or not hmac.compare_digest(sent.encode(), origin_secret.encode()):
        return connected
    viewer = viewer_address(headers.get(VIEWER_ADDRESS_HEADER))
    if viewer is None:
        # Through CloudFront but no usable viewer address: the origin request policy lacks the header.
        log.warning("a request through CloudFront has no valid %s; counting its edge address", VIEWER_ADDRESS_HEADER)
        return connected
    return viewer


class Authenticator(Protocol):
    def authenticate(self, token: str) -> Caller: ...


_services: Callable[[], Any] | None = None


def provide(services: Callable[[], Any]) -> None:
    """Entry points call this once with the function that returns the wired services (built lazily)."""
    global _services
    _services = services


def wired() -> Any:
    """The services the entry point provided."""
    if _services is None:
        raise RuntimeError("No services: the entry point must call chalicelib.http.provide() first.")
    return _services()


def authenticate(request: Request) -> Caller:
    """Resolve the caller from the bearer token; every non-public route goes through here."""
    auth: Authenticator = wired().auth
    return auth.authenticate(bearer_token(request))


def _parameter_names(fn: Callable[..., Any]) -> tuple[str, ...]:
    """The names ``fn`` takes, from its code object: ``inspect.signature`` cost 2.4 ms of every
    cold start over the app's ~70 routes; a callable without code (a partial) still goes through it."""
    code = getattr(inspect.unwrap(fn), "__code__", None)  # a decorated view: its own names, as the signature
    if code is None:
        return tuple(inspect.signature(fn).parameters)
    return tuple(code.co_varnames[: code.co_argcount + code.co_kwonlyargcount])


def _dump(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json")
    return result


class Api:
    """Declares the routes of one domain's Blueprint."""

    def __init__(self, blueprint: Blueprint, tag: str, prefix: str = "", models: str = ""):
        self.blueprint = blueprint
        self.tag = tag
        self.prefix = prefix
        #: The module a bare model name (``body="PostCreate"``) is defined in.
        self.models = models

    def service(self, name: str) -> Callable[[], Any]:
        """The wired service ``name``, looked up per call (services are built lazily, one by one)."""
        return lambda: getattr(wired(), name)

    def _ref(self, ref: ModelRef) -> ModelRef:
        if isinstance(ref, str) and ":" not in ref:
            if not self.models:
                raise ValueError(f"{self.tag}: name the module of {ref!r} (module:Name) or pass Api(models=...)")
            return f"{self.models}:{ref}"
        return ref

    def route(
        self,
        path: str,
        method: str,
        *,
        summary: str,
        status: int = 200,
        body: ModelRef | None = None,
        query: ModelRef | None = None,
        response: ModelRef | PageOf | None = None,
        public: bool = False,
        errors_: tuple[int, ...] = (),
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register ``fn(caller=, body=, query=, **uri_params)``; it returns a model, a dict or None.

        Models may be named (``body="PostCreate"``, in this Api's ``models`` module, or
        ``"module:Name"``): a named model's module is imported by the first request that parses
        or returns it, or by the OpenAPI document.

        A view that has a ``source_ip`` parameter also receives the request's source address
        (:func:`source_ip`, with the origin secret of the wired services).
        """
        body = None if body is None else self._ref(body)
        query = None if query is None else self._ref(query)
        if isinstance(response, PageOf):
            response = PageOf(self._ref(response.item))
        elif response is not None:
            response = self._ref(response)
        spec = RouteSpec(method, self.prefix + path, summary, self.tag, status, public, body, query, response, errors_)
        unknown = [p for p in path_params(spec.path) if p not in PATH_PARAMS]
        if unknown:
            # At import, so a new route cannot reach a store with a parameter nobody bounded.
            raise ValueError(f"{method} {spec.path}: add {unknown} to chalicelib.http.PATH_PARAMS")
        ROUTES.append(spec)

        def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
            wants_source_ip = "source_ip" in _parameter_names(fn)

            @functools.wraps(fn)
            def view(**uri_params: Any) -> Response:
                request = self.blueprint.current_request
                try:
                    kwargs: dict[str, Any] = dict(uri_params)
                    if not public:
                        kwargs["caller"] = authenticate(request)
                    if body is not None:
                        kwargs["body"] = parse_body(request, resolve_model(body))
                    if query is not None:
                        kwargs["query"] = parse_query(request, resolve_model(query))
                    if wants_source_ip:
                        kwargs["source_ip"] = source_ip(request, wired().origin_secret())
                    # After the token (401 first) and the body and query (a bad body is a 400 whether
                    # the id exists or not, as before), before the view: no store sees a bad id.
                    check_path(uri_params)
                    result = fn(**kwargs)
                except errors.DomainError as exc:
                    return error_response(exc)
                except Exception as exc:
                    if unreachable(exc):
                        log.warning("a backing service is unreachable in %s %s: %r", method, spec.path, exc)
                        return unavailable_response()
                    log.exception("unhandled error in %s %s", method, spec.path)
                    return json_response(
                        error_body("internal_error", "Something went wrong on our side. Please try again."), 500
                    )
                if isinstance(result, Response):
                    return result
                if status == 204:
                    return Response(body="", status_code=204, headers=dict(SECURITY_HEADERS))
                return json_response(_dump(result), status)

            self.blueprint.route(path, methods=[method], content_types=ANY_CONTENT_TYPE)(view)
            return view

        return decorate
