"""Every exception the library raises, and the mapping from HTTP failures to them.

The class names, bases (minus the ``requests`` ones) and constructors are those of the original
SDK.  Three additions describe failures below HTTP, which the original let escape as ``requests``
exceptions: :class:`DaemonConnectionError`, :class:`DaemonTimeout` and :class:`ProtocolError`,
all under :class:`TransportError`, itself a :class:`DockerException`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from ._core.message import Response

__all__ = [
    "APIError",
    "BuildError",
    "ContainerError",
    "ContextAlreadyExists",
    "ContextException",
    "ContextNotFound",
    "DaemonConnectionError",
    "DaemonTimeout",
    "DeprecatedMethod",
    "DockerException",
    "ImageLoadError",
    "ImageNotFound",
    "InvalidArgument",
    "InvalidConfigFile",
    "InvalidRepository",
    "InvalidVersion",
    "MissingContextParameter",
    "NotFound",
    "NullResource",
    "ProtocolError",
    "StreamParseError",
    "TLSParameterError",
    "TransportError",
    "api_error_for",
    "create_api_error_from_http_exception",
    "create_unexpected_kwargs_error",
]

#: Lower-cased fragments of a 404 explanation that mean "the image does not exist".
_IMAGE_NOT_FOUND_MARKERS = (
    "no such image",
    "not found: does not exist or no pull access",
    "repository does not exist",
    "was found but does not match the specified platform",
)


class DockerException(Exception):
    """Root of every error this library raises (except :class:`StreamParseError`)."""


class APIError(DockerException):
    """The daemon answered with an HTTP error status.

    ``response`` is the HTTP response (``status_code``, ``url``, ``reason``, ``headers``,
    ``content``, ``text``, ``json()``), ``explanation`` the daemon's own message.
    """

    def __init__(
        self, message: Any, response: Response | None = None, explanation: str | None = None
    ) -> None:
        super().__init__(message)
        self.response = response
        self.explanation = explanation

    def __str__(self) -> str:
        message = super().__str__()
        if self.response is not None:
            status = self.response.status_code
            if self.is_client_error():
                message = f"{status} Client Error for {self.response.url}: {self.response.reason}"
            elif self.is_server_error():
                message = f"{status} Server Error for {self.response.url}: {self.response.reason}"
        if self.explanation:
            message = f'{message} ("{self.explanation}")'
        return message

    @property
    def status_code(self) -> int | None:
        """The HTTP status, or None when there is no response."""
        return self.response.status_code if self.response is not None else None

    def is_error(self) -> bool:
        """True for any 4xx or 5xx status."""
        return self.is_client_error() or self.is_server_error()

    def is_client_error(self) -> bool:
        """True for a 4xx status."""
        return self.status_code is not None and 400 <= self.status_code < 500

    def is_server_error(self) -> bool:
        """True for a 5xx status."""
        return self.status_code is not None and 500 <= self.status_code < 600


class NotFound(APIError):
    """The daemon answered 404: the object does not exist."""


class ImageNotFound(NotFound):
    """The daemon answered 404 about an image (it does not exist or cannot be pulled)."""


class InvalidVersion(DockerException):
    """The API version in use is too old for the call or parameter."""


class InvalidRepository(DockerException):
    """A repository name could not be understood."""


class InvalidConfigFile(DockerException):
    """A Docker configuration file is malformed."""


class InvalidArgument(DockerException):
    """An argument has a value the library cannot send."""


class DeprecatedMethod(DockerException):
    """The method no longer exists in this form."""


class TLSParameterError(DockerException):
    """The TLS settings are inconsistent or point at missing files."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg

    def __str__(self) -> str:
        return self.msg + (
            ". TLS configurations should map the Docker CLI client configurations."
            " See https://docs.docker.com/engine/articles/https/ for API details."
        )


class NullResource(DockerException, ValueError):
    """A resource id argument was empty."""


class ContainerError(DockerException):
    """A container run by ``containers.run`` exited with a non-zero status."""

    def __init__(
        self, container: Any, exit_status: int, command: Any, image: Any, stderr: Any
    ) -> None:
        self.container = container
        self.exit_status = exit_status
        self.command = command
        self.image = image
        self.stderr = stderr
        err = f": {stderr}" if stderr is not None else ""
        super().__init__(
            f"Command '{command}' in image '{image}' returned non-zero exit status "
            f"{exit_status}{err}"
        )


class StreamParseError(RuntimeError):
    """A JSON stream from the daemon could not be decoded."""

    def __init__(self, reason: Any) -> None:
        super().__init__(reason)
        self.msg = reason


class BuildError(DockerException):
    """An image build failed; ``build_log`` holds what the build printed."""

    def __init__(self, reason: Any, build_log: Any) -> None:
        super().__init__(reason)
        self.msg = reason
        self.build_log = build_log


class ImageLoadError(DockerException):
    """The daemon reported an error while loading an image archive."""


class MissingContextParameter(DockerException):
    """A context operation lacks a required parameter."""

    def __init__(self, param: str) -> None:
        super().__init__(param)
        self.param = param

    def __str__(self) -> str:
        return f"missing parameter: {self.param}"


class ContextAlreadyExists(DockerException):
    """A context with this name exists already."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"context {self.name} already exists"


class ContextException(DockerException):
    """A context operation failed."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg)
        self.msg = msg

    def __str__(self) -> str:
        return self.msg


class ContextNotFound(DockerException):
    """No context has this name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        return f"context '{self.name}' not found"


class TransportError(DockerException):
    """The daemon could not be reached or spoke something other than valid HTTP."""


class DaemonConnectionError(TransportError, ConnectionError):
    """No connection to the daemon could be made (or it was lost before a response)."""


class DaemonTimeout(TransportError, TimeoutError):
    """The daemon did not answer within the timeout."""


class ProtocolError(TransportError):
    """The daemon's reply was cut short or was not valid HTTP."""


def _explanation_from(response: Response) -> str:
    """Pull the daemon's message out of an error body, whatever its shape."""
    import json

    try:
        body = json.loads(response.content)
    except ValueError:
        return response.text.strip()
    if isinstance(body, Mapping) and isinstance(body.get("message"), str):
        return str(body["message"])
    return response.text.strip()


def api_error_for(response: Response, cause: Any = None) -> APIError:
    """The :class:`APIError` subclass that describes an HTTP error ``response``."""
    explanation = _explanation_from(response)
    cls: type[APIError] = APIError
    if response.status_code == 404:
        lowered = explanation.lower()
        if any(marker in lowered for marker in _IMAGE_NOT_FOUND_MARKERS):
            cls = ImageNotFound
        else:
            cls = NotFound
    message = cause if cause is not None else f"{response.status_code} {response.reason}"
    return cls(message, response=response, explanation=explanation)


def create_api_error_from_http_exception(e: Any) -> NoReturn:
    """Raise the :class:`APIError` subclass matching the failed response in ``e.response``."""
    raise api_error_for(e.response, e) from e


def create_unexpected_kwargs_error(name: str, kwargs: Mapping[str, Any]) -> TypeError:
    """The ``TypeError`` for keyword arguments a function does not accept."""
    quoted = [f"'{key}'" for key in sorted(kwargs)]
    text = f"{name}() got "
    if len(quoted) == 1:
        text += f"an unexpected keyword argument {quoted[0]}"
    else:
        text += f"unexpected keyword arguments {', '.join(quoted)}"
    return TypeError(text)
