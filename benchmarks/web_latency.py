"""p95 latency of the project page and the process-map API, 20 concurrent clients.

Builds a workspace with a 1M-event demo log (imported and diagnosed once),
serves it with ``opexflow serve`` in its own process, and sends requests
from 20 client threads on loopback. Run for SQLite (default) and PostgreSQL::

    .venv/bin/python benchmarks/web_latency.py
    .venv/bin/python benchmarks/web_latency.py --database postgresql://postgres@127.0.0.1:5432/test

Target (issue 3): p95 <= 300 ms for both pages on both databases.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "bench-pass-1"


def build(data_dir: Path, database: str | None, events: int) -> tuple[int, int]:
    """A workspace with one project and one diagnosed log; returns (project id, log id)."""
    from opexflow.demo import write_demo_logs
    from opexflow.settings import Settings
    from opexflow.workspace.db import open_database, upgrade
    from opexflow.workspace.diagnosis import attach_and_diagnose
    from opexflow.workspace.processes import create_process
    from opexflow.workspace.projects import create_project
    from opexflow.workspace.users import Role, create_user

    settings = Settings(data_dir=data_dir, database_url=database)
    db = open_database(settings=settings)
    upgrade(db)
    logs = write_demo_logs(data_dir / "demo", events=events, formats=("parquet",))
    with db.session() as s:
        admin = create_user(s, username="admin", password=PASSWORD, role=Role.admin)
        process = create_process(s, actor=admin, code="YH-LC01", name="用户注册激活流程")
        project = create_project(
            s,
            actor=admin,
            name="激活提效",
            process_id=process.id,
            trigger="low_efficiency",
            started_on=date(2024, 3, 1),
        )
        record = attach_and_diagnose(
            s, actor=admin, process=process, path=logs["activation_before"], data_dir=data_dir
        )
        ids = project.id, record.id
    db.dispose()
    return ids


def own_schema(url: str) -> str:
    """A fresh schema ``bench_web`` on the server, so nothing else is touched."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS bench_web CASCADE"))
        conn.execute(text("CREATE SCHEMA bench_web"))
    engine.dispose()
    return f"{url}?options=-csearch_path%3Dbench_web"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def client(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    body = json.dumps({"username": "admin", "password": PASSWORD}).encode()
    request = urllib.request.Request(
        f"{base}/api/v1/auth/login", body, {"Content-Type": "application/json"}
    )
    opener.open(request).read()
    return opener


def timed(opener: urllib.request.OpenerDirector, url: str) -> float:
    start = time.perf_counter()
    with opener.open(url) as response:
        response.read()
        assert response.status == 200, (url, response.status)
    return time.perf_counter() - start


def load(base: str, urls: dict[str, str], clients: int, per_client: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {name: [] for name in urls}
    lock = threading.Lock()

    def work() -> None:
        opener = client(base)
        for i in range(per_client):
            name = list(urls)[i % len(urls)]
            took = timed(opener, base + urls[name])
            with lock:
                times[name].append(took)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100)[94]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--database", help="PostgreSQL URL; SQLite in the data directory when omitted"
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=50, help="requests per client")
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp(prefix="opexflow-web-bench-"))
    if args.database:
        args.database = own_schema(args.database)
    t0 = time.perf_counter()
    project_id, log_id = build(data_dir, args.database, args.events)
    print(f"workspace built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    port = free_port()
    env = dict(os.environ, OPEXFLOW_DATA_DIR=str(data_dir), OPEXFLOW_WEB_SECRET_KEY="b" * 48)
    if args.database:
        env["OPEXFLOW_DATABASE_URL"] = args.database
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/opexflow"), "serve", "--port", str(port)], env=env
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/login").read()
                break
            except OSError:
                time.sleep(0.1)
        urls = {
            "project page": f"/projects/{project_id}",
            "process-map API": f"/api/v1/logs/{log_id}/map",
        }
        warm = client(base)
        for url in urls.values():
            timed(warm, base + url)  # the first map request diagnoses; later ones read the cache
        times = load(base, urls, args.clients, args.requests)
    finally:
        server.terminate()
        server.wait(timeout=10)
    database = "PostgreSQL" if args.database else "SQLite"
    result = {
        name: {
            "p50_ms": statistics.median(v) * 1000,
            "p95_ms": p95(v) * 1000,
            "max_ms": max(v) * 1000,
            "n": len(v),
        }
        for name, v in times.items()
    }
    print(
        json.dumps(
            {
                "database": database,
                "events": args.events,
                "clients": args.clients,
                "results": result,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
