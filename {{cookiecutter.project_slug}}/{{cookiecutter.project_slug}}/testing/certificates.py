"""Throwaway TLS certificates for a redis-server of the test's own, and the arguments that make
it speak TLS only."""

import shutil
import subprocess
from pathlib import Path

import pytest


def make_certificates(directory: Path) -> dict[str, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1 that it signed."""
    if shutil.which("openssl") is None:
        pytest.fail("openssl is not installed: it makes the TLS test's certificates.")
    ca_key, ca_crt = directory / "ca.key", directory / "ca.crt"
    key, csr, crt = directory / "server.key", directory / "server.csr", directory / "server.crt"
    # The extensions Python 3.13's default verification (VERIFY_X509_STRICT) requires.
    extensions = directory / "extensions"
    extensions.write_text(
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
        "basicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature,keyEncipherment\n"
        "extendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\n"
        "authorityKeyIdentifier=keyid\n"
    )
    new_key = ["-newkey", "rsa:2048", "-nodes", "-days", "1"]
    new_ca = ["-x509", "-subj", "/CN=TestCA", "-addext", "basicConstraints=critical,CA:TRUE"]
    new_ca += ["-addext", "keyUsage=critical,keyCertSign,cRLSign"]
    for args in (
        ["req", *new_ca, *new_key, "-keyout", ca_key, "-out", ca_crt],
        ["req", *new_key, "-subj", "/CN=localhost", "-keyout", key, "-out", csr],
        ["x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial"],
    ):
        if args[0] == "x509":
            args += ["-days", "1", "-extfile", extensions, "-out", crt]
        subprocess.run(["openssl", *map(str, args)], check=True, capture_output=True)  # noqa: S603, S607
    return {"ca.crt": ca_crt, "server.key": key, "server.crt": crt}


def tls_server_args(certificates: dict[str, Path]) -> tuple[str, ...]:
    """TLS only (no plain port), also to the master and from sentinels (tls-replication)."""
    return (
        "--port", "0", "--tls-auth-clients", "no", "--tls-replication", "yes",
        "--tls-cert-file", str(certificates["server.crt"]),
        "--tls-key-file", str(certificates["server.key"]),
        "--tls-ca-cert-file", str(certificates["ca.crt"]),
    )  # fmt: skip
