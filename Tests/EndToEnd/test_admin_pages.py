"""The admin pages in headless Chromium, against the real binaries: an admin without two-step sign-in can look
but not change; once enrolled, a change asks for a code from Debian's oathtool (an RFC 6238 implementation of
its own), and the next ones within the elevation window do not; people are added and disabled, the app policy
set, a registered app approved, a feature switched off on the resource-server, one grant's activity read
across both servers, and a service account made, used from a script and revoked, each decision seen by the admin commands at once; anyone else gets 403
(docs/security.md § The admin pages). A private house, because the tenant's policy changes."""

from __future__ import annotations

import time

import httpx2
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import PASSWORD, running_gatehouse
from test_backup import grant_of
from test_second_factor import WAIT, enrol, sign_in
from test_service_desk_tools import call_http

SETTLING = (StaleElementReferenceException, NoSuchElementException, WebDriverException)


def notice(browser, expected: str) -> str:
    """The page's news line once it says `expected` (read while the page may still be replacing itself)."""
    def said(driver) -> str | bool:
        text = driver.find_element(By.CSS_SELECTOR, "p.notice, p.alert").text
        return text if expected in text else False

    return WebDriverWait(browser, WAIT, ignored_exceptions=SETTLING).until(said)


def submit(form, label: str) -> None:
    form.find_element(By.XPATH, f".//button[normalize-space()='{label}']").click()


