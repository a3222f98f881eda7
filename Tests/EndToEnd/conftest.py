"""Starts the real auth-server and resource-server binaries on free loopback ports for the tests, and
gives the tests what a person and a connector bring: a headless Chromium, a loopback callback listener
and a person who can sign in.

The binaries come from GATEHOUSE_BIN_DIR (Deploy/test sets it to the debug build folder). Every server
started here is stopped here, and must exit cleanly on SIGTERM. Screenshots a person may want to look at
land in .build/e2e-artifacts/.
"""

from __future__ import annotations

import json
import os
import queue
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service

ROOT = Path(__file__).resolve().parents[2]
BIN_DIR = Path(os.environ.get("GATEHOUSE_BIN_DIR", ROOT / ".build" / "debug"))
ARTIFACTS = ROOT / ".build" / "e2e-artifacts"
PASSWORD = "correct horse battery staple"
JWT_SHAPE = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")

# Debian's chromium and chromium-driver (Deploy/test installs both). Naming the driver keeps selenium
# from looking for, or downloading, one of its own.
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

# The client metadata document the CIMD test stands for (draft-ietf-oauth-client-id-metadata-document).
# Its host is reserved (RFC 6761 .invalid), so nothing can ever be fetched from it: the auth-server finds
# the document in GATEHOUSE_CIMD_PINNED_DIR instead (docs/clients.md). Its loopback redirect URI has no port; the
# client listens on an ephemeral one (RFC 8252 §7.3).
CIMD_CLIENT_ID = "https://cimd.test.gatehouse.invalid/clients/e2e.json"
CIMD_TEST_DOCUMENT = {
    "client_id": CIMD_CLIENT_ID,
    "client_name": "Gatehouse end-to-end CIMD client",
    "redirect_uris": ["http://127.0.0.1/callback"],
    "grant_types": ["authorization_code", "refresh_token"],
    "response_types": ["code"],
    "token_endpoint_auth_method": "none",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def binary(name: str) -> str:
    path = BIN_DIR / name
    if not path.exists():
        pytest.fail(f"{path} is missing: build first (Deploy/test does)")
    return str(path)


@dataclass(frozen=True)
class Person:
    """Someone who signs in on the auth-server's pages; subject is their user id, the tokens' sub."""

    email: str
    password: str
    subject: str


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
    # Opaque secrets the tests obtained (authorization codes, refresh tokens, client secrets): never logged.
    opaque_secrets: list[str] = field(default_factory=list)
    # The auth-server's PostgreSQL server (GATEHOUSE_DATABASE_URL), for it and its admin commands; None: SQLite.
    database_url: str | None = None

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.auth_port}"

    @property
    def resource(self) -> str:
        return f"http://127.0.0.1:{self.resource_port}/mcp"

    @property
    def cimd_pinned_dir(self) -> Path:
        return self.workdir / "cimd-pinned"

    def auth_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "GATEHOUSE_LISTEN": f"127.0.0.1:{self.auth_port}",
            "GATEHOUSE_ISSUER": self.issuer,
            "GATEHOUSE_RESOURCE": self.resource,
            "GATEHOUSE_DATA_DIR": str(self.workdir / self.shared_data),
            "GATEHOUSE_LOG_FORMAT": "json",
            "GATEHOUSE_CIMD_PINNED_DIR": str(self.cimd_pinned_dir),
            **({"GATEHOUSE_DATABASE_URL": self.database_url} if self.database_url else {}),
        }

    # Both servers keep their data in one folder, as by default, so the resource-server finds the credentials
    # file the auth-server wrote there; a resource-server with a folder of its own is given them as settings,
    # as on a machine of its own.
    shared_data = "data"

    def resource_credentials(self) -> dict[str, str]:
        path = self.workdir / self.shared_data / "resource-server.credentials"
        values = dict(line.split(" = ", 1) for line in path.read_text().splitlines() if " = " in line and not line.startswith("#"))
        self.opaque_secrets.append(values["RS_CLIENT_SECRET"])
        return {"GATEHOUSE_RS_CLIENT_ID": values["RS_CLIENT_ID"], "GATEHOUSE_RS_CLIENT_SECRET": values["RS_CLIENT_SECRET"]}

    def resource_env(self, resource_port: int | None = None, data: str = shared_data) -> dict[str, str]:
        port = resource_port or self.resource_port
        credentials = {} if data == self.shared_data else self.resource_credentials()
        return {
            **os.environ,
            **credentials,
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

    def resource_command(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """Runs `resource-server <args>` (seed-demo, admin …) on the resource-server's data folder."""
        return subprocess.run(
            [binary("resource-server"), *args], env=env or self.resource_env(), capture_output=True, text=True, timeout=120
        )

    def add_company_user(self, email: str, company: str) -> Person:
        """A customer's person, who sees only their company (the id is one of the demo seed's customers)."""
        added = self.admin(
            "user", "add", "--email", email, "--role", "company", "--company", company, "--password-stdin", stdin=PASSWORD + "\n"
        )
        assert added.returncode == 0, added.stderr
        match = re.search(r"\(id (usr_[A-Za-z0-9_-]+)\)", added.stdout)
        assert match, added.stdout
        return Person(email=email, password=PASSWORD, subject=match.group(1))

    def pin_cimd_document(self, name: str, document: dict) -> None:
        """Stands a client metadata document in for its client_id URL, as GATEHOUSE_CIMD_PINNED_DIR does."""
        self.cimd_pinned_dir.mkdir(exist_ok=True)
        (self.cimd_pinned_dir / f"{name}.json").write_text(json.dumps(document, indent=2))

    def add_person(self, email: str) -> Person:
        """A technician who signs in with PASSWORD, as an operator adds one."""
        added = self.admin("user", "add", "--email", email, "--role", "technician", "--password-stdin", stdin=PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
        match = re.search(r"\(id (usr_[A-Za-z0-9_-]+)\)", added.stdout)
        assert match, added.stdout
        return Person(email=email, password=PASSWORD, subject=match.group(1))

    def keep_out_of_logs(self, *values: str | None) -> None:
        """Records secrets a test obtained so that check_logs fails if a server ever logged one."""
        for value in values:
            if not value:
                continue
            (self.issued if JWT_SHAPE.fullmatch(value) else self.opaque_secrets).append(value)

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
            for secret in [*self.issued, *self.opaque_secrets, PASSWORD]:
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


@contextmanager
def running_gatehouse(resource_settings: dict[str, str] | None = None, database_url: str | None = None, **auth_settings: str):
    """Both servers as Deploy/run starts them, with the demo data and the e2e CIMD document pinned, stopped
    (cleanly) and their logs checked afterwards. `auth_settings` adds GATEHOUSE_* settings to the auth-server's,
    `resource_settings` to the resource-server's; `database_url` puts the auth-server on PostgreSQL."""
    workdir = Path(tempfile.mkdtemp(prefix="gatehouse-e2e-"))
    house = Gatehouse(workdir, free_port(), free_port(), database_url=database_url)
    try:
        house.add_person("tech@example.com")
        # Pinned before the start, so it does not matter whether the server reads the folder once or per lookup.
        house.pin_cimd_document("e2e", CIMD_TEST_DOCUMENT)
        house.start("auth-server", {**house.auth_env(), **auth_settings}, f"{house.issuer}/healthz")
        # The demo service desk, as Deploy/run seeds it on first start.
        seeded = house.resource_command("seed-demo", env={**house.resource_env(), **(resource_settings or {})})
        assert seeded.returncode == 0, seeded.stderr
        house.start("resource-server", {**house.resource_env(), **(resource_settings or {})}, f"http://127.0.0.1:{house.resource_port}/healthz")
        yield house
    finally:
        codes = {server.name: server.stop() for server in house.servers}
        house.check_logs()
        shutil.rmtree(workdir, ignore_errors=True)
    # Ctrl-C / SIGTERM must stop both servers cleanly.
    assert all(code == 0 for code in codes.values()), codes


@pytest.fixture(scope="session")
def gatehouse():
    with running_gatehouse() as house:
        yield house


@pytest.fixture
def person(gatehouse) -> Person:
    """A person of one's own per test, so that their connected apps hold only what the test made."""
    return gatehouse.add_person(f"person-{secrets.token_hex(6)}@example.com")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots go for a person to look at (.build is ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def browser(tmp_path):
    """Headless Debian Chromium through selenium and Debian's chromedriver, with a fresh profile per test
    (so no cookie or session carries over), always quit."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in [
        "--headless=new",
        "--no-sandbox",  # the tests may run as root (CI does), where Chromium's sandbox refuses to start
        "--disable-dev-shm-usage",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--window-size=1280,1024",
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-extensions",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--password-store=basic",
    ]:
        options.add_argument(argument)
    driver = webdriver.Chrome(
        service=Service(executable_path=CHROMEDRIVER, log_output=str(tmp_path / "chromedriver.log")), options=options
    )
    try:
        driver.set_page_load_timeout(30)
        yield driver
    finally:
        driver.quit()


class LoopbackCallback:
    """The redirect listener a native OAuth client runs (RFC 8252 §7.3): a real HTTP server on 127.0.0.1
    and a free port, recording the query of every request to /callback."""

    path = "/callback"

    def __init__(self) -> None:
        self.received: queue.Queue[dict[str, str | list[str]]] = queue.Queue()
        received = self.received

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path != LoopbackCallback.path:
                    self.send_error(404)
                    return
                query = parse_qs(url.query, keep_blank_values=True)
                # RFC 6749 §3.1: parameters must not repeat; keep every value so a test sees it if they do.
                received.put({name: values[0] if len(values) == 1 else values for name, values in query.items()})
                body = b"<!doctype html><title>Signed in</title><p>You can close this window.</p>"
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args) -> None:  # the query holds the code: keep it off stderr
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, name="loopback-callback", daemon=True)
        self.thread.start()

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    def wait(self, timeout: float = 30) -> dict[str, str | list[str]]:
        """The query of the next callback; queue.Empty if none came within timeout."""
        return self.received.get(timeout=timeout)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


@pytest.fixture
def callback():
    listener = LoopbackCallback()
    try:
        yield listener
    finally:
        listener.close()
