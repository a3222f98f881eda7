#!/usr/bin/env python3
"""Revoke-to-refused latency: from the revoking HTTP response to the first 401 at each resource-server.

Standard library only, so Deploy/bench can run it on a bare machine and the end-to-end tests can import it.
A person signs in on the auth-server's pages once; a loopback public client is registered; then, for each
revocation, a new grant is made through authorize, consent and the token endpoint, its access token is
checked to work at every resource-server (so it sits in their caches), the grant is ended in one of five ways,
and each resource-server is asked again and again until it answers 401:

- ``revoke``: RFC 7009 at /oauth/revoke, with the refresh token;
- ``pat``: a personal access token made on /account/tokens, used, then ended at /oauth/revoke with no client;
- ``apps``: the Revoke button on /account/apps;
- ``code_replay``: the authorization code presented a second time (RFC 6749 §4.1.2: the grant is revoked);
- ``refresh_reuse``: a rotated refresh token presented again (needs GATEHOUSE_REFRESH_GRACE_SECONDS=0).

Prints one line per kind and one for all: count, p50, p90, p99 and max in milliseconds (the latency to the
slowest resource-server of each revocation). The auth-server's token-request allowance must be raised for 200
revocations (GATEHOUSE_TOKEN_REQUESTS_PER_MINUTE).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import http.client
import json
import re
import secrets
import sys
import time
from http.cookies import SimpleCookie
from urllib.parse import parse_qs, urlencode, urlsplit

KINDS = ("revoke", "pat", "apps", "code_replay", "refresh_reuse")
REDIRECT_URI = "http://127.0.0.1:9/callback"


class Origin:
    """One keep-alive connection to a server, with the cookies it set."""

    def __init__(self, url: str, address: str | None = None) -> None:
        """`address` (host:port) connects elsewhere than `url` names, still presenting its host: one of several
        resource-servers behind one public URL."""
        parts = urlsplit(url)
        self.name = parts.netloc
        self.host, _, port = (address or parts.netloc).rpartition(":")
        self.port = int(port)
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=30)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None):
        headers = {"Host": self.name, **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.connection.close()
                if attempt:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        return response.status, response.headers, data

    def form(self, path: str, fields: dict[str, str], headers: dict[str, str] | None = None):
        return self.request("POST", path, urlencode(fields).encode(), {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})})


class Connector:
    """A person signed in on the auth-server's pages, and a loopback public client of theirs."""

    def __init__(self, issuer: str, resource: str, email: str, password: str, scope: str = "tickets:read offline_access") -> None:
        self.resource, self.scope = resource, scope
        self.auth = Origin(issuer)
        _, _, page = self.auth.request("GET", "/login?return_to=/account")
        csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        status, _, _ = self.auth.form("/login", {"csrf_token": csrf, "return_to": "/account", "email": email, "password": password})
        assert status in (302, 303), f"sign-in answered {status}"
        registration = json.dumps({
            "client_name": "revoke-to-refused", "redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
        }).encode()
        status, _, body = self.auth.request("POST", "/oauth/register", registration, {"Content-Type": "application/json"})
        assert status == 201, f"registration answered {status}: {body[:200]!r}"
        self.client_id = json.loads(body)["client_id"]
        self.csrf: str | None = None

    def authorization_code(self) -> tuple[str, str]:
        """A fresh code through authorize and consent; and its PKCE verifier (RFC 7636)."""
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        query = urlencode({
            "response_type": "code", "client_id": self.client_id, "redirect_uri": REDIRECT_URI, "scope": self.scope,
            "code_challenge": challenge, "code_challenge_method": "S256", "state": secrets.token_hex(8), "resource": self.resource,
        })
        status, headers, _ = self.auth.request("GET", "/oauth/authorize?" + query)
        location = headers["Location"]
        if location.startswith("/consent"):
            _, _, page = self.auth.request("GET", location)
            self.csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
            request = parse_qs(urlsplit(location).query)["request"][0]
            status, headers, _ = self.auth.form("/consent", {"request": request, "csrf_token": self.csrf, "decision": "allow"})
            location = headers["Location"]
        assert location.startswith(REDIRECT_URI), f"authorize ended at {status} {location}"
        return parse_qs(urlsplit(location).query)["code"][0], verifier

    def token(self, fields: dict[str, str]) -> tuple[int, dict]:
        status, _, body = self.auth.form("/oauth/token", {"client_id": self.client_id, **fields})
        return status, json.loads(body)

    def exchange(self, code: str, verifier: str) -> dict:
        status, tokens = self.token({
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier, "resource": self.resource,
        })
        assert status == 200, f"token endpoint answered {status}: {tokens}"
        return tokens

    def grant_id(self, access_token: str) -> str:
        payload = access_token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"]

    def personal_access_token(self) -> str:
        """A new token from the /account/tokens form, as a person makes one; its value is on the answer page once."""
        _, _, page = self.auth.request("GET", "/account/tokens")
        csrf = re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()
        status, _, page = self.auth.form("/account/tokens", {
            "csrf_token": csrf, "label": "revoke-to-refused", "expires_in_days": "30", "scope-tickets:read": "yes",
        })
        value = re.search(rb'<code id="new-token-value">([^<]+)</code>', page)
        assert status == 200 and value, f"/account/tokens answered {status}"
        return value.group(1).decode()

    def end(self, kind: str, ready) -> tuple[str, float]:
        """Makes a grant, hands its access token to `ready`, ends the grant the way `kind` says, and returns the token and
        the time of the ending response."""
        if kind == "pat":
            token = self.personal_access_token()
            ready(token)
            status, _, _ = self.auth.form("/oauth/revoke", {"token": token})
            assert status == 200, f"revocation answered {status}"
            return token, time.monotonic()
        code, verifier = self.authorization_code()
        tokens = self.exchange(code, verifier)
        access = tokens["access_token"]
        ready(access)
        if kind == "revoke":
            status, _, _ = self.auth.form("/oauth/revoke", {"token": tokens["refresh_token"], "token_type_hint": "refresh_token", "client_id": self.client_id})
            assert status == 200, f"revocation answered {status}"
        elif kind == "apps":
            status, _, page = self.auth.form("/account/apps/revoke", {"grant_id": self.grant_id(access), "csrf_token": self.csrf})
            assert status == 200 and b"was disconnected" in page, f"/account/apps/revoke answered {status}"
        elif kind == "code_replay":
            status, answer = self.token({
                "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "code_verifier": verifier, "resource": self.resource,
            })
            assert status == 400 and answer.get("error") == "invalid_grant", f"the replayed code got {status} {answer}"
        elif kind == "refresh_reuse":
            status, _ = self.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
            assert status == 200, f"the first refresh got {status}"
            time.sleep(0.01)  # past a zero-second grace window
            status, answer = self.token({"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]})
            assert status == 400 and answer.get("error") == "invalid_grant", f"the reused refresh token got {status} {answer}"
        else:
            raise ValueError(kind)
        return access, time.monotonic()


WHOAMI = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "whoami", "arguments": {}}}).encode()


