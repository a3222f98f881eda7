"""The device flow and the `gatehouse` command line against the real servers: a person approves a terminal's
sign-in in headless Chromium, the command line lists and calls tools, refreshes when its access token expires
(a 15-second token lifetime here), signs out leaving its refresh token dead, and bridges the official MCP Python
SDK's stdio client to the MCP endpoint in both protocol eras.

The page contract driven here: /device has `input[name=user_code]` (autocapitalize characters, autocomplete
off) and a submit button; it sends a person who is not signed in to /login first; the consent page that follows
has `button[name=decision][value=allow|deny]` and the device warning (`#device-warning`); the answer is a page
saying the device is signed in, or that the request was denied.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import pty
import queue
import re
import select
import shlex
import subprocess
import threading
import time
import tomllib
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters, stdio_client
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.webdriver import WebDriver
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

from conftest import Gatehouse, Person, binary, free_port, running_gatehouse
from test_second_factor import enrol

WAIT = 30
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"
USER_CODE = re.compile(r"^\s+([BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4})\s*$")
# The access-token lifetime of the servers the refresh test runs against.
SHORT_TOKEN_SECONDS = 15


def cli_env(config: Path, **extra: str) -> dict[str, str]:
    """The command line's environment: its own config folder, nothing of the machine's."""
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(config), "XDG_CONFIG_HOME": str(config / "xdg"), **extra}


def gatehouse_cli(*args: str, env: dict[str, str], stdin: str | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([binary("gatehouse"), *args], env=env, input=stdin, capture_output=True, text=True, timeout=timeout)


def logins_file(env: dict[str, str]) -> Path:
    return Path(env["XDG_CONFIG_HOME"]) / "gatehouse" / "logins.json"


def stored_logins(env: dict[str, str]) -> dict:
    return json.loads(logins_file(env).read_text())["logins"]


def one_error_line(result: subprocess.CompletedProcess) -> str:
    """Errors are one line on stderr, naming what to do."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    return lines[0]


class DeviceSignIn:
    """`gatehouse login` (or `elevate`) running, its output read as it comes, as a person at the terminal reads it."""

    def __init__(self, *args: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [binary("gatehouse"), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue[str] = queue.Queue()
        self.output: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def code(self) -> tuple[str, str, str]:
        """The user code, the verification URI and the complete one, once printed."""
        user_code = verification = complete = None
        deadline = time.monotonic() + WAIT
        while complete is None:
            try:
                line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.process.kill()
                raise AssertionError(f"no code printed: {self.output} {self.process.stderr.read()}")
            self.output.append(line)
            if match := USER_CODE.match(line):
                user_code = match.group(1)
            elif line.startswith("To ") and " open " in line:
                verification = line.split(" open ", 1)[1].split(" ")[0]
            elif line.startswith("or open "):
                complete = line.removeprefix("or open ")
        assert user_code and verification, self.output
        return user_code, verification, complete

    def finish(self) -> tuple[int, str, str]:
        """Exit status, the rest of stdout, and stderr."""
        code = self.process.wait(timeout=60)
        self.reader.join(timeout=10)  # every line the process wrote before it exited
        rest = []
        while not self.lines.empty():
            rest.append(self.lines.get())
        return code, "\n".join(self.output + rest), self.process.stderr.read()


def sign_in_if_asked(browser: WebDriver, person: Person) -> None:
    if urlsplit(browser.current_url).path != "/login":
        return
    browser.find_element(By.CSS_SELECTOR, "input[name=email]").send_keys(person.email)
    password = browser.find_element(By.CSS_SELECTOR, "input[name=password]")
    password.send_keys(person.password)
    password.find_element(By.XPATH, "./ancestor::form//button[@type='submit']").click()


def approve(browser: WebDriver, complete_url: str, person: Person, user_code: str, artifacts: Path, name: str,
            decision: str = "allow", second_factor: str | None = None) -> str:
    """Opens the complete verification URI as a person does from the QR code, signs in, checks the code shown,
    continues to the consent page and answers it, entering `second_factor` when it asks for one. Returns the
    consent page's text."""
    wait = WebDriverWait(browser, WAIT)
    try:
        browser.get(complete_url)
        wait.until(lambda driver: urlsplit(driver.current_url).path in ("/login", "/device"))
        sign_in_if_asked(browser, person)
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "input[name=user_code]")))
        field = browser.find_element(By.CSS_SELECTOR, "input[name=user_code]")
        assert field.get_attribute("value") == user_code, "the complete URI fills the code in"
        assert field.get_attribute("autocapitalize") == "characters"
        assert field.get_attribute("autocomplete") == "off"
        field.find_element(By.XPATH, "./ancestor::form//button[@type='submit']").click()
        wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "button[name=decision][value=allow]")))
        consent = browser.find_element(By.TAG_NAME, "body").text
        browser.save_screenshot(str(artifacts / f"device-consent-{name}.png"))
        if second_factor:
            browser.find_element(By.CSS_SELECTOR, "input[name=code]").send_keys(second_factor)
        button = browser.find_element(By.CSS_SELECTOR, f"button[name=decision][value={decision}]")
        button.click()
        # The consent page has an h1 too: wait for it to go, then for the answer's. While the answer page replaces it,
        # Chromium may report the heading it just found as gone (stale, or "does not belong to the document"): not yet.
        def consent_gone(_driver) -> bool:
            try:
                button.is_enabled()
                return False
            except WebDriverException:  # stale, or reported as detached from the document: gone either way
                return True

        wait.until(consent_gone)
        expected = "Your device is signed in" if decision == "allow" else "Request denied"
        answers = WebDriverWait(browser, WAIT, ignored_exceptions=(NoSuchElementException, StaleElementReferenceException, WebDriverException))
        answer = answers.until(lambda driver: driver.find_element(By.TAG_NAME, "h1").text == expected and expected)
        assert answer == expected, answer
        return consent
    except Exception:
        browser.save_screenshot(str(artifacts / f"failed-device-{name}.png"))
        (artifacts / f"failed-device-{name}.html").write_text(browser.page_source)
        raise


