"""Gatehouse behind Debian's nginx with the shipped site (Deploy/nginx): one origin for both servers, and
client addresses taken from X-Forwarded-For only because the servers trust the proxy
(GATEHOUSE_TRUSTED_PROXIES). Two browsers on different loopback addresses (127.0.0.2 and 127.0.0.3) sign
in through it; the per-address throttle must count them apart.
"""

from __future__ import annotations

import base64
import http.client
import re
import sys
import shutil
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import httpx2
import pytest

from conftest import PASSWORD, ROOT, Gatehouse, free_port

sys.path.insert(0, str(ROOT / "Deploy" / "wrk"))
import revoke_to_refused  # noqa: E402

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "Deploy" / "nginx"
FREE_FAILURES_PER_ADDRESS = 20  # AuthPolicy.SignInThrottle.freeFailuresPerAddress


def nginx_config(workdir: Path, port: int, auth_port: int, resource_port: int) -> Path:
    """A main config around the shipped locations file, as gatehouse.conf wraps it, on loopback and plain http."""
    config = workdir / "nginx.conf"
    config.write_text(
        f"""
daemon off;
worker_processes 1;
error_log {workdir}/nginx-error.log warn;
pid {workdir}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log {workdir}/nginx-access.log;
    client_body_temp_path {workdir}/client-body;
    proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi;
    uwsgi_temp_path {workdir}/uwsgi;
    scgi_temp_path {workdir}/scgi;
    upstream gatehouse_auth {{ server 127.0.0.1:{auth_port}; keepalive 4; }}
    upstream gatehouse_resource {{ server 127.0.0.1:{resource_port}; keepalive 4; }}
    server {{
        listen 127.0.0.1:{port};
        include {SITE / "gatehouse-locations.conf"};
    }}
}}
"""
    )
    return config


@pytest.fixture(scope="module")
def proxied(tmp_path_factory):
    """Both servers with the proxy's origin as issuer and resource, and nginx in front of them."""
    workdir = tmp_path_factory.mktemp("proxied")
    port = free_port()
    house = Gatehouse(workdir, free_port(), free_port())
    origin = f"http://127.0.0.1:{port}"
    house.cimd_pinned_dir.mkdir()
    house.add_person("first@example.com")
    auth_env = {**house.auth_env(), "GATEHOUSE_ISSUER": origin, "GATEHOUSE_RESOURCE": origin + "/mcp", "GATEHOUSE_TRUSTED_PROXIES": "127.0.0.1"}
    resource_env = {
        **house.resource_env(),
        "GATEHOUSE_ISSUER": origin,
        "GATEHOUSE_RESOURCE": origin + "/mcp",
        "GATEHOUSE_AUTH_URL": house.issuer,
        "GATEHOUSE_TRUSTED_PROXIES": "127.0.0.1",
    }
    nginx = None
    try:
        house.start("auth-server", auth_env, f"{house.issuer}/healthz")
        house.start("resource-server", resource_env, f"http://127.0.0.1:{house.resource_port}/healthz")
        nginx = subprocess.Popen([NGINX, "-p", str(workdir), "-c", str(nginx_config(workdir, port, house.auth_port, house.resource_port))])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                if httpx2.get(origin + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx2.TransportError:
                time.sleep(0.1)
        else:
            raise AssertionError("nginx did not answer: " + (workdir / "nginx-error.log").read_text())
        yield house, origin
    finally:
        if nginx:
            nginx.terminate()
            nginx.wait(timeout=10)
        codes = {server.name: server.stop() for server in house.servers}
        house.check_logs()
    assert all(code == 0 for code in codes.values()), codes


class AddressedBrowser:
    """A browser at one loopback address: http.client bound to that source address, keeping cookies."""

    def __init__(self, origin: str, address: str) -> None:
        self.host, port = origin.removeprefix("http://").split(":")
        self.port = int(port)
        self.address = address
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60, source_address=(self.address, 0))
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        for value in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(value).items():
                self.cookies[name] = morsel.value
        result = response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
        connection.close()
        return result

    def sign_in(self, email: str, password: str) -> tuple[int, float]:
        """Status of the sign-in POST and how long it took."""
        _, _, page = self.request("GET", "/login?return_to=/account")
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        started = time.monotonic()
        status, _, _ = self.request("POST", "/login", {"csrf_token": token, "return_to": "/account", "email": email, "password": password})
        return status, time.monotonic() - started