def call_whoami(server: Origin, path: str, token: str) -> int:
    status, _, _ = server.request("POST", path, WHOAMI, {
        "Authorization": f"Bearer {token}", "Content-Type": "application/json", "Accept": "application/json, text/event-stream",
        "MCP-Protocol-Version": "2025-11-25",
    })
    return status


def measure(connector: Connector, addresses: list[str], kinds: list[str], count: int, give_up: float = 10.0) -> dict[str, list[float]]:
    """Seconds from each ending response to the first 401 of the last of the resource-servers at `addresses`, by kind."""
    path = urlsplit(connector.resource).path
    servers = [(Origin(connector.resource, address), path) for address in addresses]

    def ready(access: str) -> None:
        """The token works at every resource-server, so the revocation must undo a cached verdict."""
        for server, path in servers:
            status = call_whoami(server, path, access)
            assert status == 200, f"a fresh token got {status} at {server.host}:{server.port}"

    latencies: dict[str, list[float]] = {kind: [] for kind in kinds}
    for index in range(count):
        kind = kinds[index % len(kinds)]
        access, ended = connector.end(kind, ready)
        refused = []
        for server, path in servers:
            while call_whoami(server, path, access) != 401:
                if time.monotonic() - ended > give_up:
                    raise AssertionError(f"{kind}: still accepted {give_up} s after the revocation at {server.host}:{server.port}")
            refused.append(time.monotonic() - ended)
        latencies[kind].append(max(refused))
    return latencies


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * len(ordered) + 0.5) - 1))]


def summary(name: str, values: list[float]) -> str:
    ms = lambda value: f"{value * 1000:.1f}"
    return (f"| {name} | {len(values)} | {ms(percentile(values, 0.5))} | {ms(percentile(values, 0.9))} | "
            f"{ms(percentile(values, 0.99))} | {ms(max(values))} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--resource", required=True, help="the MCP endpoint's public URL (the tokens' audience)")
    parser.add_argument("--server", action="append", help="host:port of one resource-server serving it; repeat for several (default: the URL's)")
    parser.add_argument("--email", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--kinds", default=",".join(KINDS))
    arguments = parser.parse_args()
    connector = Connector(arguments.issuer, arguments.resource, arguments.email, arguments.password)
    servers = arguments.server or [urlsplit(arguments.resource).netloc]
    latencies = measure(connector, servers, arguments.kinds.split(","), arguments.count)
    print(f"\nrevoke-to-refused over {arguments.count} revocations, {len(servers)} resource-server(s): "
          "from the revoking HTTP response to the first 401 (ms)")
    print("| ended by | count | p50 | p90 | p99 | max |")
    print("| --- | --- | --- | --- | --- | --- |")
    for kind, values in latencies.items():
        if values:
            print(summary(kind, values))
    print(summary("all", [value for values in latencies.values() for value in values]))


if __name__ == "__main__":
    sys.exit(main())
