"""A connector signs in the way ChatGPT's and Claude's do: the official MCP Python SDK (mcp 2.3.0) finds
the auth-server from the MCP URL alone, registers (DCR, or CIMD with a pinned document), sends a person
to the sign-in and consent pages in a real headless Chromium, exchanges the code with PKCE, calls
whoami in both protocol eras, and refreshes.

The page contract driven here: GET /oauth/authorize sends a person who is not signed in to /login, a
form with inputs email (autocomplete username) and password (autocomplete current-password) and a
submit button; then /consent?request=… with `button[name=decision][value=allow|deny]`; then a 302 to
the client's redirect URI with code (or error), state and iss. /account/apps lists each grant with a
form posting a hidden grant_id to /account/apps/revoke.
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx2
import pytest
from mcp import Client
from mcp.client.auth import AuthorizationCodeResult, OAuthClientProvider
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.auth import OAuthClientInformationFull, OAuthClientMetadata, OAuthToken
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import CIMD_CLIENT_ID, CIMD_TEST_DOCUMENT, Gatehouse, LoopbackCallback, Person

METADATA_PATH = "/.well-known/oauth-authorization-server"
REGISTER_PATH = "/oauth/register"
TOKEN_PATH = "/oauth/token"

EMAIL = (By.CSS_SELECTOR, "input[name=email]")
PASSWORD_INPUT = (By.CSS_SELECTOR, "input[name=password]")
ALLOW = (By.CSS_SELECTOR, "button[name=decision][value=allow]")
REVOKE_FORMS = (By.CSS_SELECTOR, "form[action$='/account/apps/revoke']")
# The consent page warns when the redirect goes to this machine (MCP authorization spec (2025-11-25)
# § Localhost Redirect URI Risks). The wording is the page's; this
# accepts the usual ways of saying it.
LOOPBACK_WARNING = re.compile(r"loopback|this (computer|device|machine)", re.IGNORECASE)
BROWSER_WAIT_SECONDS = 20


def run(coroutine):
    return asyncio.run(coroutine)


def replaced(element):
    """A wait condition: the page that held `element` has gone. Selenium's `staleness_of` knows only its own
    stale-element error; chromedriver answers a node detached mid-navigation with an inspector error instead
    ("Node with given id does not belong to the document"), which is the same news."""

    def gone(_driver) -> bool:
        try:
            element.is_enabled()
            return False
        except StaleElementReferenceException:
            return True
        except WebDriverException as error:
            if "does not belong to the document" in (error.msg or ""):
                return True
            raise

    return gone


def jwt_claims(token: str) -> dict:
    """The payload of a JWT, unverified: the resource-server verifies it, the test only reads it."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def single_values(query: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(query, keep_blank_values=True).items()}


class MemoryStorage:
    """mcp.client.auth.TokenStorage kept in memory, as a connector keeps its own per user."""

    def __init__(self) -> None:
        self.tokens: OAuthToken | None = None
        self.client_info: OAuthClientInformationFull | None = None

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client_info

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client_info = client_info


class AuthorizationRefused(Exception):
    """The authorization response carried an error instead of a code (RFC 6749 §4.1.2.1)."""


class SignInNotExpected(Exception):
    """The SDK sent the person to sign in again where the test does not want them to."""


@dataclass
class AuthServerCall:
    """One request the SDK made to the auth-server's JSON endpoints, as seen on the wire."""

    method: str
    path: str
    status: int
    form: dict[str, str]
    body: dict


@dataclass
class ConsentPage:
    url: str
    text: str


