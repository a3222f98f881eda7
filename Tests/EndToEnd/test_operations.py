"""What an operator's probes and scraper see from the real binaries: /readyz ready on both servers, and with
GATEHOUSE_METRICS_LISTEN the metrics on their own addresses (not on the main ports): requests by route and
status, the tool calls by tool and outcome, the revocation stream's lag once a person is disabled, and the
auth-server's durable commits (README § Health, readiness and metrics)."""

from __future__ import annotations

import re
import time

import httpx2

from conftest import free_port, running_gatehouse
from test_service_desk_tools import call_http


def sample(text: str, name: str, **labels: str) -> float:
    """The value of the series `name` whose labels include `labels` (0 when there is none)."""
    for line in text.splitlines():
        match = re.fullmatch(rf"{re.escape(name)}(?:\{{(.*)\}})? (\S+)", line)
        if match and all(f'{key}="{value}"' in (match.group(1) or "") for key, value in labels.items()):
            return float(match.group(2))
    return 0.0


def test_readiness_and_metrics_on_their_own_addresses():
    auth_metrics, resource_metrics = free_port(), free_port()
    with running_gatehouse({"GATEHOUSE_METRICS_LISTEN": f"127.0.0.1:{resource_metrics}"},
                           GATEHOUSE_METRICS_LISTEN=f"127.0.0.1:{auth_metrics}") as house:
        resource_origin = f"http://127.0.0.1:{house.resource_port}"
        for origin, service in [(house.issuer, "auth-server"), (resource_origin, "resource-server")]:
            ready = httpx2.get(f"{origin}/readyz")
            assert ready.status_code == 200 and ready.json() == {"status": "ready", "service": service}, ready.text
            assert httpx2.get(f"{origin}/metrics").status_code == 404, "not on the main port when it has its own address"

        token = house.issue_token(scope="tickets:read")
        assert call_http(house.resource, token, "whoami", {}).json()["result"]["isError"] is False
        registered = httpx2.post(f"{house.issuer}/oauth/register", json={
            "client_name": "Scraped", "redirect_uris": ["http://127.0.0.1:9/cb"], "token_endpoint_auth_method": "none",
        })
        assert registered.status_code == 201, registered.text
        leaving = house.add_person("leaving@example.com")
        assert house.admin("user", "disable", "--email", leaving.email).returncode == 0

        def scrape(port: int) -> str:
            answer = httpx2.get(f"http://127.0.0.1:{port}/metrics")
            assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain; version=0.0.4"), answer.text
            return answer.text

        deadline = time.monotonic() + 10
        while sample(text := scrape(resource_metrics), "gatehouse_revocation_stream_lag_seconds_count") < 1:
            assert time.monotonic() < deadline, "the disabled person's event never reached the resource-server"
            time.sleep(0.1)
        assert sample(text, "gatehouse_tool_calls_total", tool="whoami", outcome="ok", dry_run="false") >= 1
        assert sample(text, "hb_requests", http_route="/mcp", http_request_method="POST", http_response_status_code="200") >= 1
        assert "# TYPE http_server_request_duration histogram" in text

        auth = scrape(auth_metrics)
        assert sample(auth, "hb_requests", http_route="/oauth/jwks.json", http_response_status_code="200") >= 1
        assert sample(auth, "hb_requests", http_route="/oauth/register", http_response_status_code="201") == 1
        assert sample(auth, "gatehouse_database_commit_writes_count") >= 1, "the registration went through a durable commit"