def login(house: Gatehouse, browser: WebDriver, person: Person, env: dict[str, str], artifacts: Path, name: str, *extra: str) -> str:
    """`gatehouse login` approved by `person`; returns the consent page's text."""
    sign_in = DeviceSignIn("login", house.resource, *extra, env=env)
    user_code, verification, complete = sign_in.code()
    assert verification == f"{house.issuer}/device"
    assert complete == f"{verification}?user_code={user_code}"
    consent = approve(browser, complete, person, user_code, artifacts, name)
    code, stdout, stderr = sign_in.finish()
    assert code == 0, (stdout, stderr)
    assert f"Signed in to {house.resource} as {person.email}" in stdout
    tokens = stored_logins(env)[house.resource]["tokens"]
    house.keep_out_of_logs(tokens["access_token"], tokens["refresh_token"])
    return consent


@pytest.fixture(scope="module")
def short_lived():
    """Both servers, with access tokens that live 15 seconds."""
    with running_gatehouse(GATEHOUSE_ACCESS_TOKEN_SECONDS=str(SHORT_TOKEN_SECONDS)) as house:
        yield house


def test_terminal_sign_in_tools_calls_refresh_and_logout(short_lived, browser, artifacts, tmp_path):
    """login approved in Chromium, tools, a read and a write call, a refresh after the access token expired,
    logout leaving the refresh token dead."""
    house = short_lived
    person = house.add_person("cli-person@example.com")
    env = cli_env(tmp_path)
    consent = login(house, browser, person, env, artifacts, "login")
    assert "Allow Gatehouse command line to use your account?" in consent
    assert "Approving lets a device elsewhere act as you." in consent
    assert "Read tickets and their conversations" in consent

    # Kept where the issue says, readable by its owner only.
    assert logins_file(env).stat().st_mode & 0o777 == 0o600
    assert logins_file(env).parent.stat().st_mode & 0o777 == 0o700
    login_entry = stored_logins(env)[house.resource]
    assert login_entry["client_id"] == "gatehouse-cli"
    assert login_entry["endpoints"]["issuer"] == house.issuer
    first = login_entry["tokens"]

    tools = gatehouse_cli("tools", env=env)
    assert tools.returncode == 0, tools.stderr
    names = [line.split()[0] for line in tools.stdout.splitlines()]
    assert {"whoami", "list_customers", "get_ticket", "create_ticket", "close_ticket"} <= set(names), names
    listed = json.loads(gatehouse_cli("tools", "--json", env=env).stdout)
    assert {tool["name"] for tool in listed} == set(names)

    who = json.loads(gatehouse_cli("whoami", "--json", env=env).stdout)
    assert who["subject"] == person.subject and who["client_id"] == "gatehouse-cli" and who["role"] == "technician"
    readable = gatehouse_cli("whoami", env=env)
    assert readable.returncode == 0 and person.email in readable.stdout and "stored login" in readable.stdout

    # A read: its text by default, its result object with --json.
    customers = gatehouse_cli("call", "list_customers", "status=active", "limit=2", "--json", env=env)
    assert customers.returncode == 0, customers.stderr
    result = json.loads(customers.stdout)
    assert result["isError"] is False and len(result["structuredContent"]["customers"]) == 2
    customer = result["structuredContent"]["customers"][0]["id"]
    text = gatehouse_cli("call", "get_customer", f"customer_id={customer}", env=env)
    assert text.returncode == 0 and customer in text.stdout and not text.stdout.lstrip().startswith("{")

    # A write, read back.
    created = gatehouse_cli(
        "call", "create_ticket", f"customer_id={customer}", "subject=Printer offline (from a terminal)",
        "description=Reported through gatehouse call.", "--json", env=env)
    assert created.returncode == 0, created.stderr
    ticket = json.loads(created.stdout)["structuredContent"]
    assert ticket["status"] == "done"
    ticket_id = ticket["ticket"]["id"]
    read_back = json.loads(gatehouse_cli("call", "get_ticket", "--input", json.dumps({"ticket_id": ticket_id}), "--json", env=env).stdout)
    assert read_back["structuredContent"]["subject"] == "Printer offline (from a terminal)"
    # --input - reads the arguments from standard input.
    piped = gatehouse_cli("call", "get_ticket", "--input", "-", env=env, stdin=json.dumps({"ticket_id": ticket_id}))
    assert piped.returncode == 0 and "Printer offline (from a terminal)" in piped.stdout

    # A tool error exits 1, a usage error 2, each one line on stderr.
    missing = gatehouse_cli("call", "get_ticket", "ticket_id=tkt_does_not_exist", env=env)
    assert missing.returncode == 1 and one_error_line(missing).startswith("error: get_ticket:")
    wrong = gatehouse_cli("call", "list_open_tickets", "limit=many", env=env)
    assert wrong.returncode == 2 and "limit must be integer" in one_error_line(wrong)
    unknown = gatehouse_cli("call", "no_such_tool", "a=1", env=env)
    assert unknown.returncode == 2 and "gatehouse tools" in one_error_line(unknown)
    # A high-trust tool asks for the second factor the way a connector would be asked, and says how to get it.
    high_trust = gatehouse_cli("call", "close_ticket", f"ticket_id={ticket_id}", env=env)
    assert high_trust.returncode == 3 and "gatehouse elevate" in one_error_line(high_trust)

    # The access token expires; the next command refreshes (rotating the refresh token) and goes on.
    time.sleep(max(0, first["expires_at"] - time.time()) + 1)
    after = gatehouse_cli("call", "whoami", env=env)
    assert after.returncode == 0 and person.subject in after.stdout, after.stderr
    renewed = stored_logins(env)[house.resource]["tokens"]
    house.keep_out_of_logs(renewed["access_token"], renewed["refresh_token"])
    assert renewed["access_token"] != first["access_token"]
    assert renewed["refresh_token"] != first["refresh_token"]
    assert renewed["expires_at"] > time.time()

    # Logout revokes: the refresh token is dead on the server, and the login is gone here.
    out = gatehouse_cli("logout", env=env)
    assert out.returncode == 0 and f"Signed out of {house.resource}" in out.stdout, out.stderr
    assert house.resource not in stored_logins(env)
    refused = httpx2.post(f"{house.issuer}/oauth/token", data={
        "grant_type": "refresh_token", "refresh_token": renewed["refresh_token"], "client_id": "gatehouse-cli"})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
    gone = gatehouse_cli("tools", env=env)
    assert gone.returncode == 3 and "gatehouse login" in one_error_line(gone)


