"""STAC items as frames: the item's JSON (a file or a URL), its assets and their bands by name.

One item is a small JSON document; reading it needs no STAC client library (the assets' ``href`` and the
``eo:bands`` / ``bands`` lists are all iSAGE uses), so none is a dependency."""

from __future__ import annotations

import base64
import json
import os
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from ..errors import IsageError
from .spec import ImagerySource, is_url, scrub


@dataclass(frozen=True)
class AssetBand:
    """A band the user chose: the asset's location and the band's number in it (None: every band)."""

    asset: str
    href: str
    band: int | None


def read_item(source: ImagerySource, timeout_s: float) -> dict:
    """The item's JSON; refused with one line if it is not a STAC item."""
    where = source.label()
    try:
        if is_url(source.location):
            request = urllib.request.Request(source.location, headers=_auth_headers())  # noqa: S310 (http only)
            with urllib.request.urlopen(request, timeout=timeout_s) as answer:  # nosec B310: http(s) checked
                text = answer.read().decode("utf-8")
        else:
            text = Path(source.location).read_text(encoding="utf-8")
        item = json.loads(text)
    except urllib.error.HTTPError as exc:
        raise IsageError(
            scrub(f"{where}: could not read the STAC item (HTTP {exc.code}); check the URL", source.secrets)
        ) from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise IsageError(
            scrub(f"{where}: could not read the STAC item ({exc}); check the URL or path", source.secrets)
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise IsageError(f"{where}: not a JSON document; give a STAC item (.json)") from exc
    if (
        not isinstance(item, dict)
        or item.get("type") != "Feature"
        or not isinstance(item.get("assets"), dict)
    ):
        raise IsageError(
            f"{where}: not a STAC item (a GeoJSON Feature with assets); give an item, not a collection"
        )
    return item


def _auth_headers() -> dict:
    """GDAL's credentials from the environment, for the item request as for the pixels."""
    userpwd = os.environ.get("GDAL_HTTP_USERPWD")
    headers = {}
    if userpwd:
        headers["Authorization"] = "Basic " + base64.b64encode(userpwd.encode()).decode()
    for line in (os.environ.get("GDAL_HTTP_HEADERS") or "").split("\r\n"):
        name, _, value = line.partition(":")
        if name.strip() and value.strip():
            headers[name.strip()] = value.strip()
    return headers


def _bands(asset: dict) -> list[dict]:
    return asset.get("eo:bands") or asset.get("bands") or []


def choose_bands(item: dict, source: ImagerySource) -> list[AssetBand]:
    """The bands ``source.assets`` names, in order: an asset key (all its bands) or a band's name or
    common name; without names the item's ``visual`` asset (true colour)."""
    assets: dict = item["assets"]
    base = next((link.get("href") for link in item.get("links", []) if link.get("rel") == "self"), None)
    base = base or source.location

    def href(key: str) -> str:
        value = assets[key].get("href", "")
        if is_url(value) or Path(value).is_absolute():
            return value
        if is_url(base):
            return urljoin(base, value)
        return str((Path(base).parent / value).resolve())

    names = list(source.assets) or (["visual"] if "visual" in assets else [])
    known = ", ".join(sorted(assets))
    if not names:
        raise IsageError(
            f"{source.label()}: choose the assets or bands with --assets (the item has: {known})"
        )
    chosen = []
    for name in names:
        if name in assets:
            chosen.append(AssetBand(name, href(name), None))
            continue
        found = [
            AssetBand(key, href(key), index + 1 if len(_bands(asset)) > 1 else None)
            for key, asset in assets.items()
            for index, band in enumerate(_bands(asset))
            if name in (band.get("name"), band.get("common_name"))
        ]
        if not found:
            raise IsageError(
                f"{source.label()}: no asset or band named '{name}' (assets: {known}); fix --assets"
            )
        chosen.append(found[0])
    return chosen
