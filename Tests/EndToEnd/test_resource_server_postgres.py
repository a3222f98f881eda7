"""The resource-server on PostgreSQL: with GATEHOUSE_DATABASE_URL it keeps tenants, the service desk and the
tool-call windows in schema gatehouse_resource of that database, beside the auth-server's gatehouse_auth when both
are given the same URL; seed-demo fills it, and the official MCP Python SDK lists, searches and writes there.
Each test gets a database of its own on the server Deploy/test (or Deploy/with-postgres) started; without
GATEHOUSE_TEST_DATABASE_URL the tests fail and say how to run them."""

from __future__ import annotations

import asyncio
import subprocess
import uuid
from urllib.parse import urlsplit

from conftest import running_gatehouse
from test_postgres_auth import database_url  # noqa: F401  (the fixture: a fresh database per test)
from test_service_desk_tools import TECH_SCOPES, with_client


def run_sql(url: str, sql: str) -> str:
    """One statement's result as psql prints it unaligned."""
    result = subprocess.run(["psql", "-qAt", "-v", "ON_ERROR_STOP=1", url, "-c", sql], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_resource_server_serves_the_desk_from_postgres(database_url):  # noqa: F811
    """Both servers on one database URL; seed-demo fills the resource-server's schema, not a resource.sqlite; a
    listing, a search and an idempotent write through the SDK are answered from it; admin backup refuses and names
    pg_dump; the URL's password is never logged."""
    password = urlsplit(database_url).password
    with running_gatehouse(resource_settings={"GATEHOUSE_DATABASE_URL": database_url}, database_url=database_url) as house:
        house.keep_out_of_logs(password)
        assert not (house.workdir / house.shared_data / "resource.sqlite").exists(), "the data went to PostgreSQL, not SQLite"
        assert run_sql(database_url, "SELECT count(*) FROM gatehouse_resource.ticket") == "4000"
        assert run_sql(database_url, "SELECT count(*) FROM pg_namespace WHERE nspname IN ('gatehouse_auth', 'gatehouse_resource')") == "2"

        token = house.issue_token(scope=TECH_SCOPES)
        key = str(uuid.uuid4())

        async def body(client):
            listed = await client.call_tool("list_open_tickets", {"limit": 5})
            search = await client.call_tool("search_tickets", {"query": "printer", "limit": 5})
            customer = listed.structured_content["tickets"][0]["customer_id"]
            create = {"customer_id": customer, "subject": "E2E on PostgreSQL", "description": "Written to PostgreSQL.", "idempotency_key": key}
            first = await client.call_tool("create_ticket", create)
            again = await client.call_tool("create_ticket", create)
            return listed, search, first, again

        listed, search, first, again = asyncio.run(with_client(house.resource, token, "legacy", body))
        assert listed.is_error is False and len(listed.structured_content["tickets"]) == 5, listed
        assert listed.structured_content.get("next_cursor"), "a listing pages by cursor"
        assert search.is_error is False and search.structured_content["tickets"], search
        assert all("[" in hit["excerpt"] for hit in search.structured_content["tickets"]), search
        assert first.structured_content["status"] == "done", first
        assert again.structured_content["status"] == "replayed" and again.structured_content["ticket"] == first.structured_content["ticket"]
        assert run_sql(database_url, "SELECT count(*) FROM gatehouse_resource.ticket WHERE subject = 'E2E on PostgreSQL'") == "1"

        env = {**house.resource_env(), "GATEHOUSE_DATABASE_URL": database_url}
        backup = house.resource_command("admin", "backup", "--to", str(house.workdir / "copy.sqlite"), env=env)
        assert backup.returncode != 0 and "pg_dump -n gatehouse_resource" in backup.stderr, backup
        assert password not in backup.stderr
        again_seeded = house.resource_command("seed-demo", env=env)
        assert again_seeded.returncode == 3, again_seeded.stderr
