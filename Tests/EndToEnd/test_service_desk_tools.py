"""The service-desk tools end to end: the official MCP Python SDK client lists and calls them against the
real resource-server holding the demo data, a company user stays inside their company, high-trust tools
ask for the second factor at the HTTP layer, and a write survives the process being killed mid-call
(neither lost nor doubled) when the client retries with its idempotency key."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import uuid

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from conftest import free_port

TECH_SCOPES = "customers:read tickets:read tickets:write alerts:read assets:read contracts:read search:read audit:read"


def run(coroutine):
    return asyncio.run(coroutine)


async def with_client(url: str, token: str, mode: str, body):
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=60) as http:
        async with Client(streamable_http_client(url, http_client=http), mode=mode) as client:
            return await body(client)


def call_http(url: str, token: str, tool: str, arguments: dict, request_id: int = 1) -> httpx2.Response:
    body = {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25"}
    return httpx2.post(url, json=body, headers=headers, timeout=60)


@pytest.fixture(scope="module")
def customers(gatehouse) -> list[dict]:
    token = gatehouse.issue_token(scope="customers:read")
    response = call_http(gatehouse.resource, token, "list_customers", {"status": "active", "limit": 5})
    return response.json()["result"]["structuredContent"]["customers"]


@pytest.mark.parametrize("mode", ["legacy", "2026-07-28"])
def test_sdk_lists_and_calls_service_desk_tools(gatehouse, customers, mode):
    """The grounding call, a search, and a write with dry run and idempotency key, through the SDK in both eras."""
    token = gatehouse.issue_token(scope=TECH_SCOPES)
    customer = customers[0]["id"]
    key = str(uuid.uuid4())
    create = {"customer_id": customer, "subject": f"E2E printer offline {mode}", "description": "The office printer is offline.",
              "idempotency_key": key}

    async def body(client):
        listed = [tool.name for tool in (await client.list_tools()).tools]
        snapshot = await client.call_tool("get_customer_status_snapshot", {"customer_id": customer})
        search = await client.call_tool("search_tickets", {"query": "printer", "limit": 5})
        dry = await client.call_tool("create_ticket", {**create, "dry_run": True})
        first = await client.call_tool("create_ticket", create)
        again = await client.call_tool("create_ticket", create)
        return listed, snapshot, search, dry, first, again

    listed, snapshot, search, dry, first, again = run(with_client(gatehouse.resource, token, mode, body))
    # Listed: what the scopes and the technician role allow, high-trust close_ticket included (it is found
    # before the second factor is asked for); not add_internal_note (no notes:write) nor list_invoices (no billing:read).
    assert {"get_customer_status_snapshot", "search_tickets", "create_ticket", "close_ticket", "get_audit_log_for_ticket"} <= set(listed)
    assert not {"add_internal_note", "list_invoices", "run_rule", "acknowledge_alert"} & set(listed), listed

    assert snapshot.is_error is False
    assert snapshot.structured_content["customer"]["id"] == customer
    assert "open_tickets" in snapshot.structured_content
    assert search.is_error is False and search.structured_content["tickets"], search
    assert all("excerpt" in hit for hit in search.structured_content["tickets"])

    assert dry.structured_content["status"] == "dry_run"
    assert first.structured_content["status"] == "done"
    assert again.structured_content["status"] == "replayed"
    assert again.structured_content["ticket"] == first.structured_content["ticket"]
    assert first.structured_content["ticket"]["customer_id"] == customer


def company_token(gatehouse, company: str, scope: str) -> str:
    email = f"office-{uuid.uuid4().hex[:8]}@example.com"
    gatehouse.add_company_user(email, company)
    return gatehouse.issue_token(email=email, scope=scope)


def test_company_user_stays_in_their_company(gatehouse, customers):
    """A company user sees only their customer, by list, by id, by search and by snapshot, and writes only there."""
    own, other = customers[0]["id"], customers[1]["id"]
    tech = gatehouse.issue_token(scope="tickets:read")
    theirs = call_http(gatehouse.resource, tech, "list_open_tickets", {"customer_id": other, "limit": 1}).json()
    their_ticket = theirs["result"]["structuredContent"]["tickets"][0]
    token = company_token(gatehouse, own, "customers:read tickets:read tickets:write alerts:read assets:read contracts:read search:read")

    async def body(client):
        listed = await client.call_tool("list_customers", {})
        by_id = await client.call_tool("get_ticket", {"ticket_id": their_ticket["id"]})
        by_search = await client.call_tool("search_tickets", {"query": their_ticket["number"]})
        snapshot = await client.call_tool("get_customer_status_snapshot", {"customer_id": other})
        reply = await client.call_tool("reply_to_ticket", {"ticket_id": their_ticket["id"], "body": "not yours"})
        created = await client.call_tool("create_ticket", {"subject": "Our Wi-Fi drops", "description": "Every afternoon."})
        names = [tool.name for tool in (await client.list_tools()).tools]
        return listed, by_id, by_search, snapshot, reply, created, names

    listed, by_id, by_search, snapshot, reply, created, names = run(with_client(gatehouse.resource, token, "legacy", body))
    assert [c["id"] for c in listed.structured_content["customers"]] == [own]
    assert by_id.is_error and "is visible to you" in by_id.content[0].text
    assert by_search.structured_content["tickets"] == []
    assert snapshot.is_error
    assert reply.is_error and "is visible to you" in reply.content[0].text
    assert created.structured_content["ticket"]["customer_id"] == own
    # Staff-only tools are not listed for a company user, whatever the token's scopes.
    assert "list_my_assignments" not in names and "update_ticket_status" not in names and "reply_to_ticket" in names


def test_high_trust_tool_asks_for_the_second_factor(gatehouse, customers):
    """docs/tokens.md § MFA elevation: close_ticket without a fresh second factor is a 403 insufficient_scope naming mfa, before dispatch."""
    token = gatehouse.issue_token(scope="tickets:read tickets:write mfa")
    ticket = call_http(gatehouse.resource, token, "list_open_tickets", {"limit": 1}).json()["result"]["structuredContent"]["tickets"][0]
    response = call_http(gatehouse.resource, token, "close_ticket", {"ticket_id": ticket["id"]})
    assert response.status_code == 403
    challenge = response.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge and 'scope="tickets:write mfa"' in challenge, challenge
    assert f'resource_metadata="http://127.0.0.1:{gatehouse.resource_port}/.well-known/oauth-protected-resource/mcp"' in challenge
    after = call_http(gatehouse.resource, token, "get_ticket", {"ticket_id": ticket["id"]}).json()["result"]["structuredContent"]
    assert after["status"] == ticket["status"]
    # The protected-resource metadata names every tool scope, never mfa, which clients ask for only when challenged.
    metadata = httpx2.get(f"http://127.0.0.1:{gatehouse.resource_port}/.well-known/oauth-protected-resource/mcp").json()
    assert {"tickets:write", "notes:write", "alerts:write", "rules:run", "billing:read"} <= set(metadata["scopes_supported"])
    assert "mfa" not in metadata["scopes_supported"]


def test_write_killed_mid_call_is_neither_lost_nor_doubled(gatehouse):
    """Issue 4 §6: SIGKILL the resource-server while writes are in flight, start it again, retry every write with
    its idempotency key: each key ends with exactly one reply, and answers given before the kill are replayed."""
    port = free_port()
    env = gatehouse.resource_env(port, data="kill-data")
    # Same resource URL as the main server, so the auth-server's tokens are meant for it too.
    env["GATEHOUSE_RESOURCE"] = gatehouse.resource
    env["GATEHOUSE_RATE_WRITES_PER_MINUTE"] = "100000"
    assert gatehouse.resource_command("seed-demo", env=env).returncode == 0
    url = f"http://127.0.0.1:{port}/mcp"
    server = gatehouse.start("resource-server", env, f"http://127.0.0.1:{port}/healthz")
    token = gatehouse.issue_token(scope="tickets:read tickets:write")
    ticket = call_http(url, token, "list_open_tickets", {"limit": 1}).json()["result"]["structuredContent"]["tickets"][0]["id"]
    keys = [f"kill-{index}-{uuid.uuid4().hex[:8]}" for index in range(150)]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json", "MCP-Protocol-Version": "2025-11-25"}

    def request(index: int, key: str) -> dict:
        return {"jsonrpc": "2.0", "id": index, "method": "tools/call",
                "params": {"name": "reply_to_ticket", "arguments": {"ticket_id": ticket, "body": f"reply {key}", "idempotency_key": key}}}

    async def fire() -> dict[str, dict]:
        answers: dict[str, dict] = {}
        async with httpx2.AsyncClient(headers=headers, timeout=30) as http:
            async def one(index: int, key: str):
                try:
                    response = await http.post(url, json=request(index, key))
                    answers[key] = response.json()["result"]["structuredContent"]
                except (httpx2.TransportError, KeyError, ValueError):
                    pass  # killed before it answered

            async def kill_soon():
                while len(answers) < 10:
                    await asyncio.sleep(0.005)
                server.process.send_signal(signal.SIGKILL)

            await asyncio.gather(kill_soon(), *(one(index, key) for index, key in enumerate(keys)))
        return answers

    before = run(fire())
    server.process.wait(timeout=10)
    assert server.process.returncode == -signal.SIGKILL
    gatehouse.servers.remove(server)
    assert 10 <= len(before) < len(keys), f"the kill should land mid-stream; {len(before)} of {len(keys)} answered"

    restarted = gatehouse.start("resource-server", env, f"http://127.0.0.1:{port}/healthz")
    after = {}
    with httpx2.Client(headers=headers, timeout=30) as http:
        for index, key in enumerate(keys):
            after[key] = http.post(url, json=request(index, key)).json()["result"]["structuredContent"]
    for key, answer in before.items():
        assert after[key]["status"] == "replayed" and after[key]["note"]["id"] == answer["note"]["id"], key
    assert all(answer["status"] in ("done", "replayed") for answer in after.values())
    assert restarted.stop() == 0

    database = sqlite3.connect(f"{env['GATEHOUSE_DATA_DIR']}/resource.sqlite")
    rows = database.execute("SELECT body, count(*) FROM ticket_note WHERE ticket_id = ? AND body LIKE 'reply kill-%' GROUP BY body",
                            (ticket,)).fetchall()
    assert sorted(body for body, _ in rows) == sorted(f"reply {key}" for key in keys)
    assert all(count == 1 for _, count in rows), [row for row in rows if row[1] != 1]
    audited = database.execute("SELECT count(*) FROM audit_log WHERE tool = 'reply_to_ticket' AND outcome = 'ok'").fetchone()[0]
    assert audited == len(keys), "each change committed with exactly one audit entry"

    # The operator's export: one JSON object per line, the arguments only as a digest.
    exported = gatehouse.resource_command("admin", "audit", "export", env=env)
    assert exported.returncode == 0, exported.stderr
    entries = [json.loads(line) for line in exported.stdout.splitlines()]
    replies = [entry for entry in entries if entry["tool"] == "reply_to_ticket"]
    assert len([entry for entry in replies if entry["outcome"] == "ok"]) == len(keys)
    assert {entry["outcome"] for entry in replies} <= {"ok", "replayed"}
    assert all(len(entry["argument_digest"]) == 64 and entry["ticket_id"] == ticket for entry in replies)
    assert "reply kill-" not in exported.stdout
