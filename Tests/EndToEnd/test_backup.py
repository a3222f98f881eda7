"""Backups an operator can trust, from the real binaries: `auth-server admin backup` and `resource-server admin
backup` run while both servers take writes (grants made by `admin token issue`, tickets made through the MCP
endpoint); the copies are restored into a fresh folder as README § Backups and restore says, and every grant
and ticket acknowledged before the backup began is in them, the restored auth-server still unseals its keys
(it signs a token), and the restored files are readable by their owner only."""

from __future__ import annotations

import base64
import json
import os
import shutil
import sqlite3
import stat
import threading
import time
import subprocess
import uuid

from conftest import binary, running_gatehouse
from test_service_desk_tools import call_http


def grant_of(token: str) -> str:
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"]


def test_backups_taken_under_write_load_restore_every_acknowledged_write(tmp_path):
    with running_gatehouse() as house:
        token = house.issue_token(scope="tickets:read tickets:write customers:read", ttl=600)
        customer = call_http(house.resource, token, "list_customers", {"limit": 1}).json()["result"]["structuredContent"]["customers"][0]["id"]
        grants: list[str] = []
        tickets: list[str] = []
        stop = threading.Event()

        def issue_grants() -> None:
            while not stop.is_set():
                grants.append(grant_of(house.issue_token(scope="tickets:read", ttl=60)))

        def create_tickets() -> None:
            while not stop.is_set():
                answer = call_http(house.resource, token, "create_ticket", {
                    "customer_id": customer, "subject": f"Backup load {uuid.uuid4()}", "description": "Written during a backup.",
                    "idempotency_key": str(uuid.uuid4()),
                }).json()["result"]["structuredContent"]
                assert answer["status"] == "done", answer
                tickets.append(answer["ticket"]["id"])

        writers = [threading.Thread(target=issue_grants), threading.Thread(target=create_tickets)]
        for writer in writers:
            writer.start()
        try:
            while len(grants) < 3 or len(tickets) < 20:
                time.sleep(0.05)
            acknowledged_grants, acknowledged_tickets = list(grants), list(tickets)
            auth_copy, resource_copy = tmp_path / "auth-backup.sqlite", tmp_path / "resource-backup.sqlite"
            backed_up = house.admin("backup", "--to", str(auth_copy))
            assert backed_up.returncode == 0 and "integrity checked" in backed_up.stdout, backed_up.stderr
            assert "key-encryption key is not in the copy" in backed_up.stderr
            backed_up = house.resource_command("admin", "backup", "--to", str(resource_copy))
            assert backed_up.returncode == 0 and "integrity checked" in backed_up.stdout, backed_up.stderr
            time.sleep(0.3)
        finally:
            stop.set()
            for writer in writers:
                writer.join()
        assert len(tickets) > len(acknowledged_tickets), "writes went on during the backups"

        again = house.admin("backup", "--to", str(auth_copy))
        assert again.returncode == 1 and "never overwrites" in again.stderr

        # Restore as README § Backups and restore says: the copies into a fresh data folder, with the key-encryption
        # key and the resource-server's credentials kept apart from them.
        restored = tmp_path / "restored"
        restored.mkdir(mode=0o700)
        data = house.workdir / house.shared_data
        shutil.copy2(auth_copy, restored / "auth.sqlite")
        shutil.copy2(resource_copy, restored / "resource.sqlite")
        for kept_apart in ["kek", "resource-server.credentials"]:
            shutil.copy2(data / kept_apart, restored / kept_apart)
        for copy in [auth_copy, resource_copy]:
            assert stat.S_IMODE(copy.stat().st_mode) == 0o600

        with sqlite3.connect(restored / "auth.sqlite") as database:
            stored = {row[0] for row in database.execute("SELECT id FROM oauth_grant")}
        assert set(acknowledged_grants) <= stored, set(acknowledged_grants) - stored
        with sqlite3.connect(restored / "resource.sqlite") as database:
            stored = {row[0] for row in database.execute("SELECT id FROM ticket")}
        assert set(acknowledged_tickets) <= stored, set(acknowledged_tickets) - stored

        environment = {**house.auth_env(), "GATEHOUSE_DATA_DIR": str(restored)}
        signed = subprocess.run([binary("auth-server"), "admin", "token", "issue", "--email", "tech@example.com", "--scope", "tickets:read"],
                                env=environment, capture_output=True, text=True, timeout=60)
        assert signed.returncode == 0 and signed.stdout.count(".") == 2, signed.stderr

        # Restored with another key-encryption key: refused at once, saying which key is wrong.
        (restored / "kek").write_text(base64.b64encode(os.urandom(32)).decode() + "\n")
        wrong = subprocess.run([binary("auth-server"), "admin", "client", "list"], env=environment, capture_output=True, text=True, timeout=60)
        assert wrong.returncode == 2 and "does not open tenant default's signing keys" in wrong.stderr, wrong.stderr
