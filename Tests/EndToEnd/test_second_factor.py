"""Two-step sign-in and elevation end to end. A person turns on two-step sign-in in headless Chromium and
signs in with codes from Debian's oathtool, an RFC 6238 implementation of its own; the official MCP Python
SDK client (mcp 2.3.0) calls close_ticket, gets 403 naming mfa, steps up with the union of its scopes, the
person enters a code on the consent page, and the retry closes the ticket; once the elevation window has
passed, the SDK's next refresh comes back without mfa and close_ticket is refused again.
"""

from __future__ import annotations

import asyncio
import re
import subprocess
import time
from pathlib import Path

import httpx2
import pytest
from mcp import Client
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientMetadata
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import PASSWORD, Gatehouse, LoopbackCallback, free_port
from test_connector_sign_in import MemoryStorage, jwt_claims
from test_service_desk_tools import call_http

WINDOW_SECONDS = 60  # GATEHOUSE_ELEVATION_SECONDS for these servers: the shortest allowed
WAIT = 20


def oathtool(secret: str, step_offset: int = 0) -> str:
    """The code Debian's oathtool computes for `secret` at now plus `step_offset` 30-second steps."""
    at = int(time.time()) + 30 * step_offset
    return subprocess.run(["oathtool", "--totp", "-b", secret, "-N", f"@{at}"], check=True, capture_output=True, text=True).stdout.strip()


class Authenticator:
    """The person's phone: hands out each 30-second step's code once, as a person would type them, so no code
    is typed twice (the server refuses a code it has accepted)."""

    def __init__(self, secret: str) -> None:
        self.secret = secret
        self.last_step = -1

    def code(self) -> str:
        """The next unused step's code; the server takes one step ahead of its clock at most, so when that
        is used too, wait for the clock to move on, as a person waits for the app's next code."""
        while (step := int(time.time()) // 30) + 1 <= self.last_step:
            time.sleep(30 - time.time() % 30 + 0.1)
        offset = 0 if step > self.last_step else 1
        self.last_step = step + offset
        return oathtool(self.secret, offset)


@pytest.fixture(scope="module")
def elevating(tmp_path_factory):
    """A pair of servers with a one-minute elevation window, the demo data, and one technician."""
    workdir = tmp_path_factory.mktemp("elevation")
    house = Gatehouse(workdir, free_port(), free_port())
    house.cimd_pinned_dir.mkdir()
    person = house.add_person("two-step@example.com")
    window = {"GATEHOUSE_ELEVATION_SECONDS": str(WINDOW_SECONDS)}
    try:
        house.start("auth-server", {**house.auth_env(), **window}, f"{house.issuer}/healthz")
        assert house.resource_command("seed-demo").returncode == 0
        house.start("resource-server", {**house.resource_env(), **window}, f"http://127.0.0.1:{house.resource_port}/healthz")
        yield house, person
    finally:
        codes = {server.name: server.stop() for server in house.servers}
        house.check_logs()
    assert all(code == 0 for code in codes.values()), codes


def sign_in(browser, house: Gatehouse, email: str, phone: Authenticator | None = None, start: str = "/account") -> None:
    browser.get(f"{house.issuer}/login?return_to={start}")
    browser.find_element(By.NAME, "email").send_keys(email)
    password = browser.find_element(By.NAME, "password")
    password.send_keys(PASSWORD)
    password.submit()
    if phone:
        code = WebDriverWait(browser, WAIT).until(expected_conditions.presence_of_element_located((By.NAME, "code")))
        assert code.get_attribute("autocomplete") == "one-time-code"
        code.send_keys(phone.code())
        code.submit()
    # Signed in: the page asked for, or the one-time notice shown in answer to the sign-in form.
    # The heading is read while the page may still be replacing itself: a stale, missing or detached one means "not yet".
    WebDriverWait(browser, WAIT, ignored_exceptions=(StaleElementReferenceException, NoSuchElementException, WebDriverException)).until(
        lambda driver: "/login" not in driver.current_url or "turned off" in driver.find_element(By.TAG_NAME, "h1").text)


def enrol(browser, house: Gatehouse, artifacts: Path) -> Authenticator:
    """Turns on two-step sign-in on /account/security as a person would, reading the key off the page."""
    browser.get(f"{house.issuer}/account/security")
    form = browser.find_element(By.CSS_SELECTOR, "form[action='/account/security/two-step/start']")
    form.find_element(By.NAME, "current_password").send_keys(PASSWORD)
    form.find_element(By.XPATH, ".//button[normalize-space()='Turn on two-step sign-in']").click()
    secret_text = WebDriverWait(browser, WAIT).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "p.secret code"))).text
    browser.save_screenshot(str(artifacts / "two-step-enrolment.png"))
    assert browser.find_element(By.CSS_SELECTOR, "svg.qr").is_displayed()
    assert not browser.find_elements(By.TAG_NAME, "script")
    field = browser.find_element(By.NAME, "code")
    assert field.get_attribute("autocomplete") == "one-time-code" and field.get_attribute("inputmode") == "numeric"
    phone = Authenticator(secret_text.replace(" ", ""))
    field.send_keys(phone.code())
    field.submit()
    WebDriverWait(browser, WAIT).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "ul.recovery-codes")))
    codes = [item.text for item in browser.find_elements(By.CSS_SELECTOR, "ul.recovery-codes code")]
    assert len(codes) == 10 and all(re.fullmatch(r"[2-9A-HJKMNP-Z]{4}(-[2-9A-HJKMNP-Z]{4}){3}", code) for code in codes), codes
    return phone


