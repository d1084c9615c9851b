"""GDAL's network errors as one line a user can act on, naming the source and never its credentials."""

from __future__ import annotations

import re

from ..errors import IsageError
from .spec import ImagerySource, scrub

_STATUS = re.compile(r"HTTP (?:status code|error code)[:\s]*(\d{3})", re.I)


def _chain(exc: BaseException) -> list[str]:
    """The messages of ``exc`` and the GDAL errors it was raised from."""
    messages, seen = [], set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        messages.append(str(exc))
        exc = exc.__cause__ or exc.__context__
    return messages


def explain(exc: BaseException, source: ImagerySource, doing: str) -> IsageError:
    """One :class:`IsageError` saying what the service did and what to do about it."""
    text = " | ".join(_chain(exc))
    status = next((int(m) for m in _STATUS.findall(text)), None)
    lowered = text.lower()
    where = source.label()
    if status in (401, 403):
        why = (
            f"the service refused the request (HTTP {status}): it asks for credentials; give them with "
            "GDAL_HTTP_USERPWD=user:password or GDAL_HTTP_HEADERS in the environment (in QGIS: the layer's "
            "authentication configuration), never in the URL"
        )
    elif status == 404:
        zoom = f" at zoom {source.zoom}" if source.zoom is not None else ""
        why = f"the service has no imagery here{zoom} (HTTP 404); choose a zoom level and an extent it covers"
    elif status is not None:
        why = f"the service failed (HTTP {status}); try again later, the tiles fetched so far are kept"
    elif "timed out" in lowered or "timeout" in lowered:
        why = (
            "the service did not answer in time; try again (the tiles fetched so far are kept) or raise "
            "--timeout"
        )
    elif "not recognized as being in a supported file format" in lowered or "readblockfromfile" in lowered:
        why = (
            "the service answered with something that is not an image (an error page?); check the URL, "
            "the layer and the format in a browser"
        )
    elif "could not resolve" in lowered or "couldn't connect" in lowered or "connection refused" in lowered:
        why = "the service cannot be reached; check the URL and the network"
    else:
        first = next((m for m in _chain(exc)[1:] if m.strip()), str(exc)).splitlines()[0][:160]
        why = f"{first}; check the source"
    return IsageError(scrub(f"{where}: {doing}: {why}", source.secrets))
