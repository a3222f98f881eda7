"""Who may connect which apps, from the real binaries: `auth-server admin tenant set/show`, `admin user set
--may-connect`, and an app registered by Dynamic Client Registration that the admin lists, approves, blocks and
deletes with `admin client`, the running server taking each decision at once (docs/security.md § Who may
connect which apps). A private house, because the tenant's policy changes."""

from __future__ import annotations

import httpx2

from conftest import running_gatehouse


def test_admin_lists_approves_blocks_and_deletes_a_registered_app():
    with running_gatehouse() as house:
        shown = house.admin("tenant", "show").stdout
        assert shown.startswith(f"id: default\nstate: enabled\nissuer: {house.issuer}\nresource: {house.resource}\n"), shown
        assert shown.endswith("app-policy: open\ncompany-users-may-connect: on\n"), shown
        changed = house.admin("tenant", "set", "--app-policy", "approved", "--company-users-may-connect", "off")
        assert changed.returncode == 0, changed.stderr
        assert house.admin("tenant", "show").stdout.endswith("\napp-policy: approved\ncompany-users-may-connect: off\n")
        assert house.admin("tenant", "set", "--app-policy", "sometimes").returncode != 0
        off = house.admin("user", "set", "--email", "tech@example.com", "--may-connect", "off")
        assert off.returncode == 0 and off.stdout == "tech@example.com may not connect apps (off)\n", off.stdout

        registered = httpx2.post(f"{house.issuer}/oauth/register", json={
            "client_name": "E2E reporting", "redirect_uris": ["http://127.0.0.1:9/cb"], "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
        })
        assert registered.status_code == 201, registered.text
        client_id = registered.json()["client_id"]
        rows = {line.split("\t")[0]: line.split("\t") for line in house.admin("client", "list").stdout.splitlines()}
        assert rows[client_id][1:5] == ["E2E reporting", "dynamic", "-", "pending"], rows[client_id]
        assert rows["gatehouse-cli"][2:5] == ["first_party", "-", "approved"]

        def token_error() -> str:
            # A made-up refresh token: an admitted client hears invalid_grant, one the policy refuses unauthorized_client.
            answer = httpx2.post(f"{house.issuer}/oauth/token", data={
                "grant_type": "refresh_token", "refresh_token": "not-a-token", "client_id": client_id,
            })
            assert answer.status_code == 400, answer.text
            return answer.json()["error"] + ": " + answer.json().get("error_description", "")

        assert token_error() == "unauthorized_client: This app waits for an administrator's approval"
        assert house.admin("client", "approve", client_id).stdout == f"approved {client_id}\n"
        assert token_error().startswith("invalid_grant: ")
        blocked = house.admin("client", "block", client_id)
        assert blocked.stdout == f"blocked {client_id}; 0 grant(s) ended\n", blocked.stdout
        assert token_error() == "unauthorized_client: An administrator blocked this app"
        assert house.admin("tenant", "set", "--app-policy", "open").returncode == 0
        assert token_error() == "unauthorized_client: An administrator blocked this app", "under every policy"
        assert "\tblocked\t" in house.admin("client", "list").stdout

        assert house.admin("client", "delete", client_id).returncode == 0
        assert client_id not in house.admin("client", "list").stdout
        assert house.admin("client", "approve", client_id).returncode != 0
