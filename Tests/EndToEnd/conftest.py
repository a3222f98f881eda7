"""Starts the real auth-server and resource-server binaries on free loopback ports for the tests.

The binaries come from GATEHOUSE_BIN_DIR (Deploy/test sets it to the debug build folder). Every server
started here is stopped here, and must exit cleanly on SIGTERM.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("GATEHOUSE_BIN_DIR", ROOT / ".build" / "debug"))
PASSWORD = "correct horse battery staple"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def binary(name: str) -> str:
    path = BIN_DIR / name
    if not path.exists():
        pytest.fail(f"{path} is missing: build first (Deploy/test does)")
    return str(path)


@dataclass
class Server:
    name: str
    process: subprocess.Popen
    log: Path

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError(f"{self.name} did not stop within 15 s of SIGTERM")
        return self.process.returncode


@dataclass
class Gatehouse:
    """One auth-server and one resource-server sharing an issuer, as Deploy/run starts them."""

    workdir: Path
    auth_port: int
    resource_port: int
    servers: list[Server] = field(default_factory=list)
    issued: list[str] = field(default_factory=list)

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.auth_port}"

    @property
    def resource(self) -> str:
        return f"http://127.0.0.1:{self.resource_port}/mcp"

    def auth_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "GATEHOUSE_LISTEN": f"127.0.0.1:{self.auth_port}",
            "GATEHOUSE_ISSUER": self.issuer,
            "GATEHOUSE_RESOURCE": self.resource,
            "GATEHOUSE_DATA_DIR": str(self.workdir / "auth-data"),
            "GATEHOUSE_LOG_FORMAT": "json",
        }

    def resource_env(self, resource_port: int | None = None, data: str = "resource-data") -> dict[str, str]:
        port = resource_port or self.resource_port
        return {
            **os.environ,
            "GATEHOUSE_LISTEN": f"127.0.0.1:{port}",
            "GATEHOUSE_ISSUER": self.issuer,
            "GATEHOUSE_RESOURCE": f"http://127.0.0.1:{port}/mcp",
            "GATEHOUSE_DATA_DIR": str(self.workdir / data),
            "GATEHOUSE_LOG_FORMAT": "json",
            "GATEHOUSE_LOG_LEVEL": "debug",
        }

    def admin(self, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [binary("auth-server"), "admin", *args], env=self.auth_env(), input=stdin, capture_output=True, text=True, timeout=60
        )

    def issue_token(self, email: str = "tech@example.com", scope: str = "", ttl: int = 600) -> str:
        result = self.admin("token", "issue", "--email", email, "--scope", scope, "--ttl", str(ttl))
        assert result.returncode == 0, result.stderr
        token = result.stdout.strip()
        self.issued.append(token)
        return token

    def check_logs(self) -> None:
        """Every server log line is one JSON object, and no token or password ever appears in one."""
        for server in self.servers:
            text = server.log.read_text()
            lines = [line for line in text.splitlines() if line.strip()]
            assert lines, f"{server.name} wrote no log"
            for line in lines:
                record = json.loads(line)
                assert {"ts", "level", "label", "msg"} <= record.keys(), line
            for secret in [*self.issued, PASSWORD]:
                assert secret not in text, f"{server.name} logged a secret"
            for token in self.issued:
                assert token.split(".")[2] not in text, f"{server.name} logged a token signature"

    def start(self, name: str, env: dict[str, str], health_url: str) -> Server:
        log = self.workdir / f"{name}-{len(self.servers)}.log"
        process = subprocess.Popen([binary(name)], env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
        server = Server(name, process, log)
        self.servers.append(server)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(f"{name} exited with {process.returncode}:\n{log.read_text()}")
            try:
                if httpx2.get(health_url, timeout=1).status_code == 200:
                    return server
            except httpx2.TransportError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"{name} did not become healthy:\n{log.read_text()}")


@pytest.fixture(scope="session")
def gatehouse():
    workdir = Path(tempfile.mkdtemp(prefix="gatehouse-e2e-"))
    house = Gatehouse(workdir, free_port(), free_port())
    try:
        added = house.admin("user", "add", "--email", "tech@example.com", "--role", "technician", "--password-stdin", stdin=PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
        house.start("auth-server", house.auth_env(), f"{house.issuer}/healthz")
        house.start("resource-server", house.resource_env(), f"http://127.0.0.1:{house.resource_port}/healthz")
        yield house
    finally:
        codes = {server.name: server.stop() for server in house.servers}
        house.check_logs()
        shutil.rmtree(workdir, ignore_errors=True)
    # Ctrl-C / SIGTERM must stop both servers cleanly.
    assert all(code == 0 for code in codes.values()), codes
