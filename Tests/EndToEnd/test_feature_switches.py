"""Tenant feature switches end to end, with the real binaries: an operator switches billing off with
`resource-server admin tenant set --feature billing=off`; the running resource-server drops list_invoices from
tools/list (the official MCP Python SDK, both protocol eras) and billing:read from its RFC 9728 metadata within
seconds, answers a call of it anyway with a tool error naming the switch, and the auth-server's consent page,
which reads that metadata, stops offering billing:read; its /tools page, read from the resource-server's
reference, marks list_invoices switched off.
"""

from __future__ import annotations

import asyncio
import time

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from selenium.webdriver.common.by import By

from conftest import PASSWORD, running_gatehouse
from test_second_factor import sign_in

WAIT = 20
CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


async def tools_and_call(url: str, token: str, mode: str):
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
        async with Client(streamable_http_client(url, http_client=http), mode=mode) as client:
            tools = await client.list_tools()
            called = await client.call_tool("list_invoices", {"limit": 1})
            return [tool.name for tool in tools.tools], called


def eventually(check, what: str):
    deadline = time.monotonic() + WAIT
    while not (result := check()):
        assert time.monotonic() < deadline, f"not within {WAIT} s: {what}"
        time.sleep(0.5)
    return result


def test_billing_switched_off_leaves_tools_list_metadata_and_consent(browser, artifacts):
    with running_gatehouse() as house:
        added = house.admin("user", "add", "--email", "boss@example.com", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
        token = house.issue_token(email="boss@example.com", scope="billing:read tickets:read")
        metadata_url = f"http://127.0.0.1:{house.resource_port}/.well-known/oauth-protected-resource/mcp"
        registered = httpx2.post(f"{house.issuer}/oauth/register", json={
            "client_name": "E2E switches", "redirect_uris": ["http://127.0.0.1/callback"], "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
        })
        assert registered.status_code == 201, registered.text
        authorize = (f"{house.issuer}/oauth/authorize?response_type=code&client_id={registered.json()['client_id']}"
                     f"&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcallback&code_challenge={CHALLENGE}&code_challenge_method=S256"
                     "&scope=tickets%3Aread%20billing%3Aread&state=s")

        def consent_scopes() -> list[str]:
            browser.get(authorize)
            return [element.text for element in browser.find_elements(By.CSS_SELECTOR, "ul.scopes li code:not(.tool)")]

        # Before: everything on.
        names, called = asyncio.run(tools_and_call(house.resource, token, "legacy"))
        assert "list_invoices" in names and called.is_error is False
        assert "billing:read" in httpx2.get(metadata_url).json()["scopes_supported"]
        sign_in(browser, house, "boss@example.com")
        assert consent_scopes() == ["tickets:read", "billing:read"]

        unknown = house.resource_command("admin", "tenant", "set", "--feature", "payroll=off")
        assert unknown.returncode != 0 and "unknown module 'payroll'; the modules are: customers, tickets" in unknown.stderr, unknown.stderr
        switched = house.resource_command("admin", "tenant", "set", "--feature", "billing=off")
        assert switched.returncode == 0, switched.stderr
        assert "feature billing = off for tenant 'default'" in switched.stdout
        assert "feature billing = off" in house.resource_command("admin", "tenant", "show").stdout.splitlines()

        # The running server sees it within its short cache, in both protocol eras.
        eventually(lambda: "billing:read" not in httpx2.get(metadata_url).json()["scopes_supported"], "billing:read leaves the metadata")
        metadata = httpx2.get(metadata_url).json()
        assert "list_invoices" not in [tool["name"] for tool in metadata["gatehouse_tools"]]
        for mode in ["legacy", "2026-07-28"]:
            names, called = asyncio.run(tools_and_call(house.resource, token, mode))
            assert "list_invoices" not in names and "list_open_tickets" in names, (mode, names)
            assert called.is_error is True
            assert called.content[0].text == "billing is switched off for this tenant by its administrator.", called.content
        assert '"outcome":"switched_off"' in house.resource_command("admin", "audit", "export").stdout

        # The consent page learns it from the metadata: billing:read is no longer offered.
        eventually(lambda: consent_scopes() == ["tickets:read"], "the consent page stops offering billing:read")

        # The tools reference on the auth-server marks the module's tools.
        def invoices_marked() -> bool:
            browser.get(f"{house.issuer}/tools")
            return "switched off" in browser.find_element(By.ID, "list_invoices-title").text
        eventually(invoices_marked, "/tools marks list_invoices switched off")
        assert "switched off" not in browser.find_element(By.ID, "list_open_tickets-title").text
        assert not browser.find_elements(By.TAG_NAME, "script")
        browser.get(f"{house.issuer}/tools#list_invoices")
        browser.save_screenshot(str(artifacts / "tools-reference.png"))

        # And back on.
        assert house.resource_command("admin", "tenant", "set", "--feature", "billing=on").returncode == 0
        eventually(lambda: "billing:read" in httpx2.get(metadata_url).json()["scopes_supported"], "billing:read comes back")
