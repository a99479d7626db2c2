"""Shared by the benchmark scripts: an environment for a throw-away or given database, the
`houqin` commands, a `houqin serve` on a free loopback port, logins, and percentiles.

Only ever talks to 127.0.0.1.
"""

import contextlib
import math
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
HOUQIN = Path(sys.executable).parent / "houqin"
HOST = "127.0.0.1"
PASSWORD = "houqin-demo"


def bench_env(database_url=None, var_dir=None, static_root=None):
    """(environment, var dir) for the server and the commands. Without a DATABASE_URL the
    database is the SQLite file under the var dir (a new temporary one unless given)."""
    var = Path(var_dir) if var_dir else Path(tempfile.mkdtemp(prefix="houqin-bench-"))
    var.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(HOUQIN_VAR_DIR=str(var), HOUQIN_HTTPS="0", DEBUG="0", LOG_LEVEL="WARNING",
               ALLOWED_HOSTS=f"{HOST},localhost", AXES_FAILURE_LIMIT="1000", PYTHONUNBUFFERED="1")
    if database_url:
        env["DATABASE_URL"] = database_url
    if static_root:
        env["STATIC_ROOT"] = str(static_root)
    return env, var


def manage(env, *args, timeout=1800, quiet=False):
    """Run `houqin <args>`; raises on failure. Returns its output."""
    started = time.perf_counter()
    result = subprocess.run([str(HOUQIN), *args], env=env, cwd=ROOT, capture_output=True, text=True,
                            timeout=timeout, check=False)
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"houqin {' '.join(args)} failed ({result.returncode})")
    if not quiet:
        print(f"$ houqin {' '.join(args)}  ({time.perf_counter() - started:.1f} s)")
        print(result.stdout.rstrip())
    return result.stdout


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class Server:
    """`houqin serve` in its own process group, its output in `log_path`."""

    def __init__(self, env, log_path, workers=2, threads=1, access_log=False):
        self.env, self.log_path = env, Path(log_path)
        self.workers, self.threads, self.access_log = workers, threads, access_log
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.process = None

    def __enter__(self):
        args = [str(HOUQIN), "serve", "--bind", f"{HOST}:{self.port}", "--workers", str(self.workers),
                "--threads", str(self.threads)]
        if not self.access_log:
            args.append("--no-access-log")
        self.log = open(self.log_path, "w")  # noqa: SIM115 (closed in __exit__)
        self.process = subprocess.Popen(args, env=self.env, cwd=ROOT, stdout=self.log,
                                        stderr=subprocess.STDOUT, start_new_session=True)
        self.wait_ready()
        return self

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"houqin serve exited ({self.process.returncode}); see {self.log_path}")
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.base}/login/", timeout=5).status_code == 200:
                    return
            time.sleep(0.3)
        raise SystemExit(f"houqin serve not ready after {timeout} s; see {self.log_path}")

    def __exit__(self, *exc):
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.log.close()

    def log_text(self):
        return self.log_path.read_text(errors="replace")


CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def csrf_token(session, url):
    """GET a page with a form; returns the form's CSRF token (the cookie comes with it)."""
    response = session.get(url, timeout=30)
    response.raise_for_status()
    match = CSRF_INPUT.search(response.text)
    if not match:
        raise SystemExit(f"no CSRF token in {url}")
    return match.group(1)


def login_session(base, username, password=PASSWORD):
    """A requests.Session logged in through the /login/ form, CSRF and all."""
    session = requests.Session()
    token = csrf_token(session, f"{base}/login/")
    response = session.post(f"{base}/login/", data={"username": username, "password": password,
                                                   "csrfmiddlewaretoken": token, "next": ""},
                            headers={"Referer": f"{base}/login/"}, timeout=30)
    if response.status_code != 200 or "sessionid" not in session.cookies or response.url.rstrip("/") != base:
        raise SystemExit(f"login as {username} failed: {response.status_code} {response.url}")
    return session


def api_token(base, username, password=PASSWORD):
    """A token from POST /api/v1/auth/token/, or None when the endpoint is not there (yet)."""
    try:
        response = requests.post(f"{base}/api/v1/auth/token/",
                                 json={"username": username, "password": password}, timeout=30)
    except requests.RequestException:
        return None
    if response.status_code != 200:
        return None
    return response.json().get("token")


def percentile(sorted_values, p):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), math.ceil(p / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


def machine():
    """A one-line description of this machine for the reports."""
    cpu = "?"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "?"
    with contextlib.suppress(OSError):
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        mem = f"{kb / 1048576:.0f} GiB"
    return f"{os.cpu_count()} CPU ({cpu}), {mem} RAM, Python {sys.version.split()[0]}"