def test_enrol_in_the_browser_then_sign_in_with_oathtool_codes(gatehouse, browser, artifacts):
    person = gatehouse.add_person("oathtool@example.com")
    sign_in(browser, gatehouse, person.email)
    phone = enrol(browser, gatehouse, artifacts)
    browser.delete_all_cookies()
    sign_in(browser, gatehouse, person.email, phone, start="/account/security")
    assert "Two-step sign-in is on" in browser.find_element(By.TAG_NAME, "body").text

    # Lost the phone: an administrator resets it, and the next sign-in (password alone) says so, once.
    reset = gatehouse.admin("user", "mfa", "reset", "--email", person.email)
    assert reset.returncode == 0, reset.stderr
    assert gatehouse.admin("user", "mfa", "reset", "--email", person.email).returncode == 1, "nothing left to reset"
    browser.delete_all_cookies()
    sign_in(browser, gatehouse, person.email, start="/account/apps")
    notice = browser.find_element(By.TAG_NAME, "body").text
    assert "An administrator turned off two-step sign-in for your account" in notice
    browser.find_element(By.LINK_TEXT, "Continue").click()
    assert browser.current_url.endswith("/account/apps")


def test_sdk_steps_up_for_close_ticket_and_loses_it_after_the_window(elevating, browser, callback, artifacts):
    house, person = elevating
    sign_in(browser, house, person.email)
    phone = enrol(browser, house, artifacts)
    browser.delete_all_cookies()
    consents: list[str] = []

    def person_at_browser(authorization_url: str) -> None:
        """Signs in when asked (with a code), and allows, entering a code when the page asks for one."""
        browser.get(authorization_url)
        WebDriverWait(browser, WAIT).until(
            lambda driver: driver.find_elements(By.NAME, "email") or driver.find_elements(By.CSS_SELECTOR, "button[value=allow]"))
        if browser.find_elements(By.NAME, "email"):
            browser.find_element(By.NAME, "email").send_keys(person.email)
            password = browser.find_element(By.NAME, "password")
            password.send_keys(PASSWORD)
            password.submit()
            code = WebDriverWait(browser, WAIT).until(expected_conditions.presence_of_element_located((By.NAME, "code")))
            code.send_keys(phone.code())
            code.submit()
        allow = WebDriverWait(browser, WAIT).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "button[value=allow]")))
        text = browser.find_element(By.TAG_NAME, "body").text
        consents.append(text)
        if "high-trust actions" in text:
            browser.save_screenshot(str(artifacts / "consent-elevation.png"))
            browser.find_element(By.CSS_SELECTOR, "form.decision input[name=code]").send_keys(phone.code())
        allow.click()
        WebDriverWait(browser, WAIT).until(lambda driver: driver.current_url.startswith(callback.redirect_uri))

    async def redirect(url: str) -> None:
        await asyncio.to_thread(person_at_browser, url)

    async def callback_handler() -> AuthorizationCodeResult:
        received = await asyncio.to_thread(callback.wait)
        house.keep_out_of_logs(received.get("code"))
        return AuthorizationCodeResult(code=received["code"], state=received.get("state"), iss=received.get("iss"))

    storage = MemoryStorage()
    provider = OAuthClientProvider(
        server_url=house.resource,
        client_metadata=OAuthClientMetadata(
            redirect_uris=[callback.redirect_uri], client_name="Gatehouse end-to-end elevation",
            grant_types=["authorization_code", "refresh_token"], token_endpoint_auth_method="none"),
        storage=storage, redirect_handler=redirect, callback_handler=callback_handler,
    )
    issued = house.issue_token(email=person.email, scope="tickets:read")
    tickets = call_http(house.resource, issued, "list_open_tickets", {"limit": 2}).json()["result"]["structuredContent"]["tickets"]

    async def close(ticket_id: str):
        async with httpx2.AsyncClient(auth=provider, timeout=120) as http:
            async with Client(streamable_http_client(house.resource, http_client=http), mode="legacy") as client:
                await client.list_tools()
                return await client.call_tool("close_ticket", {"ticket_id": ticket_id, "resolution": "Done with a second factor."})

    result = asyncio.run(close(tickets[0]["id"]))
    assert result.is_error is False, result
    assert result.structured_content["ticket"]["status"] == "closed"
    # First the ordinary consent, then the step-up with the code, naming the tool and the window.
    assert len(consents) == 2, consents
    assert "high-trust actions" not in consents[0]
    assert "high-trust actions for the next 1 minute" in consents[1] and "close_ticket" in consents[1]
    elevated = jwt_claims(storage.tokens.access_token)
    assert "mfa" in elevated["scope"].split() and "tickets:write" in elevated["scope"].split()
    assert elevated["acr"] == "https://refeds.org/profile/mfa" and "otp" in elevated["amr"]
    assert elevated["exp"] <= elevated["auth_time"] + WINDOW_SECONDS
    house.keep_out_of_logs(storage.tokens.access_token, storage.tokens.refresh_token)

    # After the window the elevated token has expired; the SDK refreshes, and the new token has no mfa.
    time.sleep(max(0, elevated["exp"] - time.time()) + 2)

    async def refresh_and_call():
        async with httpx2.AsyncClient(auth=provider, timeout=60) as http:
            async with Client(streamable_http_client(house.resource, http_client=http), mode="legacy") as client:
                return await client.call_tool("whoami", {})

    who = asyncio.run(refresh_and_call())
    assert who.is_error is False
    refreshed = jwt_claims(storage.tokens.access_token)
    house.keep_out_of_logs(storage.tokens.access_token, storage.tokens.refresh_token)
    assert "mfa" not in refreshed["scope"].split() and "tickets:write" in refreshed["scope"].split()
    assert refreshed["acr"] == "https://refeds.org/profile/mfa", "the sign-in itself used a code"
    refused = call_http(house.resource, storage.tokens.access_token, "close_ticket", {"ticket_id": tickets[1]["id"]})
    assert refused.status_code == 403
    assert 'error="insufficient_scope"' in refused.headers["www-authenticate"] and 'scope="tickets:write mfa"' in refused.headers["www-authenticate"]