@dataclass
class Connector:
    """One MCP client as a connector runs it: the SDK's OAuth provider with in-memory storage, a loopback
    callback listener, and a person at a browser who signs in and allows (or denies) consent."""

    house: Gatehouse
    browser: WebDriver
    callback: LoopbackCallback
    person: Person
    flow: str
    artifacts: Path
    auth_method: str = "none"
    client_metadata_url: str | None = None
    decision: str = "allow"
    sign_in_allowed: bool = True
    storage: MemoryStorage = field(default_factory=MemoryStorage)
    calls: list[AuthServerCall] = field(default_factory=list)
    authorize_requests: list[dict[str, str]] = field(default_factory=list)
    callbacks: list[dict[str, str]] = field(default_factory=list)
    consent_pages: list[ConsentPage] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.provider = OAuthClientProvider(
            server_url=self.house.resource,
            client_metadata=OAuthClientMetadata(
                redirect_uris=[self.callback.redirect_uri],
                client_name=self.client_name,
                grant_types=["authorization_code", "refresh_token"],
                token_endpoint_auth_method=self.auth_method,
            ),
            storage=self.storage,
            redirect_handler=self._redirect,
            callback_handler=self._callback,
            client_metadata_url=self.client_metadata_url,
        )

    @property
    def client_name(self) -> str:
        """The name the client registers with (DCR); a CIMD client's name comes from its document."""
        return f"Gatehouse end-to-end {self.flow}"

    @property
    def screenshot(self) -> Path:
        return self.artifacts / f"consent-{self.flow}.png"

    # The SDK's two hooks into the person's browser.

    async def _redirect(self, authorization_url: str) -> None:
        self.authorize_requests.append(single_values(urlsplit(authorization_url).query))
        if not self.sign_in_allowed:
            raise SignInNotExpected(authorization_url.split("?")[0])
        await asyncio.to_thread(self._person_signs_in_and_decides, authorization_url)

    async def _callback(self) -> AuthorizationCodeResult:
        received = await asyncio.to_thread(self.callback.wait)
        self.callbacks.append(received)
        self.house.keep_out_of_logs(received.get("code"))
        if "error" in received:
            raise AuthorizationRefused(received["error"])
        # RFC 9207: the SDK checks iss against the metadata's issuer when it is given.
        return AuthorizationCodeResult(code=received["code"], state=received.get("state"), iss=received.get("iss"))

    def _person_signs_in_and_decides(self, authorization_url: str) -> None:
        browser = self.browser
        wait = WebDriverWait(browser, BROWSER_WAIT_SECONDS)
        try:
            browser.get(authorization_url)
            wait.until(expected_conditions.presence_of_element_located(EMAIL))
            assert urlsplit(browser.current_url).path == "/login", browser.current_url
            email = browser.find_element(*EMAIL)
            password = browser.find_element(*PASSWORD_INPUT)
            # What password managers key on.
            assert email.get_attribute("autocomplete") == "username"
            assert password.get_attribute("autocomplete") == "current-password"
            email.send_keys(self.person.email)
            password.send_keys(self.person.password)
            password.find_element(By.XPATH, "./ancestor::form//button[@type='submit']").click()

            wait.until(expected_conditions.presence_of_element_located(ALLOW))
            self.consent_pages.append(ConsentPage(browser.current_url, browser.find_element(By.TAG_NAME, "body").text))
            browser.save_screenshot(str(self.screenshot))
            browser.find_element(By.CSS_SELECTOR, f"button[name=decision][value={self.decision}]").click()

            wait.until(lambda driver: driver.current_url.startswith(self.callback.redirect_uri + "?"))
        except Exception:
            browser.save_screenshot(str(self.artifacts / f"failed-{self.flow}.png"))
            (self.artifacts / f"failed-{self.flow}.html").write_text(browser.page_source)
            raise

    # What the SDK sends to the auth-server's JSON endpoints, recorded for the assertions.

    async def _record(self, response: httpx2.Response) -> None:
        request = response.request
        if request.url.host != "127.0.0.1" or request.url.port != self.house.auth_port:
            return
        if request.url.path not in (REGISTER_PATH, TOKEN_PATH):
            return
        await response.aread()
        body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        form = single_values(request.content.decode()) if request.url.path == TOKEN_PATH else {}
        self.calls.append(AuthServerCall(request.method, request.url.path, response.status_code, form, body))
        for name in ("access_token", "refresh_token", "client_secret", "registration_access_token"):
            self.house.keep_out_of_logs(body.get(name))

    def token_calls(self) -> list[AuthServerCall]:
        return [call for call in self.calls if call.path == TOKEN_PATH]

    def registrations(self) -> list[AuthServerCall]:
        return [call for call in self.calls if call.path == REGISTER_PATH]

    async def whoami(self, mode: str) -> tuple[list[str], dict]:
        """tools/list then whoami through the SDK client, which signs in first when it has no token."""
        async with httpx2.AsyncClient(auth=self.provider, timeout=60, event_hooks={"response": [self._record]}) as http:
            async with Client(streamable_http_client(self.house.resource, http_client=http), mode=mode) as client:
                tools = await client.list_tools()
                result = await client.call_tool("whoami", {})
        assert result.is_error is False, result
        return [tool.name for tool in tools.tools], result.structured_content

    def expire_access_token(self) -> None:
        """Makes the provider see its access token as expired, as it will an hour on, so its next request
        refreshes first (the SDK refreshes before a request once expires_in has passed)."""
        self.provider.context.token_expiry_time = time.time() - 1