def test_denied_sign_in_ends_the_command(gatehouse, browser, artifacts, tmp_path):
    person = gatehouse.add_person("cli-denier@example.com")
    env = cli_env(tmp_path)
    sign_in = DeviceSignIn("login", gatehouse.resource, "--scope", "tickets:read", env=env)
    user_code, _, complete = sign_in.code()
    consent = approve(browser, complete, person, user_code, artifacts, "deny", decision="deny")
    assert "Read tickets and their conversations" in consent and "See invoices" not in consent, "only the scope asked for"
    code, _, stderr = sign_in.finish()
    assert code == 3 and "denied" in stderr and len(stderr.strip().splitlines()) == 1, stderr
    assert not logins_file(env).exists() or gatehouse.resource not in stored_logins(env)


def test_device_flow_on_the_wire(gatehouse, browser, artifacts):
    """RFC 8628 as a client other than ours sees it: pending, slow_down, the tokens once, then invalid_grant."""
    person = gatehouse.add_person("wire@example.com")
    metadata = httpx2.get(f"{gatehouse.issuer}/.well-known/oauth-authorization-server").json()
    assert metadata["device_authorization_endpoint"] == f"{gatehouse.issuer}/oauth/device_authorization"
    assert DEVICE_GRANT in metadata["grant_types_supported"]
    start = httpx2.post(metadata["device_authorization_endpoint"], data={
        "client_id": "gatehouse-cli", "scope": "tickets:read", "resource": gatehouse.resource}).json()
    gatehouse.keep_out_of_logs(start["device_code"])
    assert start["expires_in"] == 600 and start["interval"] == 5

    def poll() -> dict:
        return httpx2.post(metadata["token_endpoint"], data={
            "grant_type": DEVICE_GRANT, "device_code": start["device_code"], "client_id": "gatehouse-cli"}).json()

    assert poll()["error"] == "authorization_pending"
    assert poll()["error"] == "slow_down"
    approve(browser, start["verification_uri_complete"], person, start["user_code"], artifacts, "wire")
    time.sleep(10)  # the interval is 10 s after one slow_down
    tokens = poll()
    gatehouse.keep_out_of_logs(tokens.get("access_token"), tokens.get("refresh_token"))
    assert tokens["token_type"] == "Bearer" and tokens["scope"] == "tickets:read" and tokens["refresh_token"].startswith("gatehouse_rt_")
    time.sleep(10)
    assert poll()["error"] == "invalid_grant"
    unknown = httpx2.post(metadata["token_endpoint"], data={"grant_type": DEVICE_GRANT, "device_code": "gatehouse_dc_x", "client_id": "gatehouse-cli"})
    assert unknown.status_code == 400 and unknown.json()["error"] == "invalid_grant"