def test_one_origin_serves_both_servers_through_nginx(proxied):
    house, origin = proxied
    metadata = httpx2.get(origin + "/.well-known/oauth-authorization-server").json()
    assert metadata["issuer"] == origin and metadata["token_endpoint"] == origin + "/oauth/token"
    resource = httpx2.get(origin + "/.well-known/oauth-protected-resource/mcp").json()
    assert resource["resource"] == origin + "/mcp" and resource["authorization_servers"] == [origin]
    unauthenticated = httpx2.post(origin + "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert unauthenticated.status_code == 401
    assert f'resource_metadata="{origin}/.well-known/oauth-protected-resource/mcp"' in unauthenticated.headers["www-authenticate"]
    # What the auth-server reads from the resource-server on the same origin: the tools reference and the admin API.
    reference = httpx2.get(origin + "/tools-reference").json()
    assert "list_invoices" in [tool["name"] for tool in reference["tools"]]
    admin = httpx2.get(origin + "/internal/admin/features")
    assert admin.status_code == 401 and "resource_metadata=" in admin.headers["www-authenticate"]
    page = httpx2.get(origin + "/tools")
    assert page.status_code == 303 and page.headers["location"] == "/login?return_to=/tools"


def test_two_client_addresses_are_throttled_apart(proxied):
    """A flood of wrong passwords from 127.0.0.2 slows that address down; a right password for another account
    from 127.0.0.3 signs in at once. Without the trusted proxy both would share nginx's address."""
    house, origin = proxied
    flooding = AddressedBrowser(origin, "127.0.0.2")
    for index in range(FREE_FAILURES_PER_ADDRESS + 1):
        status, _ = flooding.sign_in(f"nobody-{index}@example.com", "a wrong password")
        assert status == 200
    # The address is past its free failures: its next try waits for its turn (a second or more).
    status, waited = flooding.sign_in("nobody-else@example.com", "a wrong password")
    assert status == 200 and waited >= 0.9, waited
    house.add_person("second@example.com")
    status, waited = AddressedBrowser(origin, "127.0.0.3").sign_in("second@example.com", PASSWORD)
    assert status == 303 and waited < 0.9, (status, waited)
    # nginx saw three addresses; the auth-server counted the two clients, not the proxy.
    log = (house.workdir / "nginx-access.log").read_text()
    assert "127.0.0.2 " in log and "127.0.0.3 " in log


def test_the_revocation_stream_passes_nginx_unbuffered(proxied):
    """The resource-server's revocation stream through the shipped locations: the opening comment and each event
    arrive as written, not when nginx's buffer fills."""
    house, origin = proxied
    credentials = house.resource_credentials()
    host, port = origin.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    basic = base64.b64encode(f"{credentials['GATEHOUSE_RS_CLIENT_ID']}:{credentials['GATEHOUSE_RS_CLIENT_SECRET']}".encode()).decode()
    connection.request("GET", "/internal/revocations", headers={"Authorization": f"Basic {basic}", "Accept": "text/event-stream"})
    response = connection.getresponse()
    assert response.status == 200 and response.getheader("Content-Type", "").startswith("text/event-stream")
    assert response.readline().startswith(b": "), "the opening comment came through at once"
    connector = revoke_to_refused.Connector(origin, origin + "/mcp", "first@example.com", PASSWORD)
    _, ended = connector.end("revoke", lambda token: None)
    lines = [b""]
    while not (lines[-1] == b"\n" and lines[-2].startswith(b"data: ")):  # an event ends with a blank line after its data
        lines.append(response.readline())
    arrived = time.monotonic() - ended
    assert b"event: revocation\n" in lines and any(line.startswith(b"data: ") and b'"kind":"grant"' in line for line in lines), lines
    assert arrived < 1.0, arrived
    connection.close()


def test_the_production_site_file_is_valid_nginx(tmp_path):
    """Deploy/nginx/gatehouse.conf as shipped, with a certificate of the test's own, passes nginx -t."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1", "-subj", "/CN=acme.example.com",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    site = (SITE / "gatehouse.conf").read_text()
    site = site.replace("/etc/letsencrypt/live/acme.example.com/fullchain.pem", str(cert))
    site = site.replace("/etc/letsencrypt/live/acme.example.com/privkey.pem", str(key))
    site = site.replace("include gatehouse-locations.conf;", f"include {SITE / 'gatehouse-locations.conf'};")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"error_log {tmp_path}/error.log; pid {tmp_path}/nginx.pid; events {{}} http {{ access_log off; include {tmp_path}/site.conf; }}\n"
    )
    result = subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
