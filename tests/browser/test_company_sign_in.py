"""Company sign-in (issue 16 item 4), end to end in a real browser against a real OpenID Connect
provider on loopback: panva/oidc-provider (tests/oidc/, pinned by package-lock.json, installed
with `npm ci` on first use) run with Node, and `qa serve` started in a working directory whose
`.streamlit/secrets.toml` configures Streamlit's `st.login` for it.

Through the UI only: the admin gives an account its company e-mail on the Users page; that person
signs in with the company account (the provider's own sign-in and consent pages), stays signed in
across a reload, and signs out (through the provider's sign-out page); someone whose e-mail no
account has is refused with a plain message. SSO sign-ins, refusals and sign-outs are audited.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import (
    CONVERSATIONS,
    QA,
    ROOT,
    Server,
    build_demo_db,
    free_port,
    open_page,
    read_accounts,
    sign_in,
    stop_server,
    wait_for_app,
    wait_healthy,
)  # fmt: skip
from warehouse.storage.connection import connect

OIDC_DIR = ROOT / "tests" / "oidc"
CLIENT_ID = "cornerstone-qa"


def _npm_ci() -> None:
    """Install the pinned provider once (node_modules is not committed)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("Node.js and npm are needed for the OIDC provider (apt-get install nodejs npm)")
    with open(OIDC_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (OIDC_DIR / "node_modules" / "oidc-provider" / "package.json").exists():
            return
        result = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund"], cwd=OIDC_DIR, capture_output=True,
            text=True, timeout=600,
        )  # fmt: skip
        if result.returncode != 0:
            pytest.fail(f"npm ci failed in tests/oidc:\n{result.stdout}\n{result.stderr}")


def _wait_url(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"OIDC provider exited: {process.stdout.read() if process.stdout else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {seconds:.0f}s")


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def sso_server(tmp_path_factory) -> Iterator[tuple[Server, dict[str, tuple[str, str]]]]:
    """An OIDC provider and a `qa serve` configured for it, both on loopback, own database."""
    _npm_ci()
    folder = tmp_path_factory.mktemp("sso")
    source = build_demo_db(CONVERSATIONS)
    shutil.copy2(source, folder / "demo.duckdb")
    accounts = read_accounts(source.parent / "demo_accounts.txt")
    app_port, oidc_port = free_port(), free_port()
    redirect_uri = f"http://127.0.0.1:{app_port}/oauth2callback"
    client_secret = secrets.token_urlsafe(24)
    provider = subprocess.Popen(
        ["node", "provider.mjs"], cwd=OIDC_DIR, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True, start_new_session=True,
        env={**os.environ, "OIDC_PORT": str(oidc_port), "CLIENT_ID": CLIENT_ID,
             "CLIENT_SECRET": client_secret, "REDIRECT_URI": redirect_uri,
             "POST_LOGOUT_REDIRECT_URI": redirect_uri},
    )  # fmt: skip
    app = None
    try:
        _wait_url(f"http://127.0.0.1:{oidc_port}/.well-known/openid-configuration", provider)
        # Streamlit reads .streamlit/secrets.toml from the working directory of `qa serve`.
        (folder / ".streamlit").mkdir()
        (folder / ".streamlit" / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "{redirect_uri}"\n'
            f'cookie_secret = "{secrets.token_urlsafe(32)}"\n'
            "[auth.company]\n"
            f'client_id = "{CLIENT_ID}"\n'
            f'client_secret = "{client_secret}"\n'
            f'server_metadata_url = "http://127.0.0.1:{oidc_port}/.well-known/openid-configuration"\n'
            # Streamlit asks for prompt=select_account by default, which this provider refuses.
            'client_kwargs = { prompt = "login" }\n',
            encoding="utf-8",
        )
        log = open(folder / "serve.log", "w")  # noqa: SIM115 - the server's log, for failures
        process = subprocess.Popen(
            [str(QA), "serve", "--db", str(folder / "demo.duckdb"), "--port", str(app_port)],
            cwd=folder, stdout=log, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,
        )  # fmt: skip
        app = Server(f"http://127.0.0.1:{app_port}", folder / "demo.duckdb", process)
        wait_healthy(app.url, process)
        yield app, accounts
    finally:
        if app is not None:
            stop_server(app)
        _stop(provider)


def _company_sign_in(page: Page, url: str, email: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="Sign in with company").click()
    page.locator('input[name="login"]').fill(email)  # the provider's own sign-in page
    page.locator('input[name="password"]').fill("anything: the test provider takes any")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # the provider's consent page


def _audit(db_path: Path, action: str) -> list[tuple[str, str]]:
    with connect(db_path) as con:
        return con.execute(
            "SELECT actor, CAST(details AS VARCHAR) FROM audit_log WHERE action = $action"
            " ORDER BY audit_id",
            {"action": action},
        ).fetchall()


def test_company_sign_in_matches_the_e_mail_an_admin_set_and_is_audited(
    browser: Browser, sso_server
):
    server, accounts = sso_server
    reviewer_login = accounts["reviewer"][0]
    email = f"{reviewer_login}@example.com"

    admin = browser.new_context(viewport={"width": 1500, "height": 1000})
    try:
        page = admin.new_page()
        sign_in(page, server.url, *accounts["admin"])
        open_page(page, "Users")
        page.get_by_role("tab", name="Company e-mail").click()
        box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Account")
        box.last.click()
        page.get_by_role("option", name=reviewer_login, exact=True).click()
        page.get_by_role("textbox", name="E-mail (empty: none)").fill(email.upper())
        page.get_by_role("button", name="Save e-mail").click()
        expect(page.get_by_text(f"E-mail of {reviewer_login} saved.")).to_be_visible(timeout=30_000)
    finally:
        admin.close()

    person = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        page = person.new_page()
        _company_sign_in(page, server.url, email)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=60_000)
        expect(page.get_by_text(f"Signed in as {reviewer_login}")).to_be_visible()
        wait_for_app(page)
        page.reload()  # the session cookie works for company sign-ins too
        expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=60_000)
        wait_for_app(page)
        assert len(_audit(server.db_path, "sign_in.sso")) == 1  # the reload is no new sign-in

        page.get_by_role("button", name="Sign out").click()
        page.get_by_role("button", name="Yes, sign me out").click()  # the provider's page
        expect(page.get_by_role("button", name="Sign in with company")).to_be_visible(
            timeout=60_000
        )
        page.reload()
        expect(page.get_by_role("button", name="Sign in with company")).to_be_visible(
            timeout=60_000
        )
        expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    finally:
        person.close()

    stranger = browser.new_context()
    try:
        page = stranger.new_page()
        _company_sign_in(page, server.url, "stranger@example.com")
        expect(page.get_by_text("No account here uses the e-mail")).to_be_visible(timeout=60_000)
        expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    finally:
        stranger.close()

    (sso,) = _audit(server.db_path, "sign_in.sso")
    assert sso[0] == reviewer_login and email in sso[1] and '"provider": "company"' in sso[1]
    sign_outs = [d for actor, d in _audit(server.db_path, "sign_out") if actor == reviewer_login]
    assert sign_outs and '"method": "oidc"' in sign_outs[-1]
    refused = _audit(server.db_path, "sign_in.sso_refused")
    assert [re.search(r"stranger@example\.com", d) is not None for _, d in refused] == [True]
