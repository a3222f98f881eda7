"""The auth-server on PostgreSQL (GATEHOUSE_DATABASE_URL), with real binaries and the server Deploy/test starts:
the official MCP SDK client signs in, calls whoami and refreshes; a revocation is refused by the resource-server
within a second; and two auth-servers on one database act as one: a refresh token rotates at either, and a grant
revoked at the second is refused by the resource-server that follows the first, within a second.

Each test gets a database of its own, made and dropped here, since the auth-server's schema name is fixed. Without
GATEHOUSE_TEST_DATABASE_URL the tests fail, saying how to run them; they are never skipped.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
import time
from urllib.parse import urlsplit, urlunsplit

import pytest

from conftest import PASSWORD, ROOT, free_port, running_gatehouse
from test_connector_sign_in import Connector, connect_and_refresh, run

sys.path.insert(0, str(ROOT / "Deploy" / "wrk"))
import revoke_to_refused  # noqa: E402  (Deploy/bench measures with the same code)

LIFTED_RESOURCE = {"GATEHOUSE_RATE_READS_PER_MINUTE": "100000000", "GATEHOUSE_RATE_WRITES_PER_MINUTE": "100000000"}


def psql(url: str, statement: str) -> None:
    result = subprocess.run(["psql", "-q", "-v", "ON_ERROR_STOP=1", url, "-c", statement], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr


@pytest.fixture
def database_url():
    """A fresh database on the test server, dropped afterwards."""
    server = os.environ.get("GATEHOUSE_TEST_DATABASE_URL")
    if not server:
        pytest.fail("GATEHOUSE_TEST_DATABASE_URL is not set: run the end-to-end tests through Deploy/test or Deploy/with-postgres")
    name = "gatehouse_e2e_" + secrets.token_hex(6)
    psql(server, f"CREATE DATABASE {name}")
    try:
        yield urlunsplit(urlsplit(server)._replace(path="/" + name))
    finally:
        psql(server, f"DROP DATABASE {name} WITH (FORCE)")


def refused_within(seconds: float, resource: str, address: str, token: str) -> float:
    """Seconds until the resource-server at `address` answers 401 to `token`; fails after `seconds`."""
    server = revoke_to_refused.Origin(resource, address)
    path = urlsplit(resource).path
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if revoke_to_refused.call_whoami(server, path, token) == 401:
            return time.monotonic() - started
        time.sleep(0.01)
    raise AssertionError(f"still accepted {seconds} s after the revocation")


def test_sdk_signs_in_refreshes_and_a_revocation_is_refused_within_a_second(database_url, browser, callback, artifacts):
    with running_gatehouse(resource_settings=LIFTED_RESOURCE, database_url=database_url) as house:
        stored = subprocess.run(["psql", "-At", database_url, "-c", "SELECT count(*) FROM gatehouse_auth.person"], capture_output=True, text=True)
        assert stored.stdout.strip() == "1", "the person the admin command added is in PostgreSQL"
        assert not (house.workdir / house.shared_data / "auth.sqlite").exists(), "no SQLite store beside it"
        person = house.add_person(f"pg-{secrets.token_hex(4)}@example.com")
        run(connect_and_refresh(Connector(house, browser, callback, person, "postgres", artifacts)))

        connector = revoke_to_refused.Connector(house.issuer, house.resource, person.email, PASSWORD)
        latencies = revoke_to_refused.measure(connector, [f"127.0.0.1:{house.resource_port}"], ["revoke", "apps"], count=4)
        everything = [value for values in latencies.values() for value in values]
        assert len(everything) == 4 and max(everything) < 1.0, latencies

        backup = house.admin("backup", "--to", str(house.workdir / "copy.sqlite"))
        assert backup.returncode != 0 and "pg_dump -n gatehouse_auth" in backup.stderr, backup.stderr
        assert urlsplit(database_url).password not in backup.stderr


def test_two_auth_servers_on_one_database_refresh_and_revoke_as_one(database_url):
    with running_gatehouse(resource_settings=LIFTED_RESOURCE, database_url=database_url) as house:
        second_port = free_port()
        # The same issuer, as behind one load balancer: the second answers on another port for the same host name.
        house.start("auth-server", {**house.auth_env(), "GATEHOUSE_LISTEN": f"127.0.0.1:{second_port}"}, f"http://127.0.0.1:{second_port}/healthz")
        connector = revoke_to_refused.Connector(house.issuer, house.resource, "tech@example.com", PASSWORD)
        second = revoke_to_refused.Origin(house.issuer, f"127.0.0.1:{second_port}")
        resource = f"127.0.0.1:{house.resource_port}"
        resource_server = revoke_to_refused.Origin(house.resource, resource)
        path = urlsplit(house.resource).path

        code, verifier = connector.authorization_code()
        tokens = connector.exchange(code, verifier)
        house.keep_out_of_logs(tokens["access_token"], tokens["refresh_token"])
        # A refresh at the second auth-server rotates what the first issued.
        status, _, body = second.form("/oauth/token", {
            "client_id": connector.client_id, "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], "resource": house.resource,
        })
        assert status == 200, body
        refreshed = json.loads(body)
        house.keep_out_of_logs(refreshed["access_token"], refreshed["refresh_token"])
        assert refreshed["refresh_token"] != tokens["refresh_token"]
        assert revoke_to_refused.call_whoami(resource_server, path, refreshed["access_token"]) == 200

        # Revoked at the second; the resource-server follows the first auth-server's stream.
        status, _, _ = second.form("/oauth/revoke", {
            "token": refreshed["refresh_token"], "token_type_hint": "refresh_token", "client_id": connector.client_id,
        })
        assert status == 200
        latency = refused_within(1.0, house.resource, resource, refreshed["access_token"])
        print(f"revoked at the second auth-server, refused via the first's stream after {latency * 1000:.0f} ms")
        # The first auth-server sees the grant ended too.
        status, _, _ = connector.auth.form("/oauth/token", {
            "client_id": connector.client_id, "grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"],
        })
        assert status == 400
