"""Gatehouse as several machines run it (README § Several machines), started by Deploy/cluster: Debian's PostgreSQL,
two auth-servers and two resource-servers on it, nginx in front as the one origin. A connector signs in through
nginx with the official MCP Python SDK and a real browser, refreshes at the other auth-server, calls tools on both
resource-servers; a grant revoked at one auth-server is refused by both resource-servers within a second; a
private_key_jwt assertion used at one auth-server is refused at the other; and with one auth-server and one
resource-server killed (-9) mid-load no grant, write or audit entry is lost or doubled."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from conftest import BIN_DIR, PASSWORD, ROOT, Person, free_port
from test_connector_sign_in import Connector

TOKEN_PATH = "/oauth/token"
CONNECT = ROOT / "Deploy" / "wrk" / "connect.py"
# Refresh chains rotating through nginx while an auth-server is killed: each a person of its own, hence its own grant
# (one per person, client and resource).
CHAINS = 6


@dataclass
class Cluster:
    """What Deploy/cluster started, read from its processes file, and the settings its admin commands need."""

    directory: Path
    port: int
    script: subprocess.Popen
    processes: dict[str, tuple[int, int]] = field(default_factory=dict)
    issued: list[str] = field(default_factory=list)

    # What Connector needs of a house: the MCP URL and the port its token requests go to (nginx here).
    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def resource(self) -> str:
        return f"{self.origin}/mcp"

    @property
    def auth_port(self) -> int:
        return self.port

    def keep_out_of_logs(self, *values: str | None) -> None:
        self.issued.extend(value for value in values if value)

    def port_of(self, name: str) -> int:
        return self.processes[name][1]

    def settings(self) -> dict[str, str]:
        """The servers' settings as Deploy/cluster keeps them for admin commands."""
        lines = (self.directory / "admin.env").read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)

    def command(self, binary: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
        env = {**os.environ, **self.settings()}
        return subprocess.run([str(BIN_DIR / binary), *args], env=env, input=stdin, capture_output=True, text=True, timeout=120)

    def sql(self, query: str) -> list[str]:
        url = self.settings()["GATEHOUSE_DATABASE_URL"].split("?")[0]
        result = subprocess.run(["psql", url, "-Atc", query], capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()

    def kill(self, name: str) -> None:
        os.kill(self.processes[name][0], signal.SIGKILL)


@pytest.fixture(scope="module")
def cluster():
    directory = Path(tempfile.mkdtemp(prefix="gatehouse-cluster-"))
    # PostgreSQL runs as its own user, who must reach its folder inside this one.
    directory.chmod(0o755)
    port = free_port()
    env = {**os.environ, "GATEHOUSE_BIN_DIR": str(BIN_DIR), "GATEHOUSE_CLUSTER_DIR": str(directory), "GATEHOUSE_CLUSTER_PORT": str(port),
           "GATEHOUSE_CLUSTER_KEEP_GOING": "1",
           # The load below is one person's: lift the per-person tool-call allowance (shared by both resource-servers).
           "GATEHOUSE_RATE_READS_PER_MINUTE": "1000000", "GATEHOUSE_RATE_WRITES_PER_MINUTE": "1000000"}
    log = (directory / "cluster.log").open("w")
    script = subprocess.Popen([str(ROOT / "Deploy" / "cluster")], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    house = Cluster(directory, port, script)
    try:
        deadline = time.monotonic() + 180
        while "Gatehouse is running" not in (directory / "cluster.log").read_text():
            assert script.poll() is None, (directory / "cluster.log").read_text()
            assert time.monotonic() < deadline, (directory / "cluster.log").read_text()
            time.sleep(0.2)
        for line in (directory / "processes").read_text().splitlines():
            name, pid, process_port = line.split()
            house.processes[name] = (int(pid), int(process_port))
        yield house
    finally:
        script.send_signal(signal.SIGINT)
        try:
            script.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(script.pid, signal.SIGKILL)
        log.close()
    # Ctrl-C stops everything, PostgreSQL included.
    assert not (directory / "postgres" / "data" / "postmaster.pid").exists(), "PostgreSQL was left running"
    for path in (directory / "logs").glob("*-server-*.log"):
        text = path.read_text()
        for secret in house.issued:
            assert secret not in text, f"{path.name} logged a secret"


def token_request(port: int, origin: str, **form: str) -> httpx2.Response:
    """A token request straight to one auth-server, as nginx would pass it (the origin's Host)."""
    return httpx2.post(f"http://127.0.0.1:{port}{TOKEN_PATH}", data=form, headers={"Host": origin.removeprefix("http://")}, timeout=30)


def call(port: int, origin: str, token: str, tool: str, arguments: dict) -> httpx2.Response:
    return httpx2.post(
        f"http://127.0.0.1:{port}/mcp",
        json={"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": tool, "arguments": arguments}},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json", "MCP-Protocol-Version": "2025-11-25",
                 "Host": origin.removeprefix("http://")},
        timeout=30,
    )


def demo_person(cluster: Cluster) -> Person:
    password = (cluster.directory / "data" / "demo-password").read_text().strip()
    return Person(email="demo@gatehouse.local", password=password, subject="")


def test_sign_in_through_nginx_refresh_elsewhere_revoke_everywhere(cluster, browser, callback, artifacts):
    connector = Connector(cluster, browser, callback, demo_person(cluster), "cluster", artifacts)
    _, who = asyncio.run(connector.whoami("legacy"))
    assert who["tenant"] == "default"
    tokens = connector.storage.tokens
    client_id = connector.storage.client_info.client_id

    # The refresh token works at the other auth-server (and then at the first), each rotation seen by both.
    refreshed = []
    refresh_token = tokens.refresh_token
    for name in ("auth-server-2", "auth-server-1"):
        answer = token_request(cluster.port_of(name), cluster.origin, grant_type="refresh_token", refresh_token=refresh_token, client_id=client_id)
        assert answer.status_code == 200, (name, answer.text)
        body = answer.json()
        cluster.keep_out_of_logs(body["access_token"], body["refresh_token"])
        refreshed.append(body)
        refresh_token = body["refresh_token"]
    access_token = refreshed[-1]["access_token"]

    for name in ("resource-server-1", "resource-server-2"):
        answer = call(cluster.port_of(name), cluster.origin, access_token, "whoami", {})
        assert answer.status_code == 200, answer.text
        assert answer.json()["result"]["structuredContent"]["client_id"] == client_id

    # Revoked at the second auth-server: the first resource-server (which follows the first auth-server) and the
    # second both refuse within a second.
    revoked = httpx2.post(f"http://127.0.0.1:{cluster.port_of('auth-server-2')}/oauth/revoke", data={"token": refresh_token, "client_id": client_id},
                          headers={"Host": cluster.origin.removeprefix("http://")}, timeout=10)
    assert revoked.status_code == 200, revoked.text
    started = time.monotonic()
    pending = {"resource-server-1", "resource-server-2"}
    while pending:
        for name in list(pending):
            if call(cluster.port_of(name), cluster.origin, access_token, "whoami", {}).status_code == 401:
                pending.discard(name)
        assert time.monotonic() - started < 1.0, f"still accepted after a second by {pending}"
        time.sleep(0.02)


def test_a_client_assertion_is_used_once_across_auth_servers(cluster, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    jwk = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "cluster-key", "use": "sig", "alg": "ES256"})
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [jwk]}))
    made = cluster.command("auth-server", "admin", "service-account", "create", "--name", "Cluster export", "--scope", "tickets:read",
                           "--jwks", str(tmp_path / "jwks.json"))
    assert made.returncode == 0, made.stderr
    client_id = json.loads(made.stdout)["client_id"]
    now = int(time.time())
    assertion = jwt.encode(
        {"iss": client_id, "sub": client_id, "aud": cluster.origin, "iat": now, "exp": now + 60, "jti": str(uuid.uuid4())},
        key, algorithm="ES256", headers={"kid": "cluster-key"})
    form = {"grant_type": "client_credentials", "resource": cluster.resource,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", "client_assertion": assertion}
    first = token_request(cluster.port_of("auth-server-1"), cluster.origin, **form)
    assert first.status_code == 200, first.text
    cluster.keep_out_of_logs(first.json()["access_token"], assertion)
    replayed = token_request(cluster.port_of("auth-server-2"), cluster.origin, **form)
    # RFC 6749 §5.2: invalid_client, with 400 since the client authenticated in the body, not with a header.
    assert replayed.status_code == 400 and replayed.json()["error"] == "invalid_client", replayed.text
    assert "already used" in replayed.json()["error_description"]


def test_killing_an_auth_server_and_a_resource_server_mid_load_loses_and_doubles_nothing(cluster):
    issued = cluster.command("auth-server", "admin", "token", "issue", "--email", "demo@gatehouse.local", "--scope", "tickets:read tickets:write",
                             "--ttl", "900")
    assert issued.returncode == 0, issued.stderr
    token = issued.stdout.strip()
    cluster.keep_out_of_logs(token)
    ticket = call(cluster.port, cluster.origin, token, "list_open_tickets", {"limit": 1}).json()["result"]["structuredContent"]["tickets"][0]["id"]
    keys = [f"cluster-{index}-{uuid.uuid4().hex[:8]}" for index in range(200)]
    answers: dict[str, dict] = {}
    clients: list[str] = []
    lock = threading.Lock()

    def write(key: str) -> None:
        # As a careful client does: retry with the same idempotency key until some instance answers.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                answer = call(cluster.port, cluster.origin, token, "reply_to_ticket",
                              {"ticket_id": ticket, "body": f"reply {key}", "idempotency_key": key})
                if answer.status_code == 200:
                    with lock:
                        answers[key] = answer.json()["result"]["structuredContent"]
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.05)

    def register(index: int) -> None:
        # Apps registering (RFC 7591) through nginx while an auth-server dies: each one acknowledged must exist once,
        # with one ledger entry.
        deadline = time.monotonic() + 60
        body = {"client_name": f"cluster load {index} {uuid.uuid4().hex[:6]}", "redirect_uris": ["http://127.0.0.1:9/callback"],
                "token_endpoint_auth_method": "none", "grant_types": ["authorization_code", "refresh_token"]}
        while time.monotonic() < deadline:
            try:
                answer = httpx2.post(f"{cluster.origin}/oauth/register", json=body, timeout=30)
                if answer.status_code == 201:
                    with lock:
                        clients.append(answer.json()["client_id"])
                    return
            except httpx2.TransportError:
                pass
            time.sleep(0.05)

    # Refresh chains, each signed in before the load, rotate through nginx until the load is over. A request whose
    # answer was lost (the connection dropped, or nginx's 502 from the killed auth-server) is retried with the same
    # refresh token, as a real client does. If the rotation had committed before the kill, the retry falls in the
    # grace window (docs/tokens.md § Refresh tokens) and gets the very pair that was lost, so the chain goes on with one
    # token (RFC 9700 §4.14.2: a rotated token is only treated as replayed outside that window). Any other answer
    # (invalid_grant above all: a false reuse detection ending the grant) fails the chain.
    chains = {email: connect_app(cluster, email) for email in [chain_person(cluster) for _ in range(CHAINS)]}
    load_over = threading.Event()
    rotations: dict[str, list[str]] = {email: [app["refresh_tokens"][0]] for email, app in chains.items()}
    lost: list[str] = []
    failures: list[str] = []

    def refresh(email: str) -> None:
        held, client_id = rotations[email], chains[email]["client_id"]
        while not load_over.is_set():
            try:
                answer = httpx2.post(f"{cluster.origin}{TOKEN_PATH}", timeout=30,
                                     data={"grant_type": "refresh_token", "refresh_token": held[-1], "client_id": client_id})
            except httpx2.TransportError:
                lost.append(email)
                continue
            if answer.status_code in (502, 503, 504):
                lost.append(email)
                continue
            if answer.status_code != 200:
                failures.append(f"{email}: {answer.status_code} {answer.text}")
                return
            body = answer.json()
            cluster.keep_out_of_logs(body["access_token"], body["refresh_token"])
            held.append(body["refresh_token"])

    refreshers = [threading.Thread(target=refresh, args=(email,)) for email in rotations]
    for thread in refreshers:
        thread.start()

    writers = [threading.Thread(target=write, args=(key,)) for key in keys]
    registrations = [threading.Thread(target=register, args=(index,)) for index in range(40)]
    threads = [thread for pair in zip(writers, registrations + [None] * len(writers)) for thread in pair if thread]
    for thread in threads[:100]:
        thread.start()
    while len(answers) < 20:
        time.sleep(0.01)
    cluster.kill("auth-server-1")
    cluster.kill("resource-server-1")
    for thread in threads[100:]:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    load_over.set()
    for thread in refreshers:
        thread.join(timeout=60)
    assert sorted(answers) == sorted(keys), f"{len(keys) - len(answers)} writes never answered"
    assert len(clients) == 40, f"{40 - len(clients)} registrations never answered"

    schema = "gatehouse_resource"
    rows = cluster.sql(f"SELECT count(*) FROM {schema}.ticket_note WHERE ticket_id = '{ticket}' AND body LIKE 'reply cluster-%' "
                       "GROUP BY body ORDER BY 1 DESC")
    assert len(rows) == len(keys) and rows[0] == "1", "every write stored exactly once"
    audited = cluster.sql(f"SELECT count(*) FROM {schema}.audit_log WHERE tool = 'reply_to_ticket' AND outcome = 'ok'")
    assert audited == [str(len(keys))], "each change committed with exactly one audit entry"
    listed = ", ".join(f"'{client_id}'" for client_id in clients)
    assert cluster.sql(f"SELECT count(*) FROM gatehouse_auth.client WHERE id IN ({listed})") == [str(len(clients))]
    assert cluster.sql(f"SELECT count(*) FROM gatehouse_auth.ledger WHERE event = 'client.registered' AND client_id IN ({listed})") \
        == [str(len(clients))], "one ledger entry per registration"

    # No grant lost: every chain's last answered refresh token still rotates (at the surviving auth-server). None
    # doubled or ended by mistake: one grant per chain, none revoked (no false reuse detection), and one rotation
    # (its refresh token row and its ledger entry, written in one transaction) per distinct token a chain was answered.
    assert not failures, failures
    # Whether a kill caught a refresh in flight is up to timing, so each chain also loses its last answer on purpose:
    # the retry with the token before it, at the surviving auth-server, is answered with the same pair.
    def rotate(email: str, token: str) -> str:
        answer = httpx2.post(f"{cluster.origin}{TOKEN_PATH}", timeout=30,
                             data={"grant_type": "refresh_token", "refresh_token": token, "client_id": chains[email]["client_id"]})
        assert answer.status_code == 200, (email, answer.text)
        cluster.keep_out_of_logs(answer.json()["access_token"], answer.json()["refresh_token"])
        return answer.json()["refresh_token"]

    for email, held in rotations.items():
        assert len(held) > 3, f"{email} barely rotated during the load: {len(held) - 1}"
        assert len(set(held)) == len(held), f"{email} was answered a token twice that was not a grace replay"
        assert rotate(email, held[-2]) == held[-1], "a lost answer's retry gets the same pair"
        held.append(rotate(email, held[-1]))
    people = ", ".join(f"'{email}'" for email in rotations)
    grants = ("gatehouse_auth.oauth_grant g JOIN gatehouse_auth.person p ON p.tenant_id = g.tenant_id AND p.id = g.user_id "
              f"WHERE p.email IN ({people})")
    assert cluster.sql(f"SELECT count(*), count(g.revoked_at) FROM {grants}") == [f"{CHAINS}|0"], "one grant per chain, none revoked"
    for email, held in rotations.items():
        assert cluster.sql(
            "SELECT count(*) FROM gatehouse_auth.refresh_token r JOIN gatehouse_auth.oauth_grant g ON g.tenant_id = r.tenant_id AND g.id = r.grant_id "
            f"JOIN gatehouse_auth.person p ON p.tenant_id = g.tenant_id AND p.id = g.user_id WHERE p.email = '{email}'") \
            == [str(len(held))], f"one refresh token per rotation of {email}"
        assert cluster.sql(f"SELECT count(*) FROM gatehouse_auth.ledger WHERE event = 'token.refreshed' AND actor_email = '{email}'") \
            == [str(len(held) - 1)], f"one ledger entry per rotation of {email}"
    print(f"{sum(len(held) - 1 for held in rotations.values())} rotations over {CHAINS} chains, {len(lost)} answers lost and retried")


def chain_person(cluster: Cluster) -> str:
    """A technician for the refresh chains (the demo admin would be asked to enrol a second factor)."""
    email = f"chains-{secrets.token_hex(4)}@example.com"
    added = cluster.command("auth-server", "admin", "user", "add", "--email", email, "--role", "technician", "--password-stdin",
                            stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    return email


def connect_app(cluster: Cluster, email: str) -> dict:
    """An app signed in through nginx's pages (Deploy/wrk/connect.py), with one refresh token."""
    connected = subprocess.run([sys.executable, str(CONNECT), cluster.origin, cluster.resource, email, PASSWORD, "tickets:read", "1"],
                               capture_output=True, text=True, timeout=60)
    assert connected.returncode == 0, connected.stderr
    app = json.loads(connected.stdout)
    cluster.keep_out_of_logs(*app["refresh_tokens"])
    return app
