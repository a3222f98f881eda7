"""Service accounts end to end (docs/tokens.md § Service accounts): made with `auth-server admin service-account
create`, a script gets a token with the client credentials grant and calls tools through the official MCP Python SDK,
a high-trust tool is refused with a clear message, and after `revoke` the next call is refused within a second.
The ledger export shows the account's life by its grant id (docs/security.md § The audit ledger)."""

from __future__ import annotations

import asyncio
import base64
import json
import time

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from test_personal_access_tokens import refused_within
from test_service_desk_tools import call_http, customers  # noqa: F401 (a fixture)


def create(gatehouse, *args: str) -> dict:
    made = gatehouse.admin("service-account", "create", *args)
    assert made.returncode == 0, made.stderr
    # Standard output is one JSON object and nothing else.
    assert made.stdout.count("\n") == 1, made.stdout
    credentials = json.loads(made.stdout)
    gatehouse.keep_out_of_logs(credentials.get("client_secret"))
    return credentials


def client_credentials(gatehouse, credentials: dict, **fields: str) -> httpx2.Response:
    return httpx2.post(
        f"{gatehouse.issuer}/oauth/token",
        data={"grant_type": "client_credentials", "resource": gatehouse.resource, **fields},
        auth=(credentials["client_id"], credentials["client_secret"]),
        timeout=10,
    )


def claims(token: str) -> dict:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def test_script_with_client_credentials_then_revoked(gatehouse, customers):  # noqa: F811
    credentials = create(gatehouse, "--name", "Nightly export", "--scope", "tickets:read tickets:write customers:read mfa")
    assert credentials["client_id"].startswith("svc_") and credentials["client_secret"].startswith("gatehouse_cs_")

    # The script: client credentials, then the SDK with the token as its bearer.
    answer = client_credentials(gatehouse, credentials)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert "refresh_token" not in body and body["scope"] == "tickets:read tickets:write customers:read", body
    token = body["access_token"]
    gatehouse.keep_out_of_logs(token)
    grant_id = claims(token)["sid"]

    async def session():
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            async with Client(streamable_http_client(gatehouse.resource, http_client=http), mode="auto") as client:
                return await client.call_tool("whoami", {}), await client.call_tool("list_customers", {"limit": 5})

    who, listed = asyncio.run(session())
    assert who.is_error is False
    assert who.structured_content["token_kind"] == "service_account", who.structured_content
    assert who.structured_content["name"] == "Nightly export"
    assert who.structured_content["subject"] == credentials["client_id"]
    assert who.structured_content["role"] == "technician"
    assert listed.is_error is False and listed.structured_content["customers"], listed

    # The resource-server's audit entries carry the kind, the grant and the caller's address, in the ledger's field names
    # (reads are stored in batches a tenth of a second apart).
    time.sleep(0.5)
    desk_audit = gatehouse.resource_command("admin", "audit", "export")
    assert desk_audit.returncode == 0, desk_audit.stderr
    calls = [json.loads(line) for line in desk_audit.stdout.splitlines() if grant_id in line]
    assert {call["tool"] for call in calls} == {"whoami", "list_customers"}, calls
    assert all(call["token_kind"] == "service_account" and call["client_address"] == "127.0.0.1" for call in calls), calls

    # A high-trust tool needs a second factor, which a service account never holds: a plain refusal, no challenge.
    refused = call_http(gatehouse.resource, token, "close_ticket", {"ticket_id": "t-1", "resolution": "done"})
    assert refused.status_code == 200, refused.text
    result = refused.json()["result"]
    assert result["isError"] is True and "service account" in result["content"][0]["text"], result

    # Listed, then revoked by the command: the resource-server refuses the token within a second.
    listing = gatehouse.admin("service-account", "list")
    assert listing.returncode == 0 and credentials["client_id"] in listing.stdout and "active" in listing.stdout, listing.stdout
    revoked = gatehouse.admin("service-account", "revoke", credentials["client_id"])
    assert revoked.returncode == 0, revoked.stderr
    assert refused_within(gatehouse, token, 1.0) < 1.0
    assert client_credentials(gatehouse, credentials).status_code in (400, 401)

    # The ledger has the account's life under its grant id, as JSON lines; never its secret.
    exported = gatehouse.admin("audit", "export", "--grant", grant_id)
    assert exported.returncode == 0, exported.stderr
    entries = [json.loads(line) for line in exported.stdout.splitlines()]
    events = [entry["event"] for entry in entries]
    assert events[:2] == ["service_account.created", "service_account.token"], events
    assert "grant.revoked" in events and events[-1] == "service_account.revoked", events
    assert all(entry["grant_id"] == grant_id for entry in entries)
    assert credentials["client_secret"] not in exported.stdout


def test_rotated_secret_and_company_binding(gatehouse, customers):  # noqa: F811
    company = customers[0]["id"]
    credentials = create(gatehouse, "--name", "Customer portal sync", "--scope", "customers:read billing:read notes:write", "--company", company)
    rotated = gatehouse.admin("service-account", "rotate-secret", credentials["client_id"])
    assert rotated.returncode == 0, rotated.stderr
    fresh = json.loads(rotated.stdout)
    gatehouse.keep_out_of_logs(fresh["client_secret"])
    assert fresh["client_id"] == credentials["client_id"] and fresh["client_secret"] != credentials["client_secret"]
    assert client_credentials(gatehouse, credentials).status_code == 401

    answer = client_credentials(gatehouse, fresh)
    assert answer.status_code == 200 and answer.json()["scope"] == "customers:read billing:read", answer.text
    token = answer.json()["access_token"]
    gatehouse.keep_out_of_logs(token)
    seen = call_http(gatehouse.resource, token, "list_customers", {"limit": 50}).json()["result"]["structuredContent"]["customers"]
    assert [customer["id"] for customer in seen] == [company]


def test_export_and_failed_sign_in_with_an_unknown_email(gatehouse):
    # A failed sign-in by an unknown email is recorded with the email tried.
    page = httpx2.get(f"{gatehouse.issuer}/login", timeout=10)
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    httpx2.post(
        f"{gatehouse.issuer}/login", data={"csrf_token": token, "return_to": "/account", "email": "Stranger@Example.com", "password": "not a password here"},
        cookies=page.cookies, timeout=10)
    exported = gatehouse.admin("audit", "export", "--person", "stranger@example.com")
    assert exported.returncode == 0, exported.stderr
    entries = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [(entry["event"], entry["outcome"], entry["actor_email"]) for entry in entries] == [
        ("sign_in.failed", "unknown_person", "stranger@example.com")
    ], entries
    assert "not a password here" not in exported.stdout
    assert entries[0]["client_address"] == "127.0.0.1", entries
    rotated = gatehouse.admin("keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    # Every admin command is recorded, this export's own included, and the key rotation as such.
    everything = gatehouse.admin("audit", "export", "--since", "2020-01-01")
    commands = [json.loads(line) for line in everything.stdout.splitlines() if '"admin.command"' in line]
    assert any("audit export --person" in (entry.get("detail") or "") for entry in commands), commands[-3:]
    assert any('"key.rotated"' in line for line in everything.stdout.splitlines()), everything.stdout[-500:]