def test_bridge_with_the_sdk_stdio_client_in_both_eras(gatehouse, browser, artifacts, tmp_path):
    """A host that only speaks stdio runs `gatehouse bridge` as a local command: the official SDK's stdio client
    initializes (or discovers), lists tools and calls them through it."""
    person = gatehouse.add_person("bridge@example.com")
    env = cli_env(tmp_path)
    login(gatehouse, browser, person, env, artifacts, "bridge", "--scope", "tickets:read customers:read")

    async def through_bridge(mode: str):
        server = StdioServerParameters(command=binary("gatehouse"), args=["bridge", gatehouse.resource], env=env)
        async with Client(stdio_client(server), mode=mode) as client:
            tools = await client.list_tools()
            who = await client.call_tool("whoami", {})
            customers = await client.call_tool("list_customers", {"limit": 1})
            return [tool.name for tool in tools.tools], who, customers

    for mode in ["legacy", "2026-07-28"]:
        names, who, customers = asyncio.run(through_bridge(mode))
        assert {"whoami", "get_ticket", "list_customers"} <= set(names), (mode, names)
        assert not {"list_alerts", "create_ticket"} & set(names), (mode, names)
        assert who.is_error is False and who.structured_content["subject"] == person.subject, mode
        assert who.structured_content["client_id"] == "gatehouse-cli"
        assert customers.is_error is False and len(customers.structured_content["customers"]) == 1, mode


