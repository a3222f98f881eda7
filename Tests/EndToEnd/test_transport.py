"""Transport: each server serves TLS from GATEHOUSE_TLS_CERT/KEY and takes a renewed pair on SIGHUP without a
restart; plain-http URLs to anything but loopback are refused at start."""

from __future__ import annotations

import hashlib
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest

from conftest import Gatehouse, binary, free_port


def make_pair(folder: Path, name: str = "server") -> tuple[Path, Path]:
    cert, key = folder / f"{name}.crt", folder / f"{name}.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    return cert, key


def served_certificate(port: int, trusted: Path) -> tuple[str, str]:
    """The SHA-256 of the certificate the server presents (verified against `trusted`), and /healthz's first line."""
    context = ssl.create_default_context(cafile=str(trusted))
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        fingerprint = hashlib.sha256(tls.getpeercert(binary_form=True)).hexdigest()
        tls.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        answer = b""
        while chunk := tls.recv(4096):
            answer += chunk
    return fingerprint, answer.split(b"\r\n", 1)[0].decode()


def wait_for_tls(port: int, trusted: Path, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        try:
            served_certificate(port, trusted)
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("no TLS answer")


@pytest.mark.parametrize("name", ["auth-server", "resource-server"])
def test_tls_from_files_and_renewed_on_sighup(tmp_path, name):
    house = Gatehouse(tmp_path, free_port(), free_port())
    house.cimd_pinned_dir.mkdir()
    cert, key = make_pair(tmp_path)
    port = house.auth_port if name == "auth-server" else house.resource_port
    base = house.auth_env() if name == "auth-server" else {**house.resource_env(), "GATEHOUSE_RS_CLIENT_ID": "x", "GATEHOUSE_RS_CLIENT_SECRET": "y"}
    env = {
        **base,
        "GATEHOUSE_ISSUER": f"https://127.0.0.1:{house.auth_port}",
        "GATEHOUSE_RESOURCE": f"https://127.0.0.1:{house.resource_port}/mcp",
        "GATEHOUSE_TLS_CERT": str(cert),
        "GATEHOUSE_TLS_KEY": str(key),
    }
    log = tmp_path / f"{name}.log"
    process = subprocess.Popen([binary(name)], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        wait_for_tls(port, cert, process)
        first, status = served_certificate(port, cert)
        assert status == "HTTP/1.1 200 OK"

        # Renewal: a new pair at the same paths, then SIGHUP. New connections get the new certificate.
        renewed = tmp_path / "renewed"
        renewed.mkdir()
        new_cert, new_key = make_pair(renewed)
        # Until the server has reloaded it presents the old certificate: trust both while waiting.
        either = tmp_path / "either.crt"
        either.write_bytes(cert.read_bytes() + new_cert.read_bytes())
        cert.write_bytes(new_cert.read_bytes())
        key.write_bytes(new_key.read_bytes())
        process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 10
        while (second := served_certificate(port, either)[0]) == first and time.monotonic() < deadline:
            time.sleep(0.1)
        assert second != first
        # A broken renewal is refused and the last good pair keeps being served.
        cert.write_text("half-written")
        process.send_signal(signal.SIGHUP)
        time.sleep(1)
        assert process.poll() is None
        cert.write_bytes(new_cert.read_bytes())
        assert served_certificate(port, new_cert)[0] == second
        assert "TLS certificate not reloaded" in log.read_text()
    finally:
        process.terminate()
        assert process.wait(timeout=15) == 0, log.read_text()


@pytest.mark.parametrize(
    ("name", "setting", "value"),
    [
        ("auth-server", "GATEHOUSE_ISSUER", "http://auth.example.com"),
        ("auth-server", "GATEHOUSE_RESOURCE", "http://desk.example.com/mcp"),
        ("resource-server", "GATEHOUSE_AUTH_URL", "http://10.0.0.5:9000"),
        ("resource-server", "GATEHOUSE_RESOURCE", "http://desk.example.com/mcp"),
    ],
)
def test_plain_http_to_anything_but_loopback_is_refused(tmp_path, name, setting, value):
    env = {"PATH": "/usr/bin:/bin", "GATEHOUSE_DATA_DIR": str(tmp_path), setting: value}
    result = subprocess.run([binary(name)], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2, result
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and setting in lines[0] and "https" in lines[0], result.stderr


def test_public_issuer_refuses_the_generated_key_encryption_key(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "GATEHOUSE_DATA_DIR": str(tmp_path), "GATEHOUSE_ISSUER": "https://auth.example.com",
           "GATEHOUSE_RESOURCE": "https://auth.example.com/mcp"}
    result = subprocess.run([binary("auth-server")], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 2, result
    assert "GATEHOUSE_KEK_FILE" in result.stderr and "GATEHOUSE_KEK" in result.stderr
    assert not (tmp_path / "kek").exists()
