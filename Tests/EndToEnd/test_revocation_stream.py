"""Revocation pushed to every resource-server: real binaries, real sockets. A grant ended at the auth-server is
refused at each resource-server well within a second, however it was ended; the stream survives an auth-server
restart (resuming with Last-Event-ID) and a renumbered log (a reset), and nothing revoked comes back."""

from __future__ import annotations

import sqlite3
import sys
import time
from pathlib import Path

import pytest

from conftest import PASSWORD, ROOT, free_port, running_gatehouse

sys.path.insert(0, str(ROOT / "Deploy" / "wrk"))
import revoke_to_refused  # noqa: E402  (Deploy/bench measures with the same code)

# Many tokens, each polled until refused: lift the allowances that would otherwise answer 429.
LIFTED_AUTH = {"GATEHOUSE_REFRESH_GRACE_SECONDS": "0", "GATEHOUSE_TOKEN_REQUESTS_PER_MINUTE": "1000000"}
LIFTED_RESOURCE = {"GATEHOUSE_RATE_READS_PER_MINUTE": "100000000", "GATEHOUSE_RATE_WRITES_PER_MINUTE": "100000000"}


@pytest.fixture(scope="module")
def streaming():
    with running_gatehouse(resource_settings=LIFTED_RESOURCE, **LIFTED_AUTH) as house:
        yield house


def log_count(server, message: str) -> int:
    return sum(1 for line in server.log.read_text().splitlines() if f'"msg":"{message}' in line.replace('": "', '":"'))


def wait_for_log(server, message: str, count: int = 1, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while log_count(server, message) < count:
        assert time.monotonic() < deadline, f"{server.name} never logged {message!r}:\n{server.log.read_text()[-3000:]}"
        time.sleep(0.05)


def test_two_resource_servers_refuse_every_kind_of_ending_within_a_second(streaming):
    house = streaming
    second_port = free_port()
    # A second instance of the same resource (one public URL, several servers), following the stream on its own.
    house.start(
        "resource-server", {**house.resource_env(), **LIFTED_RESOURCE, "GATEHOUSE_LISTEN": f"127.0.0.1:{second_port}",
                            "GATEHOUSE_RESOURCE": house.resource},
        f"http://127.0.0.1:{second_port}/healthz")
    connector = revoke_to_refused.Connector(house.issuer, house.resource, "tech@example.com", PASSWORD)
    latencies = revoke_to_refused.measure(
        connector, [f"127.0.0.1:{house.resource_port}", f"127.0.0.1:{second_port}"], list(revoke_to_refused.KINDS), count=10 * len(revoke_to_refused.KINDS))
    everything = [value for values in latencies.values() for value in values]
    for kind, values in latencies.items():
        print(revoke_to_refused.summary(kind, values))
    assert all(len(values) == 10 for values in latencies.values())
    # The aim is well under 100 ms; a loaded CI machine gets a loose bound, and Deploy/bench reports the figure.
    assert revoke_to_refused.percentile(everything, 0.99) < 1.0, latencies


def test_stream_survives_an_auth_server_restart_and_a_renumbered_log(tmp_path):
    with running_gatehouse(resource_settings=LIFTED_RESOURCE, **LIFTED_AUTH) as house:
        auth, resource = house.servers
        connector = revoke_to_refused.Connector(house.issuer, house.resource, "tech@example.com", PASSWORD)
        path = revoke_to_refused.urlsplit(house.resource).path
        server = revoke_to_refused.Origin(house.resource)
        whoami = lambda token: revoke_to_refused.call_whoami(server, path, token)

        def refused_within(token: str, seconds: float = 1.0) -> bool:
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                if whoami(token) == 401:
                    return True
            return False

        revoked, _ = connector.end("revoke", lambda token: None)
        assert refused_within(revoked)
        code, verifier = connector.authorization_code()
        kept = connector.exchange(code, verifier)
        assert whoami(kept["access_token"]) == 200

        # The auth-server goes away: the JWT keeps verifying (until it expires), and the break is logged once.
        assert auth.stop() == 0
        wait_for_log(resource, "revocation stream broken")
        time.sleep(1)
        assert whoami(kept["access_token"]) == 200
        assert whoami(revoked) == 401, "what was revoked stays revoked"
        assert log_count(resource, "revocation stream broken") == 1

        # Back on the same database: the stream resumes after the last event seen, and new revocations arrive.
        auth = house.start("auth-server", {**house.auth_env(), **LIFTED_AUTH}, f"{house.issuer}/healthz")
        wait_for_log(resource, "revocation stream back")
        status, _, _ = connector.auth.form(
            "/oauth/revoke", {"token": kept["refresh_token"], "token_type_hint": "refresh_token", "client_id": connector.client_id})
        assert status == 200
        assert refused_within(kept["access_token"])
        assert log_count(resource, "revocation stream reset") == 0

        # A renumbered log (here: emptied by hand while the auth-server is down) cannot continue the reader's
        # position: it gets a reset, drops its cache, and still refuses everything it was told of.
        assert auth.stop() == 0
        wait_for_log(resource, "revocation stream broken", count=2)
        with sqlite3.connect(Path(house.workdir) / house.shared_data / "auth.sqlite") as database:
            database.execute("DELETE FROM revocation_log")
            database.execute("DELETE FROM revocation_counter")
        house.start("auth-server", {**house.auth_env(), **LIFTED_AUTH}, f"{house.issuer}/healthz")
        wait_for_log(resource, "revocation stream reset")
        assert whoami(revoked) == 401 and whoami(kept["access_token"]) == 401
        house.keep_out_of_logs(kept["access_token"], kept["refresh_token"], revoked)
