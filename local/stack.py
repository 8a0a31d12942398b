"""The local stack: DynamoDB Local, osmem-server, the stream relay, the API (local/api.py) and the web front.

``python -m local.stack run`` is what ``make run`` calls: it starts everything on loopback,
prepares the tables and an admin, prints an invite and the web client's URL, and stops every
process it started on Ctrl-C or SIGTERM. The test harness uses the same launchers for its throw-away stack.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATE = ROOT / ".local"
EMULATOR = ROOT / "node_modules" / "amplify-dynamodb-simulator" / "emulator"
LAUNCHER_DIR = STATE / "build"
HOST = "127.0.0.1"


class StackError(RuntimeError):
    """A service of the local stack did not start."""


@dataclass
class Service:
    """A process this stack started (and is the only one allowed to stop)."""

    name: str
    process: subprocess.Popen[bytes]
    url: str
    log: Path | None = None

    def stop(self, grace: float = 5.0) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(grace)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    """A port that is free on loopback right now."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def wait_for_port(service: Service, port: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if service.process.poll() is not None:
            where = f"; see {service.log}" if service.log else ""
            raise StackError(f"{service.name} exited with {service.process.returncode}{where}")
        with socket.socket() as s:
            s.settimeout(0.2)
            if s.connect_ex((HOST, port)) == 0:
                return
        time.sleep(0.05)
    service.stop()
    raise StackError(f"{service.name} did not listen on {HOST}:{port} within {timeout} s; see {service.log}")


def _log_file(name: str) -> Path:
    logs = STATE / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    return logs / f"{name}-{os.getpid()}.log"


def start_dynamodb(port: int | None = None, db_path: Path | None = None) -> Service:
    """DynamoDB Local on 127.0.0.1: in memory, or persisted under ``db_path``."""
    if not (LAUNCHER_DIR / "DynamoDBLocalLoopback.class").exists() or not EMULATOR.exists():
        raise StackError("DynamoDB Local is not installed; run `make install`.")
    port = port or free_port()
    storage = ["-inMemory"] if db_path is None else ["-dbPath", str(db_path)]
    if db_path is not None:
        db_path.mkdir(parents=True, exist_ok=True)
    classpath = os.pathsep.join(
        [str(LAUNCHER_DIR), str(EMULATOR / "DynamoDBLocal.jar"), str(EMULATOR / "DynamoDBLocal_lib" / "*")]
    )
    cmd = [
        "java", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        f"-Djava.library.path={EMULATOR / 'DynamoDBLocal_lib'}",
        "-cp", classpath, "DynamoDBLocalLoopback",
        "-port", str(port), "-sharedDb", "-disableTelemetry", *storage,
    ]  # fmt: skip
    log = _log_file("dynamodb")
    with log.open("wb") as out:
        # It writes a metadata file into its working directory: keep that out of the repository.
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, cwd=STATE)
    service = Service("DynamoDB Local", proc, f"http://{HOST}:{port}", log)
    wait_for_port(service, port, timeout=60)
    return service


def start_osmem(port: int | None = None) -> Service:
    """osmem-server on 127.0.0.1; it exits with us (stdin watch and parent pid)."""
    from osmem_server import resolve_binary

    port = port or free_port()
    log = _log_file("osmem")
    cmd = [resolve_binary(), "-addr", f"{HOST}:{port}", "-parent-pid", str(os.getpid())]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=out, stderr=subprocess.STDOUT)
    service = Service("osmem-server", proc, f"http://{HOST}:{port}", log)
    wait_for_port(service, port, timeout=30)
    return service


def start_api(
    env: dict[str, str], port: int | None = None, stage: str | None = None, log: Path | None = None
) -> Service:
    """The API on 127.0.0.1 (``local/api.py``: the Chalice app behind gunicorn) with ``env``.

    Its output goes to ``log``, or to our console.
    """
    from local.api import gunicorn_command

    port = port or free_port()
    env = {**env, "KIZUNA_STAGE": stage or env.get("KIZUNA_STAGE", "dev")}
    with contextlib.ExitStack() as files:
        out = files.enter_context(log.open("wb")) if log else None
        proc = subprocess.Popen(gunicorn_command(port), cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT if log else None, stdin=subprocess.DEVNULL)  # fmt: skip
    service = Service("API", proc, f"http://{HOST}:{port}", log)
    wait_for_port(service, port, timeout=60)
    return service


def start_web(api_url: str, port: int | None = None) -> Service:
    """``local/web.py`` on 127.0.0.1: web/ plus ``/api/*`` proxied to ``api_url`` (CloudFront's part)."""
    port = port or free_port()
    log = _log_file("web")
    cmd = [sys.executable, "-m", "local.web", "--port", str(port), "--api", api_url]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    service = Service("web", proc, f"http://{HOST}:{port}", log)
    wait_for_port(service, port, timeout=30)
    return service


def _web_port(api_port: int) -> int:
    """``WEB_PORT``, else the port after the API's when it is free, else any free port."""
    if os.environ.get("WEB_PORT"):
        return int(os.environ["WEB_PORT"])
    with socket.socket() as s:
        try:
            s.bind((HOST, api_port + 1))
        except OSError:
            return free_port()
    return api_port + 1


