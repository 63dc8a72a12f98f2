"""The deployment recipe, tried as a team would use it: Debian's Caddy with the shipped
`deploy/Caddyfile` (HTTPS from Caddy's internal CA, security headers) in front of `qa serve` on
loopback; a person signs in over HTTPS and the dashboard works (its WebSocket carries every page,
a chart renders). Caddy runs on free unprivileged loopback ports with its own storage directory,
started and stopped by this module.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect

from dashboard.session_cookie import COOKIE_NAME
from tests.browser.conftest import (
    ROOT,
    Server,
    assert_no_errors,
    free_port,
    open_page,
    sign_in,
    wait_for_app,
)

pytestmark = pytest.mark.browser

CADDY = shutil.which("caddy") or "/usr/bin/caddy"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
SECURITY_HEADERS = {
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


@dataclass(frozen=True)
class Proxy:
    url: str  # https://127.0.0.1:PORT
    http_url: str  # the plain-HTTP port, which only redirects
    root_certificate: Path  # Caddy's internal CA root


def _wait_for_tls(port: int, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"caddy exited with {process.returncode}: {process.stdout.read()}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"caddy did not listen on {port} within {seconds:.0f}s")


@pytest.fixture(scope="module")
def proxy(server: Server, tmp_path_factory) -> Iterator[Proxy]:
    if not os.access(CADDY, os.X_OK):
        pytest.fail("caddy is not installed: `make browser` installs Debian's caddy")
    home = tmp_path_factory.mktemp("caddy")
    https_port, http_port = free_port(), free_port()
    upstream = server.url.removeprefix("http://")
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),  # certificates and the internal CA live here
        "XDG_CONFIG_HOME": str(home / "config"),
        "CADDY_HTTPS_PORT": str(https_port),
        "CADDY_HTTP_PORT": str(http_port),
        "CADDY_ADMIN": "off",
        "CORNERSTONE_SITE": "127.0.0.1",
        "CORNERSTONE_UPSTREAM": upstream,
    }
    process = subprocess.Popen(
        [CADDY, "run", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        env=env, cwd=home, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        _wait_for_tls(https_port, process)
        root = home / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"
        running = Proxy(f"https://127.0.0.1:{https_port}", f"http://127.0.0.1:{http_port}", root)
        _wait_for_certificate(running, process)
        yield running
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_for_certificate(proxy: Proxy, process: subprocess.Popen, seconds: float = 60) -> None:
    """Caddy listens before its internal CA has issued the site's certificate: wait for both."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with _get(proxy.url + "/_stcore/health", proxy.root_certificate) as response:
                if response.status == 200:
                    return
        except (OSError, ssl.SSLError) as error:
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"caddy never served HTTPS with its certificate: {error}")
            time.sleep(0.2)


def _get(url: str, root: Path):
    """GET with Caddy's root as the only trusted CA: the certificate chain is really checked."""
    context = ssl.create_default_context(cafile=str(root))
    return urllib.request.urlopen(url, context=context, timeout=10)


def test_https_through_caddy_has_a_trusted_certificate_and_security_headers(proxy: Proxy) -> None:
    with _get(proxy.url + "/", proxy.root_certificate) as response:
        assert response.status == 200
        headers = {k.lower(): v for k, v in response.headers.items()}
    for name, value in SECURITY_HEADERS.items():
        assert headers.get(name) == value, (name, headers.get(name))
    assert headers["strict-transport-security"].startswith("max-age=31536000")
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "default-src 'self'" in policy
    assert "server" not in headers
    with _get(proxy.url + "/_stcore/health", proxy.root_certificate) as response:
        assert response.read() == b"ok"
    # Plain HTTP only redirects to HTTPS.
    opener = urllib.request.build_opener(_NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        opener.open(proxy.http_url + "/", timeout=10)
    assert redirect.value.code in (301, 302, 308)
    assert redirect.value.headers["Location"].startswith("https://")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _session_cookies(context, seconds: float = 20) -> list[dict]:
    """The session cookie(s), once the page's hand-off request has set one."""
    deadline = time.monotonic() + seconds
    while True:
        found = [c for c in context.cookies() if c["name"] == COOKIE_NAME]
        if found or time.monotonic() > deadline:
            return found
        time.sleep(0.2)


# Streamlit fetches a material-symbol page icon from Google's font CDN; the policy blocks it (the
# tab shows a plain icon) and nothing else.
FAVICON_FROM_CDN = "fonts.gstatic.com/s/i/short-term/release/materialsymbolsrounded/"


def test_sign_in_over_https_and_every_page_works_through_the_proxy(
    proxy: Proxy, accounts, browser
) -> None:
    context = browser.new_context(
        viewport={"width": 1500, "height": 1000}, ignore_https_errors=True
    )
    page = context.new_page()
    errors: list[str] = []
    blocked: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    def note_policy_violation(message) -> None:
        if "Content Security Policy" in message.text and FAVICON_FROM_CDN not in message.text:
            blocked.append(f"{page.url}: {message.text}")

    page.on("console", note_policy_violation)
    page.errors = errors  # type: ignore[attr-defined]
    try:
        sign_in(page, proxy.url, *accounts["admin"])
        assert page.url.startswith(proxy.url)
        # The session cookie is set over HTTPS as Secure and HttpOnly, and a reload keeps it.
        expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=30_000)
        cookies = _session_cookies(context)
        assert [(c["secure"], c["httpOnly"]) for c in cookies] == [(True, True)], cookies
        page.reload()
        wait_for_app(page)
        expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=60_000)
        open_page(page, "Team trends")
        # Charts arrive over the WebSocket: a rendered one proves it passes through Caddy.
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
        assert_no_errors(page)
        # No developer chrome for users (qa serve sets client.toolbarMode).
        assert page.locator('[data-testid="stAppDeployButton"]').count() == 0
        assert page.locator('[data-testid="stMainMenu"]').count() == 0
        titles = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
        assert len(titles) >= 8, titles
        for title in titles:
            open_page(page, title.strip().splitlines()[-1])
            assert_no_errors(page)
        # The Content-Security-Policy breaks nothing any page does.
        assert blocked == [], "\n".join(blocked)
    finally:
        context.close()
