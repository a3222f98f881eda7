#!/usr/bin/env python3
"""Connects an app to Gatehouse the way a connector does, without a browser, for the benchmarks.

Registers a public web client (RFC 7591), signs the person in through the sign-in page and allows the
consent page once, then runs the authorization-code flow with PKCE (RFC 7636) as many times as asked,
each time silently on the same browser session. Prints one JSON object: the client's id, its redirect
URI, the session's cookie header, the /oauth/authorize URL the wrk scripts replay, and one refresh
token per chain (each from its own code exchange).

Usage: connect.py ISSUER RESOURCE EMAIL PASSWORD SCOPE CHAINS (Python's standard library only).
"""

from __future__ import annotations

import base64
import hashlib
import http.client
import json
import secrets
import sys
import urllib.parse
from html.parser import HTMLParser

REDIRECT_URI = "https://bench.example/callback"


class Forms(HTMLParser):
    """Every form's action and its named inputs and buttons, as a browser would submit them."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        fields = dict((key, value or "") for key, value in attrs)
        if tag == "form":
            self.forms.append((fields.get("action", ""), {}))
        elif tag in ("input", "button") and self.forms and "name" in fields:
            self.forms[-1][1].setdefault(fields["name"], fields.get("value", ""))


class Browser:
    """One HTTP/1.1 connection with a cookie jar; never follows redirects on its own."""

    def __init__(self, issuer: str) -> None:
        parts = urllib.parse.urlsplit(issuer)
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, target: str, body: bytes | None = None, content_type: str | None = None) -> tuple[int, str, str]:
        headers = {"Cookie": self.cookie_header} if self.cookies else {}
        if content_type:
            headers["Content-Type"] = content_type
        self.connection.request(method, target, body=body, headers=headers)
        response = self.connection.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value:
                self.cookies[name.strip()] = value
            else:  # cleared
                self.cookies.pop(name.strip(), None)
        return response.status, response.headers.get("Location", ""), text

    def post_form(self, target: str, fields: dict[str, str]) -> tuple[int, str, str]:
        return self.request("POST", target, urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded")


def path_of(location: str) -> str:
    parts = urllib.parse.urlsplit(location)
    return parts.path + ("?" + parts.query if parts.query else "")


def form_on(page: str) -> tuple[str, dict[str, str]]:
    parser = Forms()
    parser.feed(page)
    # The page's own form, not the sign-out form of its frame.
    action, fields = next(form for form in parser.forms if "csrf_token" in form[1] and "/logout" not in form[0])
    return action, fields


def main() -> None:
    issuer, resource, email, password, scope, chains = sys.argv[1:7]
    browser = Browser(issuer)
    status, _, body = browser.request(
        "POST", "/oauth/register",
        json.dumps({
            "client_name": "Gatehouse bench", "redirect_uris": [REDIRECT_URI], "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"],
        }).encode(), "application/json")
    assert status == 201, (status, body)
    client_id = json.loads(body)["client_id"]

    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    authorize = "/oauth/authorize?" + urllib.parse.urlencode({
        "response_type": "code", "client_id": client_id, "redirect_uri": REDIRECT_URI, "scope": scope, "resource": resource,
        "code_challenge": challenge, "code_challenge_method": "S256", "state": "bench",
    })

    def code_from(location: str) -> str | None:
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
        return query["code"][0] if location.startswith(REDIRECT_URI) and "code" in query else None

    # First time: sign in, then allow; both forms are filled the way a person's browser submits them.
    status, location, page = browser.request("GET", authorize)
    for _ in range(8):
        if code_from(location):
            break
        if status in (302, 303):
            status, location, page = browser.request("GET", path_of(location))
            continue
        action, fields = form_on(page)
        if "password" in fields:
            fields.update(email=email, password=password)
        if "decision" in fields:
            fields["decision"] = "allow"
        status, location, page = browser.post_form(action, fields)
    else:
        raise SystemExit(f"no code after the sign-in and consent pages: {status} {location} {page[:400]}")

    refresh_tokens = []
    for index in range(int(chains)):
        if index:
            status, location, page = browser.request("GET", authorize)
        code = code_from(location)
        assert code, f"the authorization was not silent on the same session: {status} {location}"
        status, _, body = browser.post_form("/oauth/token", {
            "grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI, "client_id": client_id,
            "code_verifier": verifier, "resource": resource,
        })
        assert status == 200, (status, body)
        refresh_tokens.append(json.loads(body)["refresh_token"])

    print(json.dumps({
        "client_id": client_id, "redirect_uri": REDIRECT_URI, "cookie": browser.cookie_header, "authorize": authorize,
        "code_verifier": verifier, "refresh_tokens": refresh_tokens,
    }))


if __name__ == "__main__":
    main()
