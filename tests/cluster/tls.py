"""The tests' own certificate authority, a server certificate it signs for run-cluster.sh, and
an NSS database in which Chromium trusts that authority (and nothing else of ours).

Chromium on Linux reads trusted roots from ``$HOME/.pki/nssdb``, so the browser these tests
launch gets a ``HOME`` of its own holding that database: the certificate is checked for real
(name, dates, chain), with no ``ignore_https_errors`` and no SPKI allow-list.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CERTUTIL = shutil.which("certutil") or "/usr/bin/certutil"


@dataclass(frozen=True)
class Pki:
    ca_cert: Path  # PEM: what urllib's ssl context and Chromium's NSS database trust
    server_cert: Path  # PEM: for localhost, 127.0.0.1 and ::1, signed by the CA
    server_key: Path
    home: Path  # HOME for Chromium: .pki/nssdb trusts the CA


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path.chmod(0o600)


def make_pki(folder: Path) -> Pki:
    pki = _issue(folder)
    nssdb = pki.home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    subprocess.run([CERTUTIL, "-d", f"sql:{nssdb}", "-N", "--empty-password"], check=True)
    subprocess.run(
        [
            CERTUTIL,
            "-d",
            f"sql:{nssdb}",
            "-A",
            "-n",
            "iop-cluster-tests-ca",
            "-t",
            "C,,",
            "-i",
            str(pki.ca_cert),
        ],
        check=True,
    )
    return pki


def _issue(folder: Path) -> Pki:
    """A CA and a server certificate it signed, as files in ``folder``."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = (
        x509.CertificateBuilder()
        .subject_name(_name("IOP cluster tests CA"))
        .issuer_name(_name("IOP cluster tests CA"))
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    server = (
        x509.CertificateBuilder()
        .subject_name(_name("localhost"))
        .issuer_name(ca.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                    x509.IPAddress(ipaddress.ip_address("::1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    pki = Pki(folder / "ca.pem", folder / "server.pem", folder / "server.key", folder / "home")
    pki.ca_cert.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    # nginx sends the chain it is given: the server certificate, then the CA's.
    pki.server_cert.write_bytes(
        server.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    )
    _write_key(key, pki.server_key)
    return pki


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and its key (for checking a config, not a browser)."""
    pki = _issue(folder)
    return pki.server_cert, pki.server_key
