"""Personal access tokens end to end: made by a person on /account/tokens in a real browser and by the admin
command line, used by the official MCP Python SDK client as a static bearer header and by `gatehouse` through
GATEHOUSE_TOKEN, ended at /oauth/revoke by whoever holds one, by the admin, and by disabling the person, and
elevated on their row with a code from oathtool."""

from __future__ import annotations

import asyncio
import re
import time

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PASSWORD
from test_second_factor import enrol, sign_in
from test_service_desk_tools import call_http, customers  # noqa: F401 (a fixture)

PAT_SHAPE = re.compile(r"gatehouse_pat_[0-9A-Za-z]{36}")
WAIT = 20


def admin_pat(gatehouse, email: str, scope: str, *extra: str) -> str:
    made = gatehouse.admin("pat", "create", "--email", email, "--scope", scope, "--label", "e2e script", *extra)
    assert made.returncode == 0, made.stderr
    # Standard output carries the token and nothing else.
    assert PAT_SHAPE.fullmatch(made.stdout.strip()) and made.stdout.count("\n") == 1, made.stdout
    token = made.stdout.strip()
    gatehouse.keep_out_of_logs(token)
    return token


def refused_within(gatehouse, token: str, seconds: float) -> float:
    """How long until the resource-server answers 401 for the token; fails the test after `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if call_http(gatehouse.resource, token, "whoami", {}).status_code == 401:
            return time.monotonic() - start
        time.sleep(0.02)
    raise AssertionError(f"still accepted {seconds} s after it ended")


def test_sdk_uses_a_pat_as_a_static_bearer_header(gatehouse, customers):  # noqa: F811
    person = gatehouse.add_person("script-owner@example.com")
    token = admin_pat(gatehouse, person.email, "tickets:read customers:read rules:run")

    async def session():
        async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}, timeout=30) as http:
            async with Client(streamable_http_client(gatehouse.resource, http_client=http), mode="auto") as client:
                return await client.list_tools(), await client.call_tool("whoami", {})

    tools, who = asyncio.run(session())
    names = {tool.name for tool in tools.tools}
    assert {"whoami", "list_open_tickets", "list_customers"} <= names and "run_rule" not in names, names
    assert who.is_error is False
    assert who.structured_content["token_kind"] == "pat"
    assert who.structured_content["client_id"] == "gatehouse-personal-access-tokens"
    assert who.structured_content["subject"] == person.subject
    assert who.structured_content["scopes"] == ["tickets:read", "customers:read"], "rules:run is beyond a technician"

    listed = gatehouse.admin("pat", "list", "--email", person.email)
    assert listed.returncode == 0 and "e2e script" in listed.stdout and "127.0.0.1" in listed.stdout, listed.stdout

    # Restricted to one company, a staff member's token sees that company as its own users would.
    company = customers[0]["id"]
    restricted = admin_pat(gatehouse, person.email, "customers:read", "--company", company)
    seen = call_http(gatehouse.resource, restricted, "list_customers", {"limit": 50}).json()["result"]["structuredContent"]["customers"]
    assert [customer["id"] for customer in seen] == [company]

    # Whoever finds a token can end it, with no client credentials, and it is refused at once.
    revoked = httpx2.post(f"{gatehouse.issuer}/oauth/revoke", data={"token": token}, timeout=10)
    assert revoked.status_code == 200 and revoked.content == b""
    refused_within(gatehouse, token, 2)


def test_admin_revokes_and_disabling_the_person_ends_every_token(gatehouse):
    person = gatehouse.add_person("to-be-disabled@example.com")
    first = admin_pat(gatehouse, person.email, "tickets:read")
    second = admin_pat(gatehouse, person.email, "tickets:read", "--expires-in-days", "30")
    assert call_http(gatehouse.resource, first, "whoami", {}).status_code == 200
    ids = re.findall(r"^(pat_\S+)\t", gatehouse.admin("pat", "list", "--email", person.email).stdout, re.MULTILINE)
    assert len(ids) == 2, ids
    assert gatehouse.admin("pat", "revoke", ids[-1]).returncode == 0
    assert gatehouse.admin("pat", "revoke", ids[-1]).returncode == 1, "already revoked"
    refused_within(gatehouse, first, 2)
    assert call_http(gatehouse.resource, second, "whoami", {}).status_code == 200

    disabled = gatehouse.admin("user", "disable", "--email", person.email)
    assert disabled.returncode == 0, disabled.stderr
    refused_within(gatehouse, second, 2)
    assert gatehouse.admin("user", "disable", "--email", person.email).returncode == 1
    assert gatehouse.admin("pat", "list", "--email", person.email).stdout.count("\n") == 1, "only the header line is left"
    assert gatehouse.admin("user", "enable", "--email", person.email).returncode == 0
    assert call_http(gatehouse.resource, second, "whoami", {}).status_code == 401, "nothing that ended comes back"


def test_made_on_the_page_then_elevated_on_its_row(gatehouse, browser, artifacts, customers):  # noqa: F811
    person = gatehouse.add_person("pat-page@example.com")
    sign_in(browser, gatehouse, person.email)
    phone = enrol(browser, gatehouse, artifacts)
    browser.get(f"{gatehouse.issuer}/account/tokens")
    browser.find_element(By.NAME, "label").send_keys("ticket closer")
    for scope in ("tickets:read", "tickets:write"):
        browser.find_element(By.ID, f"scope-{scope}").click()
    browser.find_element(By.ID, "days-30").click()
    browser.find_element(By.XPATH, "//button[normalize-space()='Make token']").click()
    value = WebDriverWait(browser, WAIT).until(expected_conditions.presence_of_element_located((By.ID, "new-token-value"))).text
    assert PAT_SHAPE.fullmatch(value), value
    gatehouse.keep_out_of_logs(value)
    lines = browser.find_element(By.CSS_SELECTOR, "section.new-token").text
    assert f"GATEHOUSE_TOKEN={value} gatehouse call whoami" in lines and "mcp-remote" in lines and "curl" in lines
    browser.save_screenshot(str(artifacts / "personal-access-token-made.png"))
    browser.get(f"{gatehouse.issuer}/account/tokens")
    assert value not in browser.page_source, "shown once"

    ticket = call_http(gatehouse.resource, value, "list_open_tickets", {"limit": 1}).json()["result"]["structuredContent"]["tickets"][0]
    refused = call_http(gatehouse.resource, value, "close_ticket", {"ticket_id": ticket["id"]}).json()
    error = refused["error"]
    url = error["data"]["elevationUrl"]
    assert url.startswith(f"{gatehouse.issuer}/account/tokens#pat_"), url

    browser.get(url)
    row = browser.find_element(By.ID, url.split("#", 1)[1])
    row.find_element(By.NAME, "code").send_keys(phone.code())
    row.find_element(By.XPATH, ".//button[starts-with(normalize-space(), 'Allow high-trust tools')]").click()
    WebDriverWait(browser, WAIT).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "p.notice")))
    assert "may use high-trust tools until" in browser.find_element(By.CSS_SELECTOR, "p.notice").text
    browser.save_screenshot(str(artifacts / "personal-access-token-elevated.png"))

    # The resource-server learns of the elevation from the revocation stream, not after its cache runs out.
    deadline = time.monotonic() + 3
    while True:
        closed = call_http(gatehouse.resource, value, "close_ticket", {"ticket_id": ticket["id"]}).json()
        if "result" in closed or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert closed.get("result", {}).get("isError") is False, closed