def aws_env(dynamodb_url: str, opensearch_url: str | None) -> dict[str, str]:
    """The environment that points the app at the local services (the same code runs on AWS)."""
    env = {
        "AWS_ENDPOINT_URL_DYNAMODB": dynamodb_url,
        "AWS_ENDPOINT_URL_DYNAMODBSTREAMS": dynamodb_url,
        "AWS_ENDPOINT_URL_DYNAMODB_STREAMS": dynamodb_url,
        "AWS_DEFAULT_REGION": "ap-northeast-1",
        "AWS_REGION": "ap-northeast-1",
        # DynamoDB Local accepts any credentials; these keep boto from looking for real ones.
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    if opensearch_url:
        env["KIZUNA_OPENSEARCH_URL"] = opensearch_url
    return env


#: The rate limits of the stacks that write faster than any person (the tests, the benchmarks, the
#: chaos and fuzz runs, seeding through the API): far above what they do, so nothing they measure is
#: a 429, yet every write still pays for its counter. The tests of the limits build their own services
#: with small ones; ``make run`` keeps the real defaults (``chalicelib.limits``).
LOAD_LIMITS = {
    "KIZUNA_RATE_LIMITS": "*=1000000/60",
    "KIZUNA_SANDBOX_RATE_LIMITS": "*=1000000/60",
    "KIZUNA_LOGIN_MAX_FAILURES_PER_ADDRESS": "1000000",
}


def local_secret() -> str:
    """The signing key of the local stack: generated once into a git-ignored file."""
    path = STATE / "jwt-secret"
    if not path.exists():
        STATE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


@dataclass
class Stack:
    """Processes started by ``make run``, stopped in reverse order."""

    services: list[Service] = field(default_factory=list)

    def add(self, service: Service) -> Service:
        self.services.append(service)
        return service

    def stop(self) -> None:
        for service in reversed(self.services):
            service.stop()
        self.services.clear()


@contextlib.contextmanager
def throwaway_stack(prefix: str, extra_env: dict[str, str] | None = None) -> Iterator[tuple[Service, Service]]:
    """In-memory DynamoDB Local and osmem-server wired into ``os.environ``, with fresh tables under a
    unique ``prefix``, a random signing key and :data:`LOAD_LIMITS`; all undone on exit (the tests'
    and benchmarks' stack)."""
    stack = Stack()
    saved = dict(os.environ)
    try:
        dynamodb = stack.add(start_dynamodb())
        osmem = stack.add(start_osmem())
        os.environ.update(aws_env(dynamodb.url, osmem.url))
        os.environ["KIZUNA_JWT_SECRET"] = secrets.token_urlsafe(32)
        os.environ["KIZUNA_TABLE_PREFIX"] = f"{prefix}-{uuid.uuid4().hex[:8]}-"
        os.environ.update(LOAD_LIMITS)
        os.environ.update(extra_env or {})
        from chalicelib import bootstrap
        from chalicelib.adapters.dynamodb import provisioning

        bootstrap.reset()
        bootstrap.services()
        provisioning.create_tables()
        yield dynamodb, osmem
    finally:
        from chalicelib import bootstrap

        bootstrap.reset()
        os.environ.clear()
        os.environ.update(saved)
        stack.stop()


def _ops(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "chalicelib.ops", *args],
        cwd=ROOT, env=env, input=stdin, text=True, capture_output=True, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise StackError(f"ops {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def run() -> int:
    """``make run``: the whole app on the local stack, in the foreground."""
    api_port = int(os.environ.get("PORT", "8000"))
    stack = Stack()
    stopping = False

    def on_signal(signum: int, frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        ddb = stack.add(start_dynamodb(db_path=STATE / "data" / "dynamodb"))
        osmem = stack.add(start_osmem())
        env = {**os.environ, **aws_env(ddb.url, osmem.url), "KIZUNA_JWT_SECRET": local_secret()}
        env.setdefault("KIZUNA_STAGE", "dev")
        _ops(env, "create-tables")
        admin_handle = os.environ.get("ADMIN_HANDLE") or "admin"
        password = os.environ.get("ADMIN_PASSWORD") or _generated_password("admin-password")
        print(_ops(env, "create-admin", admin_handle, stdin=password).strip())
        if not os.environ.get("ADMIN_PASSWORD"):
            print(f"  admin password: {password}  (kept in .local/admin-password)")
        env["DEMO_PASSWORD"] = _generated_password("demo-password")
        print(_ops(env, "seed-demo", "--admin", admin_handle).strip())
        # osmem-server keeps nothing: rebuild the search index from the tables at every start.
        print(_ops(env, "reindex").strip())
        invite = _ops(env, "create-invite", admin_handle).strip()
        relay_log = _log_file("relay")
        with relay_log.open("wb") as out:
            relay = subprocess.Popen(
                [sys.executable, "-m", "local.relay"], cwd=ROOT, env=env,
                stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        stack.add(Service("stream relay", relay, "", relay_log))
        api = stack.add(start_api(env, api_port, stage=env["KIZUNA_STAGE"]))
        web = stack.add(start_web(api.url, _web_port(api_port)))
        print(f"\nKizuna is running at {api.url}  (OpenAPI: {api.url}/openapi.json)")
        print(f"  DynamoDB Local {ddb.url}, osmem-server {osmem.url}, logs in .local/logs/")
        print(f"  an invite from {admin_handle}: {web.url}/#/signup?code={invite}  (code {invite})")
        print(f"\n  Open {web.url}/  (member client; company dashboard: {web.url}/#/dashboard)\n")
        print("Press Ctrl-C to stop.")
        while not stopping:
            for service in stack.services:
                if service.process.poll() is not None:
                    print(f"{service.name} stopped unexpectedly (exit {service.process.returncode}); stopping.")
                    return 1
            time.sleep(0.3)
        return 0
    except StackError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        print("Stopping the local stack…")
        stack.stop()


def _generated_password(name: str) -> str:
    """A password generated once and kept in a git-ignored file, so restarts keep it."""
    path = STATE / name
    if not path.exists():
        STATE.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(12))
        path.chmod(0o600)
    return path.read_text().strip()


if __name__ == "__main__":
    if sys.argv[1:] != ["run"]:
        sys.exit("usage: python -m local.stack run")
    sys.exit(run())