class RawBridge:
    """`gatehouse bridge` spoken to line by line, as a host does."""

    def __init__(self, url: str, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [binary("gatehouse"), "bridge", url], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.lines: queue.Queue[bytes] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.process.stdout], daemon=True).start()

    def send(self, message: dict | bytes) -> None:
        data = message if isinstance(message, bytes) else json.dumps(message).encode()
        self.process.stdin.write(data + b"\n")
        self.process.stdin.flush()

    def receive(self, timeout: float = WAIT) -> dict:
        line = self.lines.get(timeout=timeout)
        assert line.endswith(b"\n") and b"\n" not in line[:-1], "one message a line"
        return json.loads(line)

    def nothing_more(self, wait: float = 2) -> bool:
        time.sleep(wait)
        return self.lines.empty()

    def close(self) -> tuple[int, str]:
        self.process.stdin.close()
        code = self.process.wait(timeout=WAIT)
        return code, self.process.stderr.read().decode()


def call(request_id, tool: str, arguments: dict) -> dict:
    return {"jsonrpc": "2.0", "id": request_id, "method": "tools/call", "params": {"name": tool, "arguments": arguments}}


def test_bridge_keeps_ids_forwards_notifications_and_explains_refusals(gatehouse, browser, artifacts, tmp_path):
    person = gatehouse.add_person("raw-bridge@example.com")
    env = cli_env(tmp_path)
    login(gatehouse, browser, person, env, artifacts, "raw-bridge", "--scope", "tickets:read tickets:write")
    bridge = RawBridge(gatehouse.resource, env)
    try:
        bridge.send({"jsonrpc": "2.0", "id": "init-1", "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}})
        initialized = bridge.receive()
        assert initialized["id"] == "init-1" and initialized["result"]["protocolVersion"] == "2025-11-25"
        # A notification is forwarded and answered by nothing.
        bridge.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        assert bridge.nothing_more()

        # Ids of every kind come back as they went, with the server's answer unchanged.
        for request_id in [7, "a string id", 0, 2**40]:
            bridge.send(call(request_id, "whoami", {}))
            answer = bridge.receive()
            assert answer["id"] == request_id and answer["result"]["structuredContent"]["subject"] == person.subject
        # Large messages: 600 KB through to the tool (which refuses the argument), 2 MB refused by the server
        # with an error that names no request, which the bridge ties to this one.
        bridge.send(call(8, "search_tickets", {"query": "p" * 600_000}))
        large = bridge.receive()
        assert large["id"] == 8 and ("result" in large or "error" in large), large
        bridge.send(call(9, "search_tickets", {"query": "p" * 2_000_000}))
        too_large = bridge.receive()
        assert too_large["id"] == 9 and too_large["error"]["code"] == -32600 and "larger than" in too_large["error"]["message"]
        # Not JSON: the server's parse error goes back as it came.
        bridge.send(b"{not json")
        parse_error = bridge.receive()
        assert parse_error["id"] is None and parse_error["error"]["code"] == -32700

        # 403 for a high-trust tool: what to do, as a JSON-RPC error for that request.
        bridge.send(call(10, "close_ticket", {"ticket_id": "tkt_1"}))
        elevation = bridge.receive()
        assert elevation["id"] == 10 and elevation["error"]["code"] == -31403
        assert "gatehouse elevate" in elevation["error"]["message"] and elevation["error"]["data"]["httpStatus"] == 403

        # The grant ends (the person disconnects the app): the bridge cannot refresh and says to sign in again.
        refresh_token = stored_logins(env)[gatehouse.resource]["tokens"]["refresh_token"]
        assert httpx2.post(f"{gatehouse.issuer}/oauth/revoke", data={"token": refresh_token, "client_id": "gatehouse-cli"}).status_code == 200
        deadline = time.monotonic() + WAIT
        while True:
            bridge.send(call(11, "whoami", {}))
            answer = bridge.receive()
            assert answer["id"] == 11
            if "error" in answer or time.monotonic() > deadline:
                break
            time.sleep(0.5)  # the resource-server learns of the revocation within a second or two
        assert answer["error"]["code"] == -31401, answer
        assert "gatehouse login" in answer["error"]["message"]
    finally:
        code, stderr = bridge.close()
    assert code == 0, stderr
    assert "gatehouse login" in stderr and all(line.startswith("error: gatehouse bridge: ") for line in stderr.strip().splitlines()), stderr


def test_gatehouse_token_replaces_the_login(gatehouse, browser, artifacts, tmp_path):
    """GATEHOUSE_TOKEN, a personal access token, is sent as the bearer token by every command instead of the login."""
    person = gatehouse.add_person("scripted@example.com")
    env = cli_env(tmp_path)
    login(gatehouse, browser, person, env, artifacts, "token-env", "--scope", "tickets:read")
    made = gatehouse.admin("pat", "create", "--email", "tech@example.com", "--scope", "tickets:read customers:read", "--label", "cli e2e")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    gatehouse.keep_out_of_logs(token)
    scripted = {**env, "GATEHOUSE_TOKEN": token}
    who = gatehouse_cli("call", "whoami", "--json", env=scripted)
    assert who.returncode == 0, who.stderr
    claims = json.loads(who.stdout)["structuredContent"]
    assert claims["token_kind"] == "pat" and claims["client_id"] == "gatehouse-personal-access-tokens", "the token, not the stored login"
    assert gatehouse_cli("tools", env=scripted).returncode == 0
    whoami = gatehouse_cli("whoami", env=scripted)
    assert whoami.returncode == 0 and "GATEHOUSE_TOKEN" in whoami.stdout
    # Without a stored login the URL comes from GATEHOUSE_URL.
    bare = cli_env(tmp_path / "bare", GATEHOUSE_TOKEN=token, GATEHOUSE_URL=gatehouse.resource)
    assert gatehouse_cli("call", "whoami", env=bare).returncode == 0
    no_url = gatehouse_cli("tools", env=cli_env(tmp_path / "bare", GATEHOUSE_TOKEN=token))
    assert no_url.returncode == 2 and "GATEHOUSE_URL" in one_error_line(no_url)
    # A refused token (its checksum is wrong): exit 3, saying which token was refused.
    pat = "gatehouse_pat_" + "A" * 30 + "000000"
    refused = gatehouse_cli("tools", env={**bare, "GATEHOUSE_TOKEN": pat})
    assert refused.returncode == 3 and "GATEHOUSE_TOKEN" in one_error_line(refused)
    # Signing in or out is for stored logins.
    for command in (["login", gatehouse.resource], ["logout"], ["elevate"]):
        mixed = gatehouse_cli(*command, env=scripted)
        assert mixed.returncode == 2 and "GATEHOUSE_TOKEN" in one_error_line(mixed), command


def test_unreachable_and_wrong_urls(gatehouse, tmp_path):
    closed = f"http://127.0.0.1:{free_port()}/mcp"
    env = cli_env(tmp_path)
    down = gatehouse_cli("login", closed, env=env)
    assert down.returncode == 4 and "cannot reach" in one_error_line(down)
    scripted = gatehouse_cli("tools", env=cli_env(tmp_path, GATEHOUSE_TOKEN="x", GATEHOUSE_URL=closed))
    assert scripted.returncode == 4, scripted.stderr
    for url, status in [("http://example.com/mcp", 2), ("not a url", 2), (f"{gatehouse.issuer}/not-mcp", 2)]:
        result = gatehouse_cli("login", url, env=env)
        assert result.returncode == status, (url, result.stderr)
        one_error_line(result)


def test_sign_in_code_as_qr_in_a_terminal(gatehouse, tmp_path):
    """On a terminal, the complete verification URI is also drawn as a QR code (black on white, half blocks)."""
    primary, secondary = pty.openpty()
    process = subprocess.Popen(
        [binary("gatehouse"), "login", gatehouse.resource], env=cli_env(tmp_path), stdout=secondary, stderr=subprocess.PIPE)
    os.close(secondary)
    output = b""
    try:
        deadline = time.monotonic() + WAIT
        while b"Waiting for you" not in output and time.monotonic() < deadline:
            ready, _, _ = select.select([primary], [], [], 1)
            if ready:
                output += os.read(primary, 65536)
    finally:
        process.kill()
        process.wait()
        os.close(primary)
    text = output.decode()
    qr_lines = [line for line in text.splitlines() if line.startswith("\x1b[30;47m")]
    assert len(qr_lines) >= 13, text
    assert any(block in text for block in "▀▄█")


def test_connect_page_snippets(gatehouse, browser, person):
    """/account/connect: every snippet parses as its host reads it and names this install's MCP URL."""
    url = gatehouse.resource
    browser.get(f"{gatehouse.issuer}/account/connect")
    WebDriverWait(browser, WAIT).until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "input[name=email]")))
    sign_in_if_asked(browser, person)
    WebDriverWait(browser, WAIT).until(expected_conditions.presence_of_element_located((By.ID, "mcp-url")))
    assert browser.find_element(By.ID, "mcp-url").text == url
    seen = set()
    for section in browser.find_elements(By.CSS_SELECTOR, "section.connect-host"):
        host = section.get_attribute("id")
        for block in section.find_elements(By.CSS_SELECTOR, "pre.snippet"):
            kind, text = block.get_attribute("data-format"), block.find_element(By.TAG_NAME, "code").text
            seen.add(host)
            if kind == "json":
                assert url in json.dumps(json.loads(text)), (host, text)
            elif kind == "toml":
                assert tomllib.loads(text)["mcp_servers"]["gatehouse"]["url"] == url
            elif kind == "shell":
                for line in text.splitlines():
                    words = shlex.split(line)
                    if words[:2] in (["gatehouse", "tools"], ["gatehouse", "call"]):
                        continue
                    embedded = [json.loads(word)["url"] for word in words if word.startswith("{")]
                    assert url in words or url in embedded, (host, line)
            else:
                assert text == url, (host, text)
    assert seen == {"claude-code", "claude-desktop", "cursor", "vscode", "chatgpt", "codex", "gemini", "windsurf", "mcp-remote", "cli"}
    links = {link.text: link.get_attribute("href") for link in browser.find_elements(By.CSS_SELECTOR, "a.install-link")}
    cursor = urlsplit(links["Add to Cursor"])
    assert json.loads(base64.b64decode(parse_qs(cursor.query)["config"][0])) == {"url": url}
    assert json.loads(unquote(links["Add to VS Code"].split("?", 1)[1])) == {"name": "gatehouse", "type": "http", "url": url}


