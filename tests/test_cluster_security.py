"""The cluster path on a shared network: a local cluster listens on loopback only, a TLS scheduler gives the
one-process pixels, and what cannot be secure as asked is refused or warned about in one line."""

from __future__ import annotations

import datetime
import ipaddress
import logging
from pathlib import Path

import psutil
import pytest

from isage_core.errors import IsageError
from isage_core.settings import ClusterSettings

from .test_cluster import assert_same_as_serial, inputs, run_cluster  # noqa: F401 (inputs: a fixture)

distributed = pytest.importorskip("distributed", reason="the cluster extra (make install) provides Dask")
x509 = pytest.importorskip("cryptography.x509", reason="the dev extra provides cryptography")
pytestmark = pytest.mark.usefixtures("one_torch_thread")


def listening_addresses() -> set[str]:
    """The addresses this process and its children listen on (TCP)."""
    processes = [psutil.Process(), *psutil.Process().children(recursive=True)]
    found = set()
    for process in processes:
        try:
            connections = process.net_connections(kind="inet")
        except psutil.Error:
            continue
        found |= {c.laddr.ip for c in connections if c.status == psutil.CONN_LISTEN}
    return found


def test_a_local_cluster_and_its_dashboard_listen_on_loopback_only():
    from isage_core.cluster.run import connect

    with connect(ClusterSettings(local_workers=1)) as client:
        assert client.dashboard_link.startswith("http://127.0.0.1:")
        listening = listening_addresses()
    assert listening and all(ipaddress.ip_address(ip).is_loopback for ip in listening), listening
    # what a dashboard on every interface looks like to this check (how it was before)
    with connect(ClusterSettings(local_workers=1, dashboard_address=":0")):
        assert not all(ipaddress.ip_address(ip).is_loopback for ip in listening_addresses())


def _pem_pair(path: Path, name: str, issuer=None, ca: bool = False):
    """A key and a certificate for ``name`` (valid for 127.0.0.1), signed by ``issuer`` (key, cert) or
    self-signed; written as ``path/name.key`` and ``path/name.pem``."""
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    signer_key, signer = issuer if issuer else (key, None)
    now = datetime.datetime.now(datetime.timezone.utc)
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(signer.subject if signer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if not ca:
        alt = x509.SubjectAlternativeName(
            [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName(name)]
        )
        builder = builder.add_extension(alt, critical=False)
    cert = builder.sign(signer_key, hashes.SHA256())
    (path / f"{name}.key").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    (path / f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key, cert


@pytest.fixture(scope="module")
def tls_files(tmp_path_factory) -> dict[str, Path]:
    """A CA and certificates it signed for a scheduler, a worker and a client."""
    folder = tmp_path_factory.mktemp("tls")
    ca = _pem_pair(folder, "ca", ca=True)
    for name in ("scheduler", "worker", "client"):
        _pem_pair(folder, name, issuer=ca)
    return {name: folder / name for name in ("ca", "scheduler", "worker", "client")}


def test_a_tls_scheduler_gives_the_one_process_pixels(inputs, tls_files, tmp_path):  # noqa: F811
    from distributed.security import Security

    t = tls_files
    security = Security(
        tls_ca_file=f"{t['ca']}.pem", require_encryption=True,
        tls_scheduler_cert=f"{t['scheduler']}.pem", tls_scheduler_key=f"{t['scheduler']}.key",
        tls_worker_cert=f"{t['worker']}.pem", tls_worker_key=f"{t['worker']}.key",
        tls_client_cert=f"{t['client']}.pem", tls_client_key=f"{t['client']}.key",
    )  # fmt: skip
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, protocol="tls://", host="127.0.0.1",
        security=security, dashboard_address=None,
    ) as cluster:  # fmt: skip
        address = cluster.scheduler_address
        assert address.startswith("tls://127.0.0.1:")
        settings = ClusterSettings(
            scheduler=address, tls_ca_file=f"{t['ca']}.pem", tls_cert=f"{t['client']}.pem",
            tls_key=f"{t['client']}.key",
        )  # fmt: skip
        run = run_cluster(inputs, tmp_path / "tls", settings)
        assert run.parts_computed == run.parts > 1
        assert_same_as_serial(inputs, run.outputs["mosaic"])
        with pytest.raises(IsageError, match="needs --tls-ca-file, --tls-cert and --tls-key"):
            run_cluster(inputs, tmp_path / "plain", ClusterSettings(scheduler=address))


def test_transport_checks_refuse_or_warn_in_one_line(tmp_path, caplog):
    from isage_core.cluster.security import check_transport

    with caplog.at_level(logging.WARNING):
        check_transport(ClusterSettings(scheduler="tcp://10.20.30.40:8786"))
    warning = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert (
        len(warning) == 1 and "plain TCP" in warning[0] and "tls://" in warning[0] and "\n" not in warning[0]
    )
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        check_transport(ClusterSettings(scheduler="tcp://127.0.0.1:8786"))
        check_transport(ClusterSettings(scheduler="localhost:8786"))
    assert not caplog.records
    (tmp_path / "sched.json").write_text('{"address": "tcp://192.168.1.9:8786"}')
    with caplog.at_level(logging.WARNING):
        check_transport(ClusterSettings(scheduler_file=str(tmp_path / "sched.json")))
    assert "192.168.1.9" in caplog.text
    with pytest.raises(IsageError, match="TLS files given for a plain tcp:// scheduler"):
        check_transport(
            ClusterSettings(scheduler="tcp://10.0.0.5:8786", tls_ca_file="a", tls_cert="b", tls_key="c")
        )
    with pytest.raises(IsageError, match="--tls-cert file not found"):
        missing = ClusterSettings(
            scheduler="tls://10.0.0.5:8786", tls_ca_file=str(tmp_path / "sched.json"), tls_cert="nope.pem",
            tls_key="nope.key",
        )  # fmt: skip
        check_transport(missing)
