"""Errors as RFC 9457 problem details. Nothing from the internals reaches the client."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

logger = logging.getLogger("haard.api")

PROBLEM_TYPE = "https://haard.example/problems/"
_TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    413: "Request too large",
    422: "Invalid input",
    429: "Too many requests",
    500: "Internal error",
}


def problem(
    request: HttpRequest, status: int, detail: str, *, errors: list[dict[str, Any]] | None = None
) -> HttpResponse:
    import json

    body: dict[str, Any] = {
        "type": "about:blank",
        "title": _TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if errors is not None:
        body["errors"] = errors
    response = HttpResponse(json.dumps(body), status=status, content_type="application/problem+json")
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="haard"'
    return response


def _clean_errors(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    # Only where and what: never echo the submitted value back.
    cleaned = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ())]
        cleaned.append({"field": ".".join(location), "message": str(error.get("msg", "invalid"))})
    return cleaned


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        return problem(
            request, 422, "The request does not match the schema.", errors=_clean_errors(exc.errors)
        )

    @api.exception_handler(AuthenticationError)
    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return problem(request, 401, "A valid token or signed-in session is required.")

    @api.exception_handler(AuthorizationError)
    def on_authorization(request: HttpRequest, exc: AuthorizationError) -> HttpResponse:
        return problem(request, 403, "You may not do this.")

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem(request, 404, "Not found, or not visible to you.")

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return problem(request, exc.status_code, str(exc.message) if exc.status_code < 500 else "Error")

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return problem(request, 413, "The request body is larger than this server accepts.")

    @api.exception_handler(Exception)
    def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("api_error path=%s type=%s", request.path, type(exc).__name__)
        return problem(request, 500, "haard could not finish this request.")