def test_elevation_with_a_code_on_the_consent_page(gatehouse, browser, artifacts, tmp_path):
    """`gatehouse elevate` runs a second device flow asking for mfa: the consent page asks for a code from the
    person's authenticator (Debian's oathtool here), and close_ticket, refused before, works with the elevated
    token, whose expiry the command reports; the plain login stays as it was (docs/tokens.md § MFA elevation)."""
    person = gatehouse.add_person("elevate@example.com")
    env = cli_env(tmp_path)
    login(gatehouse, browser, person, env, artifacts, "elevate-login", "--scope", "tickets:read tickets:write")
    phone = enrol(browser, gatehouse, artifacts)
    listed = json.loads(gatehouse_cli("call", "list_open_tickets", "limit=1", "--json", env=env).stdout)
    ticket = listed["structuredContent"]["tickets"][0]["id"]
    refused = gatehouse_cli("call", "close_ticket", f"ticket_id={ticket}", env=env)
    assert refused.returncode == 3 and "gatehouse elevate" in refused.stderr, refused.stderr

    elevation = DeviceSignIn("elevate", env=env)
    user_code, _, complete = elevation.code()
    assert "approve a second factor" in elevation.output[0]
    consent = approve(browser, complete, person, user_code, artifacts, "elevate", second_factor=phone.code())
    assert "Gatehouse command line" in consent and "close_ticket" in consent
    code, stdout, stderr = elevation.finish()
    assert code == 0 and "Elevated until" in stdout, (stdout, stderr)
    stored = stored_logins(env)[gatehouse.resource]
    gatehouse.keep_out_of_logs(stored["elevated"]["tokens"]["access_token"], stored["elevated"]["tokens"]["refresh_token"])
    assert "mfa" in stored["elevated"]["tokens"]["scope"].split() and "mfa" not in stored["tokens"]["scope"].split()

    closed = gatehouse_cli("call", "close_ticket", f"ticket_id={ticket}", "resolution=Closed from a terminal after a second factor.", "--json", env=env)
    assert closed.returncode == 0, closed.stderr
    assert json.loads(closed.stdout)["isError"] is False
    who = gatehouse_cli("whoami", env=env)
    assert who.returncode == 0 and "Elevated" in who.stdout, who.stdout


