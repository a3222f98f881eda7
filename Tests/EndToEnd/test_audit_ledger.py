"""One grant's timeline across both servers (docs/security.md § The audit ledger): a person signs in and consents
through the pages, the app refreshes and calls tools, and the two servers' exports for that grant id, both in the
ledger's shape, merge by time into sign-in, consent, refresh, then the tool calls; an admin's pages show the
grant's and the person's timelines from both servers the same way."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
from pathlib import Path

import httpx2

from selenium.webdriver.common.by import By

from conftest import PASSWORD
from test_second_factor import sign_in
from test_service_desk_tools import call_http

CONNECT = Path(__file__).resolve().parents[2] / "Deploy" / "wrk" / "connect.py"


def lines(completed: subprocess.CompletedProcess) -> list[dict]:
    assert completed.returncode == 0, completed.stderr
    return [json.loads(line) for line in completed.stdout.splitlines()]


def test_one_grant_timeline_merges_both_servers(gatehouse, browser):
    person = gatehouse.add_person("timeline@example.com")
    connected = subprocess.run(
        [sys.executable, str(CONNECT), gatehouse.issuer, gatehouse.resource, person.email, PASSWORD, "tickets:read customers:read", "1"],
        capture_output=True, text=True, timeout=60)
    assert connected.returncode == 0, connected.stderr
    app = json.loads(connected.stdout)
    refreshed = httpx2.post(
        f"{gatehouse.issuer}/oauth/token",
        data={"grant_type": "refresh_token", "refresh_token": app["refresh_tokens"][0], "client_id": app["client_id"]}, timeout=10)
    assert refreshed.status_code == 200, refreshed.text
    token = refreshed.json()["access_token"]
    gatehouse.keep_out_of_logs(token, app["refresh_tokens"][0], refreshed.json()["refresh_token"])
    payload = token.split(".")[1]
    grant_id = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"]
    for tool in ("whoami", "list_customers"):
        assert call_http(gatehouse.resource, token, tool, {}).status_code == 200
    time.sleep(0.5)  # reads are stored in batches a tenth of a second apart

    auth = lines(gatehouse.admin("audit", "export", "--grant", grant_id))
    calls = lines(gatehouse.resource_command("admin", "audit", "export", "--grant", grant_id, "--ledger"))
    sign_ins = [entry for entry in lines(gatehouse.admin("audit", "export", "--person", person.email)) if entry["event"] == "sign_in.succeeded"]
    timeline = sorted(sign_ins + auth + calls, key=lambda entry: entry["occurred_at"])
    assert [entry["event"] for entry in timeline] == ["sign_in.succeeded", "consent.given", "token.refreshed", "tool.call", "tool.call"], timeline
    assert [entry.get("detail") for entry in timeline[3:]] == ["whoami", "list_customers"]
    assert all(entry["grant_id"] == grant_id for entry in timeline[1:])
    assert {entry["actor_id"] for entry in timeline} == {person.subject}
    assert all(entry["actor_email"] == person.email and entry["client_address"] == "127.0.0.1" for entry in timeline), timeline

    # The admin pages show the same: the grant's timeline newest first, and the person's from their being added
    # (by the command line) through their sign-in.
    admin_email = "timeline-admin@example.com"
    added = gatehouse.admin("user", "add", "--email", admin_email, "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
    assert added.returncode == 0, added.stderr
    sign_in(browser, gatehouse, admin_email)
    browser.get(f"{gatehouse.issuer}/admin/grants/{grant_id}")
    events = [cell.text.split("\n")[0] for cell in browser.find_elements(By.CSS_SELECTOR, "table.timeline tbody tr td:nth-child(2)")]
    assert events == ["tool.call", "tool.call", "token.refreshed", "consent.given"], events
    browser.get(f"{gatehouse.issuer}/admin/people/{person.subject}")
    events = [cell.text.split("\n")[0] for cell in browser.find_elements(By.CSS_SELECTOR, "table.timeline tbody tr td:nth-child(2)")]
    assert events[-2:] == ["sign_in.succeeded", "person.added"] and events.index("consent.given") < len(events) - 2, events