def test_an_admin_manages_people_and_apps_with_a_second_factor(browser, artifacts):
    with running_gatehouse() as house:
        added = house.admin("user", "add", "--email", "boss@example.com", "--role", "admin", "--password-stdin", stdin=PASSWORD + "\n")
        assert added.returncode == 0, added.stderr
        sign_in(browser, house, "boss@example.com")
        assert "Administration" in browser.find_element(By.CSS_SELECTOR, "nav[aria-label='Account']").text

        browser.get(f"{house.issuer}/admin/people")
        assert "Changes here need two-step sign-in" in browser.find_element(By.TAG_NAME, "main").text
        phone = enrol(browser, house, artifacts)

        # Signed in with the password alone: the first change asks for a code.
        browser.get(f"{house.issuer}/admin/people")
        form = browser.find_element(By.CSS_SELECTOR, "form[action='/admin/people']")
        form.find_element(By.NAME, "email").send_keys("new.tech@example.com")
        Select(form.find_element(By.NAME, "role")).select_by_value("technician")
        form.find_element(By.NAME, "password").send_keys(PASSWORD)
        code = form.find_element(By.NAME, "code")
        assert code.get_attribute("autocomplete") == "one-time-code"
        code.send_keys(phone.code())
        submit(form, "Add person")
        notice(browser, "new.tech@example.com was added as technician")
        browser.save_screenshot(str(artifacts / "admin-people.png"))
        assert not browser.find_elements(By.TAG_NAME, "script")

        # Within the window the next changes need no code.
        browser.find_element(By.LINK_TEXT, "new.tech@example.com").click()
        WebDriverWait(browser, WAIT, ignored_exceptions=SETTLING).until(
            lambda driver: driver.find_element(By.TAG_NAME, "h1").text == "new.tech@example.com")
        assert not browser.find_elements(By.NAME, "code")
        submit(browser.find_element(By.XPATH, "//form[.//input[@name='action' and @value='disable']]"), "Disable")
        notice(browser, "new.tech@example.com is disabled")
        enabled = house.admin("user", "enable", "--email", "new.tech@example.com")
        assert enabled.returncode == 0 and enabled.stdout.startswith("enabled"), "the page had disabled them"

        registered = httpx2.post(f"{house.issuer}/oauth/register", json={
            "client_name": "E2E reporting", "redirect_uris": ["http://127.0.0.1:9/cb"], "token_endpoint_auth_method": "none",
            "grant_types": ["authorization_code", "refresh_token"],
        })
        assert registered.status_code == 201, registered.text
        client_id = registered.json()["client_id"]

        browser.get(f"{house.issuer}/admin/apps")
        policy = browser.find_element(By.CSS_SELECTOR, "form[action='/admin/apps']")
        policy.find_element(By.ID, "app_policy-approved").click()
        submit(policy, "Save policy")
        notice(browser, "the app policy is approved")
        assert "\napp-policy: approved\n" in house.admin("tenant", "show").stdout

        app = browser.find_element(By.XPATH, "//li[contains(@class, 'app')][.//h3[normalize-space()='E2E reporting']]")
        assert "unverified" in app.text and "pending" in app.text
        submit(app.find_element(By.XPATH, ".//form[.//input[@name='action' and @value='approve']]"), "Approve E2E reporting")
        notice(browser, "E2E reporting is approved")
        browser.save_screenshot(str(artifacts / "admin-apps.png"))
        rows = {line.split("\t")[0]: line.split("\t") for line in house.admin("client", "list").stdout.splitlines()}
        assert rows[client_id][4] == "approved", rows[client_id]

        # Features live on the resource-server: the page switches one off there, as this admin.
        browser.get(f"{house.issuer}/admin/features")
        form = browser.find_element(By.CSS_SELECTOR, "form[action='/admin/features']")
        billing = form.find_element(By.ID, "module-billing")
        assert billing.is_selected()
        billing.click()
        submit(form, "Save features")
        notice(browser, "Saved: billing switched off")
        assert "feature billing = off" in house.resource_command("admin", "tenant", "show").stdout.splitlines()
        assert not browser.find_element(By.ID, "module-billing").is_selected()

        # One grant's timeline merges both servers: the token's grant, then its tool call on the resource-server.
        token = house.issue_token(scope="tickets:read")
        assert call_http(house.resource, token, "whoami", {}).json()["result"]["isError"] is False
        browser.get(f"{house.issuer}/admin/grants/{grant_of(token)}")
        activity = browser.find_element(By.CSS_SELECTOR, "table.timeline").text
        assert "tool.call" in activity and "whoami" in activity, activity

        # A service account made on the page works from a script, and is refused within a second of its revocation.
        browser.get(f"{house.issuer}/admin/service-accounts")
        form = browser.find_element(By.CSS_SELECTOR, "form[action='/admin/service-accounts'] input[value='create']").find_element(By.XPATH, "..")
        form.find_element(By.NAME, "name").send_keys("E2E sync")
        form.find_element(By.ID, "scope-tickets:read").click()
        submit(form, "Make service account")
        notice(browser, "“E2E sync” was made as svc_")
        client_id = browser.find_element(By.ID, "service-account-id").text
        secret = browser.find_element(By.ID, "service-account-secret").text
        house.keep_out_of_logs(secret)
        issued = httpx2.post(f"{house.issuer}/oauth/token", auth=(client_id, secret),
                             data={"grant_type": "client_credentials", "resource": house.resource})
        assert issued.status_code == 200 and "refresh_token" not in issued.json(), issued.text
        account_token = issued.json()["access_token"]
        house.keep_out_of_logs(account_token)
        whoami = call_http(house.resource, account_token, "whoami", {}).json()["result"]["structuredContent"]
        assert whoami["token_kind"] == "service_account" and whoami["name"] == "E2E sync", whoami
        row = browser.find_element(By.XPATH, "//li[contains(@class, 'app')][.//h2[normalize-space()='E2E sync']]")
        submit(row.find_element(By.XPATH, ".//form[.//input[@name='action' and @value='revoke']]"), "Revoke E2E sync")
        notice(browser, "“E2E sync” was revoked")
        revoked_at = time.monotonic()
        while call_http(house.resource, account_token, "whoami", {}).status_code != 401:
            assert time.monotonic() - revoked_at < 1.0, "still accepted a second after revocation"
            time.sleep(0.02)

        # Anyone else is told the pages are for administrators.
        browser.delete_all_cookies()
        sign_in(browser, house, "tech@example.com")
        browser.get(f"{house.issuer}/admin/people")
        assert browser.find_element(By.TAG_NAME, "h1").text == "For administrators"
        browser.get(f"{house.issuer}/account")
        assert "Administration" not in browser.find_element(By.CSS_SELECTOR, "nav[aria-label='Account']").text