async def failure_of(coroutine) -> list[BaseException]:
    """The exceptions a coroutine failed with, task groups and causes unwrapped."""
    try:
        await coroutine
    except Exception as error:
        found, pending = [], [error]
        while pending:
            current = pending.pop()
            found.append(current)
            pending.extend(getattr(current, "exceptions", ()))
            pending.extend(link for link in (current.__cause__, current.__context__) if link is not None)
        return found
    raise AssertionError("expected the connector to fail")


def assert_whoami(who: dict, person: Person, client_id: str, requested_scope: str) -> None:
    assert who["subject"] == person.subject
    assert who["client_id"] == client_id
    assert who["token_kind"] == "access_token"
    assert who["tenant"] == "default"
    assert who["role"] == "technician"
    # Granted scopes are what was asked for, narrowed to the role, never more.
    assert set(who["scopes"]) <= set(requested_scope.split())


async def connect_and_refresh(connector: Connector) -> None:
    """The whole connector life once: sign-in and consent on the first call, both protocol eras with the
    same token, then a refresh that rotates the refresh token and keeps the grant."""
    house, person = connector.house, connector.person

    tools, who = await connector.whoami("legacy")
    client_id = connector.storage.client_info.client_id  # registered (DCR) or the document URL (CIMD)
    assert "whoami" in tools
    assert len(connector.consent_pages) == 1

    authorize = connector.authorize_requests[0]
    assert authorize["client_id"] == client_id
    assert authorize["code_challenge_method"] == "S256"  # RFC 7636 §4.3
    assert authorize["resource"] == house.resource  # RFC 8707 §2.1
    assert_whoami(who, person, client_id, authorize["scope"])

    received = connector.callbacks[0]
    assert received["state"] == authorize["state"]  # RFC 6749 §4.1.2
    assert received["iss"] == house.issuer  # RFC 9207 §2: exactly the issuer, on the success response too

    exchange = connector.token_calls()[0]
    assert (exchange.form["grant_type"], exchange.status) == ("authorization_code", 200)
    assert exchange.form["code_verifier"]  # RFC 7636 §4.5: PKCE checked at the token endpoint
    first = connector.storage.tokens
    assert first.refresh_token, "a refresh token is issued to a client that registered refresh_token"
    claims = jwt_claims(first.access_token)
    assert claims["aud"] == house.resource and claims["iss"] == house.issuer  # RFC 9068 §2.2
    assert claims["sub"] == person.subject and claims["client_id"] == client_id

    # The same token serves the 2026-07-28 era: no second sign-in.
    tools, who = await connector.whoami("2026-07-28")
    assert "whoami" in tools
    assert_whoami(who, person, client_id, authorize["scope"])
    assert len(connector.authorize_requests) == 1

    # An hour on: the SDK refreshes before its next request (rotated, OAuth 2.1 §4.3.1;
    # same grant and resource, RFC 8707 §2.2).
    connector.expire_access_token()
    tools, who = await connector.whoami("legacy")
    assert_whoami(who, person, client_id, authorize["scope"])
    refresh = connector.token_calls()[-1]
    assert (refresh.form["grant_type"], refresh.status) == ("refresh_token", 200), refresh.body
    assert refresh.form["refresh_token"] == first.refresh_token
    assert refresh.form["resource"] == house.resource
    second = connector.storage.tokens
    assert second.access_token != first.access_token
    assert second.refresh_token and second.refresh_token != first.refresh_token, "the refresh token rotates"
    refreshed = jwt_claims(second.access_token)
    assert refreshed["sid"] == claims["sid"] and refreshed["aud"] == house.resource
    assert len(connector.authorize_requests) == 1, "a refresh needs no person"

    # The just-rotated refresh token still works within the grace window and gives the same new pair,
    # so parallel refreshes from one connector all succeed.
    retry = dict(refresh.form)
    async with httpx2.AsyncClient(timeout=30) as http:
        again = await http.post(f"{house.issuer}{TOKEN_PATH}", data=retry)
    assert again.status_code == 200, again.text
    assert "no-store" in again.headers["cache-control"]  # RFC 6749 §5.1
    house.keep_out_of_logs(again.json().get("access_token"), again.json().get("refresh_token"))
    assert again.json()["refresh_token"] == second.refresh_token