def test_bridge_when_the_server_rate_limits(gatehouse, browser, artifacts, tmp_path):
    """A host firing hundreds of calls at once through the bridge: every request is answered once, with its id,
    and the ones over the person's read allowance get the resource-server's own rate-limit error, unchanged."""
    person = gatehouse.add_person("flood@example.com")
    env = cli_env(tmp_path)
    login(gatehouse, browser, person, env, artifacts, "flood", "--scope", "tickets:read")
    bridge = RawBridge(gatehouse.resource, env)
    try:
        count = 650  # GATEHOUSE_RATE_READS_PER_MINUTE is 600 per person
        for index in range(count):
            bridge.send(call(f"flood-{index}", "whoami", {}))
        answers = [bridge.receive(timeout=120) for _ in range(count)]
        assert sorted(answer["id"] for answer in answers) == sorted(f"flood-{index}" for index in range(count))
        limited = [answer for answer in answers if "error" in answer]
        assert limited and all(answer["error"]["code"] == -31429 for answer in limited), limited[:3]
        assert all(answer["error"]["data"]["retryAfterSeconds"] >= 1 for answer in limited)
        assert len(answers) - len(limited) >= 600 - 1
    finally:
        code, _ = bridge.close()
    assert code == 0


def test_bridge_when_the_auth_server_is_down(browser, artifacts, tmp_path):
    """The resource-server answers 503 while it cannot fetch the auth-server's keys; the bridge turns that into an
    error naming the wait, and works again once the auth-server is back."""
    with running_gatehouse() as house:
        person = house.add_person("outage@example.com")
        env = cli_env(tmp_path)
        login(house, browser, person, env, artifacts, "outage", "--scope", "tickets:read")
        auth_server = next(server for server in house.servers if server.name == "auth-server")
        assert auth_server.stop() == 0
        bridge = RawBridge(house.resource, env)
        try:
            bridge.send(call(1, "whoami", {}))
            unavailable = bridge.receive()
            assert unavailable["id"] == 1 and unavailable["error"]["code"] == -31503, unavailable
            assert unavailable["error"]["data"] == {"httpStatus": 503, "retryAfterSeconds": 5}
            assert "try again in 5 s" in unavailable["error"]["message"]
            house.start("auth-server", house.auth_env(), f"{house.issuer}/healthz")
            deadline = time.monotonic() + WAIT
            while True:
                time.sleep(1)
                bridge.send(call(2, "whoami", {}))
                answer = bridge.receive()
                if "result" in answer or time.monotonic() > deadline:
                    break
            assert answer["id"] == 2 and answer["result"]["structuredContent"]["subject"] == person.subject, answer
        finally:
            code, stderr = bridge.close()
        assert code == 0 and "unavailable (HTTP 503)" in stderr, stderr
