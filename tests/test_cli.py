"""The `trygg` console script and the real server process behind `make demo`."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_trygg(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "trygg.cli", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def sqlite_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["TRYGG_VAR_DIR"] = str(tmp_path)
    return env


def test_it_maps_verb_and_subcommand_to_a_management_command(sqlite_env):
    result = run_trygg("import", "areas", "--help", env=sqlite_env)
    assert result.returncode == 0, result.stderr
    assert "--municipality" in result.stdout


def test_it_names_an_unknown_command(sqlite_env):
    result = run_trygg("import", "nonsense", env=sqlite_env)
    assert result.returncode != 0
    assert "import_nonsense" in result.stderr


def get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_it_serves_pages_and_the_vendor_libraries(sqlite_env):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "trygg.cli", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=sqlite_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        status = 0
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, body = get(f"{base}/login/")
                break
            except OSError:
                time.sleep(0.3)
        assert server.poll() is None, server.stdout.read().decode()[-3000:]  # type: ignore[union-attr]
        assert status == 200
        assert b"Trygg" in body
        for asset, marker in [
            ("/static/vendor/htmx/htmx.min.js", b"htmx"),
            ("/static/vendor/leaflet/leaflet.js", b"Leaflet"),
            ("/static/vendor/markercluster/leaflet.markercluster.js", b"MarkerCluster"),
            ("/static/trygg/map.js", b"markerClusterGroup"),
        ]:
            status, body = get(base + asset)
            assert status == 200, asset
            assert marker in body, asset
        assert get(f"{base}/k/1981/")[0] == 200  # the login page, after a redirect
    finally:
        server.terminate()
        server.wait(timeout=20)