def assert_consent_page(page: ConsentPage, client_name: str, client_host: str) -> None:
    """The consent page names the client, its host, the redirect host, and warns that the redirect
    goes to this machine."""
    url = urlsplit(page.url)
    assert url.path == "/consent" and "request" in parse_qs(url.query), page.url
    assert client_name in page.text
    assert client_host in page.text
    assert "127.0.0.1" in page.text
    assert LOOPBACK_WARNING.search(page.text), page.text
    # The tools a scope opens, as the resource-server publishes them (gatehouse_tools in its metadata).
    assert "Tools:" in page.text and "get_ticket" in page.text, page.text


def test_metadata_names_the_connector_endpoints(gatehouse):
    """RFC 8414 §2, RFC 9207 §3: what the SDK, Claude and ChatGPT read before they register."""
    metadata = httpx2.get(f"{gatehouse.issuer}{METADATA_PATH}").json()
    issuer = gatehouse.issuer
    assert metadata["authorization_endpoint"] == f"{issuer}/oauth/authorize"
    assert metadata["token_endpoint"] == f"{issuer}{TOKEN_PATH}"
    assert metadata["registration_endpoint"] == f"{issuer}{REGISTER_PATH}"
    assert metadata["revocation_endpoint"] == f"{issuer}/oauth/revoke"
    assert metadata["response_types_supported"] == ["code"]
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert {"authorization_code", "refresh_token"} <= set(metadata["grant_types_supported"])
    assert {"none", "private_key_jwt"} <= set(metadata["token_endpoint_auth_methods_supported"])
    assert metadata["client_id_metadata_document_supported"] is True
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert "offline_access" in metadata["scopes_supported"]


@pytest.mark.parametrize("auth_method", ["none", "client_secret_post"])
def test_dcr_connector_signs_in_calls_whoami_and_refreshes(gatehouse, browser, callback, person, artifacts, auth_method):
    """DCR (RFC 7591): the SDK registers at the advertised endpoint with the method it asks for
    (client_secret_post is what claude.ai asks for when it is advertised: docs/clients.md § Claude), the person signs in and
    allows, and the connector works in both eras and refreshes."""
    connector = Connector(gatehouse, browser, callback, person, f"dcr-{auth_method}", artifacts, auth_method=auth_method)
    run(connect_and_refresh(connector))

    [registration] = connector.registrations()
    assert registration.status == 201
    body = registration.body
    assert body["token_endpoint_auth_method"] == auth_method  # honoured, not replaced
    assert not any(value is None or value == "" for value in body.values()), body  # unset fields omitted
    assert body["registration_client_uri"]  # RFC 7592; claude.ai needs it
    assert body["redirect_uris"] == [callback.redirect_uri]
    if auth_method == "client_secret_post":
        assert body["client_secret"] and "client_secret_expires_at" in body  # RFC 7591 §3.2.1
        assert connector.token_calls()[0].form["client_secret"] == body["client_secret"]
    else:
        assert "client_secret" not in body
    # A DCR client proves nothing about where it comes from: its host is shown as unverified.
    assert_consent_page(connector.consent_pages[0], connector.client_name, "unverified")
    assert connector.screenshot.stat().st_size > 0


