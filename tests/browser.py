"""The dashboard in a real browser: Debian's Chromium driven by Playwright (no browser download), and
the dashboard served by scripts/dashboard.sh. Used by tests/test_dashboard.py and
scripts/dashboard_screenshots.py."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Headless, and nothing that reaches for the network: this machine has none past the registries.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# The pages, by their ?page= parameter, and the charts each draws at least.
PAGES = {"campaigns": 3, "abandon-rate": 1, "outcomes": 1, "occupancy": 1, "auto-callout": 1, "campaign": 3}

# Every chart drawn: a canvas with a pixel painted, or an SVG with marks. The script run is over when
# the footer (written last) is there and Streamlit's "running" widget is gone.
RENDERED = """(least) => {
  if (!document.querySelector('[data-testid=stCaptionContainer]')) return false;
  if (![...document.querySelectorAll('[data-testid=stCaptionContainer]')].some(c => c.innerText.startsWith('Figures from'))) return false;
  if (document.querySelector('[data-testid=stStatusWidget]')) return false;
  const charts = [...document.querySelectorAll('[data-testid=stVegaLiteChart]')];
  return charts.length >= least && charts.every(chart => {
    const canvas = chart.querySelector('canvas');
    if (canvas) {
      if (!canvas.width || !canvas.height) return false;
      const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 3; i < pixels.length; i += 4 * 31) if (pixels[i] > 0) return true;
      return false;
    }
    const svg = chart.querySelector('svg');
    return !!svg && svg.querySelectorAll('path, rect, circle, line').length > 0;
  });
}"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def dashboard(
    duckdb_file: Path | None = None, *, postgres: dict[str, str] | None = None, timeout: float = 60
) -> Iterator[str]:
    """`bash scripts/dashboard.sh --duckdb FILE` (or `--postgres` with the server's PG* variables) on a
    free port, once it answers its health check; its URL."""
    port = free_port()
    where = ["--postgres"] if postgres else ["--duckdb", str(duckdb_file)]
    env = {**os.environ, **(postgres or {})}
    with serve(["bash", "scripts/dashboard.sh", *where, "--port", str(port)], ROOT, port, env, timeout) as url:
        yield url


@contextlib.contextmanager
def serve(command: list[str], cwd: Path, port: int, env: dict[str, str], timeout: float = 60) -> Iterator[str]:
    """Runs COMMAND, a dashboard server on PORT, until Streamlit says it serves there (it prints its URL
    once it listens) and answers /_stcore/health; its URL. Stopped after. ``timeout``: the health
    check's, once it says so."""
    server = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    assert server.stdout is not None
    seen: list[str] = []

    def output() -> str:
        return "".join(seen)[-3000:]

    url = f"http://127.0.0.1:{port}"
    try:
        for line in server.stdout:  # ends when the server exits
            seen.append(line)
            if "URL:" in line and f"127.0.0.1:{port}" in line:
                break
        else:
            raise AssertionError(f"the dashboard stopped: {output()}")
        # What it prints from now on is kept (and the pipe never fills).
        threading.Thread(target=lambda: seen.extend(server.stdout or ()), daemon=True).start()
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as answer:
            assert answer.status == 200, f"the dashboard is not healthy: {output()}"
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # its own session: meltano invoke's child too
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


@contextlib.contextmanager
def chromium() -> Iterator:
    """A headless Debian Chromium, through Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Page:
    """One browser tab that records every console error, uncaught exception and failed request."""

    def __init__(self, browser, base_url: str) -> None:
        self.base_url = base_url
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.errors: list[str] = []
        self.page.on(
            "console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        self.page.on("response", lambda r: self.errors.append(f"HTTP {r.status} {r.url}") if r.status >= 400 else None)

    def open(self, query: str, charts: int = 1, timeout_ms: int = 60_000) -> None:
        """Loads /?QUERY and waits, at most timeout_ms, until the page's script ran and its charts are drawn."""
        self.page.goto(f"{self.base_url}/?{query}")
        self.rendered(charts, timeout_ms)

    def rendered(self, charts: int = 1, timeout_ms: int = 60_000) -> None:
        self.page.wait_for_function(RENDERED, arg=charts, timeout=timeout_ms)

    def exceptions(self) -> list[str]:
        return self.page.locator("[data-testid=stException]").all_inner_texts()

    def metrics(self) -> dict[str, str]:
        """Every st.metric on the page: label -> value as shown."""
        found = {}
        for metric in self.page.locator("[data-testid=stMetric]").all():
            label = metric.locator("[data-testid=stMetricLabel]").inner_text().strip()
            found[label] = metric.locator("[data-testid=stMetricValue]").inner_text().strip()
        return found

    def choose(self, label: str, option: str) -> None:
        """Picks OPTION in the sidebar's select box labelled LABEL."""
        box = self.page.locator("[data-testid=stSidebar] [data-testid=stSelectbox]").filter(has_text=label)
        box.click()
        self.page.get_by_role("option", name=option, exact=True).click()

    def screenshot(self, path: Path) -> None:
        self.page.screenshot(path=str(path), full_page=True)
