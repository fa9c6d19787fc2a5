"""The errors a call can raise: one base, a class per common status, transport, size and local failures."""

from __future__ import annotations

from typing import Any

import httpx

__all__ = [
    "ApiConnectionError",
    "ApiError",
    "ApiStatusError",
    "ApiTimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "InternalServerError",
    "InvalidCredentialError",
    "MissingCredentialError",
    "NotFoundError",
    "PaginationError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "ResponseTooLargeError",
    "ResponseValidationError",
    "UnprocessableEntityError",
]


class ApiError(Exception):
    """Base of every error this client raises."""


class InvalidCredentialError(ApiError, ValueError):
    """A credential given to the client (or read from the environment) cannot be sent as it is."""


class MissingCredentialError(ApiError):
    """The operation needs a credential the client was not given; nothing was sent."""


class ApiConnectionError(ApiError):
    """The request could not be sent or its response could not be read."""


class ApiTimeoutError(ApiConnectionError):
    """The call ran out of time (its `timeout` bounds the whole call, retries and body included)."""


class RedirectError(ApiConnectionError):
    """The server redirected too often, or somewhere a request cannot go."""


class ResponseTooLargeError(ApiError):
    """The response body exceeded `max_response_bytes` (after decompression); reading stopped there."""

    def __init__(self, message: str, *, response: httpx.Response, limit: int) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.limit = limit


class PaginationError(ApiError):
    """The next page cannot be fetched safely (for example a next link to another origin)."""


class ResponseValidationError(ApiError):
    """A successful response whose body does not match the type the API declared for it."""

    def __init__(
        self, message: str, *, response: httpx.Response, body: bytes, path: str = ""
    ) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.body = body
        """The raw body as it arrived (after content decoding)."""
        self.path = path
        """Where in the body decoding failed (`data[3].id`), or "" when the body is not JSON at all."""


class ApiStatusError(ApiError):
    """The API answered with a status that is not a success.

    `parsed` is the error body decoded as the model the API declares for this status, or the JSON value when it
    declares none; it is None when the body is empty, is not JSON, or does not match the declared model (then
    `parse_error` says why). A generated subclass may narrow `parsed` to its model.
    """

    parsed: Any

    def __init__(
        self,
        message: str,
        *,
        response: httpx.Response,
        body: bytes,
        parsed: Any = None,
        parse_error: str | None = None,
    ) -> None:
        super().__init__(message)
        self.response = response
        self.status_code = response.status_code
        self.headers = response.headers
        self.body = body
        self.parsed = parsed
        self.parse_error = parse_error


class BadRequestError(ApiStatusError):
    """400 Bad Request."""


class AuthenticationError(ApiStatusError):
    """401 Unauthorized."""


class PermissionDeniedError(ApiStatusError):
    """403 Forbidden."""


class NotFoundError(ApiStatusError):
    """404 Not Found."""


class ConflictError(ApiStatusError):
    """409 Conflict."""


class UnprocessableEntityError(ApiStatusError):
    """422 Unprocessable Entity."""


class RateLimitError(ApiStatusError):
    """429 Too Many Requests."""


class InternalServerError(ApiStatusError):
    """Any 5xx status."""


BY_STATUS: dict[int, type[ApiStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def for_status(status: int) -> type[ApiStatusError]:
    """The error class for a status code."""
    if status >= 500:
        return InternalServerError
    return BY_STATUS.get(status, ApiStatusError)
