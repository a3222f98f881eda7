"""The official MCP Python SDK (mcp 2.3.0) talks to our MCP endpoint, in both protocol eras."""

from __future__ import annotations

import asyncio
import subprocess

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from conftest import binary, free_port


def run(coroutine):
    return asyncio.run(coroutine)


async def whoami_through_sdk(url: str, token: str, mode: str):
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        async with Client(streamable_http_client(url, http_client=http), mode=mode) as client:
            tools = await client.list_tools()
            result = await client.call_tool("whoami", {})
            return client, tools, result


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28", "auto"])
def test_sdk_lists_tools_and_calls_whoami(gatehouse, mode):
    """One endpoint serves the handshake era and the 2026-07-28 era to the same client library."""
    token = gatehouse.issue_token(scope="tickets:read")
    _, tools, result = run(whoami_through_sdk(gatehouse.resource, token, mode))
    # The token's scope decides what is listed: the ticket tools and whoami, nothing of other areas.
    names = [tool.name for tool in tools.tools]
    assert {"whoami", "get_ticket", "list_open_tickets"} <= set(names), names
    assert not {"list_alerts", "list_invoices", "get_customer"} & set(names), names
    assert result.is_error is False
    who = result.structured_content
    assert who["tenant"] == "default"
    assert who["client_id"] == "gatehouse-admin-cli"
    assert who["scopes"] == ["tickets:read"]
    assert who["token_kind"] == "access_token"
    assert who["role"] == "technician"
    assert who["subject"].startswith("usr_")


def test_sdk_also_works_on_trailing_slash_url(gatehouse):
    """/mcp/ is served directly, not redirected (redirects lose the Authorization header in some clients)."""
    token = gatehouse.issue_token()
    _, _, result = run(whoami_through_sdk(gatehouse.resource + "/", token, "legacy"))
    assert result.structured_content["token_kind"] == "access_token"


def test_no_token_is_401_with_resource_metadata(gatehouse):
    """RFC 9728 §5.1, RFC 6750 §3.1: a missing token gets 401 and a challenge naming the protected-resource metadata."""
    response = httpx2.post(gatehouse.resource, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    metadata_url = f"http://127.0.0.1:{gatehouse.resource_port}/.well-known/oauth-protected-resource/mcp"
    assert challenge.startswith("Bearer ")
    assert f'resource_metadata="{metadata_url}"' in challenge
    assert "error=" not in challenge  # RFC 6750 §3.1: no error code when no credentials were sent

    metadata = httpx2.get(metadata_url).json()
    assert metadata["resource"] == gatehouse.resource
    assert metadata["authorization_servers"] == [gatehouse.issuer]
    assert metadata["bearer_methods_supported"] == ["header"]
    assert httpx2.get(f"http://127.0.0.1:{gatehouse.resource_port}/.well-known/oauth-protected-resource").json() == metadata


def test_sdk_without_token_fails(gatehouse):
    async def attempt():
        async with httpx2.AsyncClient(timeout=30) as http:
            async with Client(streamable_http_client(gatehouse.resource, http_client=http), mode="legacy") as client:
                await client.list_tools()

    with pytest.raises(Exception):
        run(attempt())


def test_token_for_another_audience_is_401(gatehouse):
    """RFC 9068 §4: a second resource (another MCP URL, same issuer) refuses a token made for the first."""
    other_port = free_port()
    gatehouse.start("resource-server", gatehouse.resource_env(other_port, data="other-resource-data"), f"http://127.0.0.1:{other_port}/healthz")
    token = gatehouse.issue_token()
    other = f"http://127.0.0.1:{other_port}/mcp"
    response = httpx2.post(
        other, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["www-authenticate"]
    assert "another resource" in response.headers["www-authenticate"]

    with pytest.raises(Exception):
        run(whoami_through_sdk(other, token, "legacy"))
    # …while the resource it was made for accepts it.
    assert run(whoami_through_sdk(gatehouse.resource, token, "legacy"))[2].is_error is False


def test_tampered_and_expired_tokens_are_401(gatehouse):
    token = gatehouse.issue_token(ttl=1)
    header, payload, signature = token.split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    for bad in [tampered, "not-a-token", "gatehouse_pat_000000000000000000000000000000000000"]:
        response = httpx2.post(gatehouse.resource, json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"}, headers={"Authorization": f"Bearer {bad}"})
        assert response.status_code == 401, bad
        assert 'error="invalid_token"' in response.headers["www-authenticate"]


def test_authorization_server_metadata_and_jwks(gatehouse):
    """RFC 8414 §3.3: the issuer string is byte-identical in the AS metadata and the PRM; the JWKS is where the metadata says."""
    metadata = httpx2.get(f"{gatehouse.issuer}/.well-known/oauth-authorization-server").json()
    assert metadata["issuer"] == gatehouse.issuer
    jwks = httpx2.get(metadata["jwks_uri"]).json()
    assert jwks["keys"] and all(key["alg"] == "ES256" and key["kty"] == "EC" for key in jwks["keys"])


def test_wrong_setting_exits_2_with_one_line():
    for name, env in [("auth-server", {"GATEHOUSE_LISTEN": "nowhere"}), ("resource-server", {"GATEHOUSE_RESOURCE": "ftp://x/mcp"})]:
        result = subprocess.run([binary(name)], env={"PATH": "/usr/bin:/bin", **env}, capture_output=True, text=True, timeout=30)
        assert result.returncode == 2, (name, result)
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert next(iter(env)) in lines[0]