def test_cimd_connector_with_pinned_document_signs_in_calls_whoami_and_refreshes(
    gatehouse, browser, callback, person, artifacts
):
    """CIMD: the client_id is the document's https URL, found in the pinned folder, never
    fetched; the document lists http://127.0.0.1/callback without a port and the client listens on an
    ephemeral one (RFC 8252 §7.3)."""
    connector = Connector(gatehouse, browser, callback, person, "cimd", artifacts, client_metadata_url=CIMD_CLIENT_ID)
    run(connect_and_refresh(connector))

    assert connector.storage.client_info.client_id == CIMD_CLIENT_ID  # so whoami's client_id is the URL
    assert connector.registrations() == []  # no DCR when the server takes metadata documents
    # The document says http://127.0.0.1/callback; the client was sent back to its own port.
    assert connector.authorize_requests[0]["redirect_uri"] == callback.redirect_uri
    # The client's host is the document URL's host (CIMD draft § OAuth Phishing Attacks); the name is the document's.
    assert_consent_page(connector.consent_pages[0], CIMD_TEST_DOCUMENT["client_name"], "cimd.test.gatehouse.invalid")
    assert connector.screenshot.stat().st_size > 0


def test_denied_consent_redirects_access_denied_with_state_and_iss(gatehouse, browser, callback, person, artifacts):
    """RFC 6749 §4.1.2.1 and RFC 9207 §2: a person who denies sends the client access_denied, its state
    unchanged and the issuer, and no code."""
    connector = Connector(gatehouse, browser, callback, person, "dcr-deny", artifacts, decision="deny")
    errors = run(failure_of(connector.whoami("legacy")))

    assert any(isinstance(error, AuthorizationRefused) for error in errors), errors
    [received] = connector.callbacks
    assert received["error"] == "access_denied"
    assert received["state"] == connector.authorize_requests[0]["state"]
    assert received["iss"] == gatehouse.issuer
    assert "code" not in received
    assert connector.token_calls() == []


def test_refresh_after_revoking_on_connected_apps_is_invalid_grant(gatehouse, browser, callback, person, artifacts):
    """Revoke on /account/apps ends the grant at once; the connector's next refresh gets invalid_grant
    (RFC 6749 §5.2), and the SDK then asks the person to sign in again."""
    connector = Connector(gatehouse, browser, callback, person, "dcr-revoke", artifacts)
    run(connector.whoami("legacy"))
    grant = jwt_claims(connector.storage.tokens.access_token)["sid"]

    # The person, still signed in in the same browser, revokes the connection.
    browser.get(f"{gatehouse.issuer}/account/apps")
    WebDriverWait(browser, BROWSER_WAIT_SECONDS).until(expected_conditions.presence_of_element_located(REVOKE_FORMS))
    browser.save_screenshot(str(artifacts / "account-apps.png"))
    [form] = browser.find_elements(*REVOKE_FORMS)  # a fresh person: the one grant this test made
    assert form.get_attribute("method").lower() == "post"
    assert form.find_element(By.CSS_SELECTOR, "input[name=grant_id]").get_attribute("value") == grant
    assert connector.client_name in browser.find_element(By.TAG_NAME, "body").text
    button = form.find_element(By.TAG_NAME, "button")
    button.click()
    WebDriverWait(browser, BROWSER_WAIT_SECONDS).until(replaced(button))
    still_listed = [
        form for form in browser.find_elements(*REVOKE_FORMS)
        if form.find_element(By.CSS_SELECTOR, "input[name=grant_id]").get_attribute("value") == grant
    ]
    assert still_listed == [], "the revoked grant is still listed with a Revoke button"

    # The access token it already holds stops working at the resource-server too, pushed through the
    # revocation stream (docs/tokens.md § Grants and revocation; test_revocation_stream.py times it).
    access_token = connector.storage.tokens.access_token
    deadline = time.monotonic() + 10
    while True:
        answer = httpx2.post(
            gatehouse.resource,
            headers={"Authorization": f"Bearer {access_token}", "Content-Type": "application/json", "Accept": "application/json"},
            json={"jsonrpc": "2.0", "id": 1, "method": "ping"},
        )
        if answer.status_code == 401 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert answer.status_code == 401, answer.text
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]

    connector.sign_in_allowed = False
    connector.expire_access_token()
    errors = run(failure_of(connector.whoami("legacy")))

    refresh = connector.token_calls()[-1]
    assert refresh.form["grant_type"] == "refresh_token"
    assert refresh.status == 400 and refresh.body["error"] == "invalid_grant", refresh.body
    # With its refresh token dead, the SDK starts over and sends the person to sign in again.
    assert any(isinstance(error, SignInNotExpected) for error in errors), errors
