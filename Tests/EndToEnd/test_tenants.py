"""Two tenants on one pair of processes (docs/tenancy.md § Adding and disabling tenants): a tenant added with `auth-server admin
tenant add` while both servers run is answered for by both within seconds, each at its own host (here `localhost`
beside the default tenant's `127.0.0.1`); the official MCP Python SDK works in it; its tokens are refused at the
other tenant's host and the other's at its; revoking in it reaches its resource-server gate; disabling it stops both
servers answering for it while the default tenant carries on."""

from __future__ import annotations

import asyncio
import time

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from conftest import PASSWORD, running_gatehouse


def wait_until(check, timeout: float = 15, message: str = "") -> float:
    started = time.monotonic()
    while not check():
        assert time.monotonic() - started < timeout, message
        time.sleep(0.1)
    return time.monotonic() - started


async def whoami(url: str, token: str) -> dict:
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        async with Client(streamable_http_client(url, http_client=http), mode="legacy") as client:
            result = await client.call_tool("whoami", {})
            assert result.is_error is False, result
            customers = await client.call_tool("list_customers", {})
            return {**result.structured_content, "customers": customers.structured_content}


def ping(url: str, token: str) -> int:
    return httpx2.post(
        url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
        headers={"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream"}, timeout=10,
    ).status_code


def status(url: str) -> int:
    return httpx2.get(url, timeout=10).status_code


def test_a_tenant_added_while_running_is_served_isolated_and_disabled():
    with running_gatehouse() as house:
        acme_issuer = f"http://localhost:{house.auth_port}"
        acme_resource = f"http://localhost:{house.resource_port}/mcp"
        default_resource = house.resource

        refusals = {
            "an id taken": ("default", acme_issuer, acme_resource, "already exists"),
            "a host taken": ("acme", house.issuer, acme_resource, "issuer host"),
            "another path": ("acme", acme_issuer, f"http://localhost:{house.resource_port}/other", "path /mcp"),
            "a hostile id": ("acme;rm -rf /", acme_issuer, acme_resource, "--id"),
        }
        for name, (tenant_id, issuer, resource, reason) in refusals.items():
            refused = house.admin("tenant", "add", "--id", tenant_id, "--issuer", issuer, "--resource", resource)
            assert refused.returncode == 1 and reason in refused.stderr, (name, refused.stderr)

        added = house.admin("tenant", "add", "--id", "acme", "--issuer", acme_issuer, "--resource", acme_resource)
        assert added.returncode == 0, added.stderr
        listed = house.admin("tenant", "list")
        assert listed.stdout.splitlines() == [
            f"default\tenabled\t{house.issuer}\t{default_resource}", f"acme\tenabled\t{acme_issuer}\t{acme_resource}"
        ], listed.stdout

        # Both servers learn of it without a restart, each at the tenant's own host.
        metadata = f"{acme_issuer}/.well-known/oauth-authorization-server"
        wait_until(lambda: httpx2.get(metadata, timeout=5).json().get("issuer") == acme_issuer, message="the auth-server never answered for acme")
        protected = f"http://localhost:{house.resource_port}/.well-known/oauth-protected-resource/mcp"
        wait_until(lambda: status(protected) == 200 and httpx2.get(protected).json()["resource"] == acme_resource,
                   message="the resource-server never served acme")
        assert httpx2.get(protected).json()["authorization_servers"] == [acme_issuer]
        assert httpx2.get(f"{house.issuer}/.well-known/oauth-authorization-server").json()["issuer"] == house.issuer

        seeded = house.resource_command("seed-demo", "--tenant", "acme")
        assert seeded.returncode == 0, seeded.stderr
        person = house.admin("user", "add", "--tenant", "acme", "--email", "tech@acme.example", "--role", "technician", "--password-stdin",
                             stdin=PASSWORD + "\n")
        assert person.returncode == 0, person.stderr
        issued = house.admin("token", "issue", "--tenant", "acme", "--email", "tech@acme.example", "--scope", "customers:read")
        assert issued.returncode == 0, issued.stderr
        acme_token = issued.stdout.strip()
        house.keep_out_of_logs(acme_token)
        default_token = house.issue_token(scope="customers:read")

        who = asyncio.run(whoami(acme_resource, acme_token))
        assert who["tenant"] == "acme" and who["subject"].startswith("usr_")
        assert who["customers"]["customers"], "acme's own seeded customers"
        home = asyncio.run(whoami(default_resource, default_token))
        assert home["tenant"] == "default"
        # Each tenant's token at the other's host: refused.
        assert ping(default_resource, acme_token) == 401
        assert ping(acme_resource, default_token) == 401
        assert ping(acme_resource, acme_token) == 200

        # Revoking in acme reaches the resource-server through acme's own revocation stream.
        disabled = house.admin("user", "disable", "--tenant", "acme", "--email", "tech@acme.example")
        assert disabled.returncode == 0, disabled.stderr
        took = wait_until(lambda: ping(acme_resource, acme_token) == 401, timeout=5, message="acme's revocation never reached the resource-server")
        assert took < 2, took
        assert ping(default_resource, default_token) == 200

        # A disabled tenant: neither server answers for it; the default tenant carries on.
        off = house.admin("tenant", "disable", "--tenant", "acme")
        assert off.returncode == 0, off.stderr
        wait_until(lambda: status(metadata) == 404 and status(protected) == 404, timeout=15,
                   message="a disabled tenant was still answered for")
        assert ping(acme_resource, default_token) == 404
        assert ping(default_resource, default_token) == 200
        assert "disabled since" in house.admin("tenant", "list").stdout
        assert house.admin("tenant", "disable", "--tenant", "default").returncode == 1, "the last tenant answered for stays"
