"""Dask on a shared network: whoever reaches a scheduler can run code on its workers. A local cluster
listens on the loopback address only (its dashboard too, unless the user gives another address); a remote
scheduler is reached over TLS (``tls://`` with a CA, a client certificate and its key); a plain ``tcp://``
scheduler beyond this machine gets a one-line warning."""

from __future__ import annotations

import ipaddress
import json
import logging
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import IsageError
from ..settings import ClusterSettings

log = logging.getLogger(__name__)

LOOPBACK = "127.0.0.1"


def scheduler_address(cluster: ClusterSettings) -> str | None:
    """The scheduler's address: given, or read from the scheduler file (None: a local cluster)."""
    if cluster.scheduler:
        return cluster.scheduler
    if cluster.scheduler_file and Path(cluster.scheduler_file).is_file():
        try:
            return json.loads(Path(cluster.scheduler_file).read_text(encoding="utf-8")).get("address")
        except (OSError, ValueError, AttributeError) as exc:
            raise IsageError(
                f"{cluster.scheduler_file}: not a scheduler file ({exc}); give the JSON file "
                "`dask scheduler --scheduler-file` wrote"
            ) from exc
    return None


def is_loopback(address: str) -> bool:
    """Whether a Dask address (``tcp://host:port``, ``tls://...``, ``host:port``) is on this machine."""
    host = urlsplit(address if "://" in address else f"tcp://{address}").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_transport(cluster: ClusterSettings) -> None:
    """Refuse what cannot work securely as asked; warn once about plain TCP beyond this machine."""
    address = scheduler_address(cluster)
    tls_files = [cluster.tls_ca_file, cluster.tls_cert, cluster.tls_key]
    if address is None:
        if any(tls_files) and cluster.local_workers:
            raise IsageError(
                "--tls-* options are for a remote tls:// scheduler; a local cluster stays on loopback"
            )
        return
    scheme = address.split("://")[0].lower() if "://" in address else "tcp"
    if scheme == "tls":
        if not all(tls_files):
            raise IsageError(
                f"{address}: a TLS scheduler needs --tls-ca-file, --tls-cert and --tls-key (the CA that "
                "signed the scheduler's certificate, and this client's certificate and key)"
            )
        for option, path in zip(("--tls-ca-file", "--tls-cert", "--tls-key"), tls_files, strict=True):
            if not Path(path).is_file():
                raise IsageError(f"{path}: {option} file not found; give the PEM file")
    elif any(tls_files):
        raise IsageError(
            f"{address}: TLS files given for a plain {scheme}:// scheduler; give its tls:// address"
        )
    elif not is_loopback(address):
        log.warning(
            "%s: plain TCP to a scheduler beyond this machine: whoever reaches it can run code on its "
            "workers; use its tls:// address with --tls-ca-file, --tls-cert and --tls-key",
            address,
        )


def client_security(cluster: ClusterSettings):
    """Dask's ``Security`` for the client (TLS required), or None without TLS files."""
    if not cluster.tls_ca_file:
        return None
    from distributed.security import Security

    return Security(
        tls_ca_file=str(cluster.tls_ca_file),
        tls_client_cert=str(cluster.tls_cert),
        tls_client_key=str(cluster.tls_key),
        require_encryption=True,
    )
