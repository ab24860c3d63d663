#!/usr/bin/env python3
"""End to end against real servers, as a user would run them.

Starts two instances of the full demo (`target/debug/examples/full_stack`, the second with a
platform that always fails), a real Prometheus scraping both with the generated rules, and a
real Alertmanager. Then, through their HTTP APIs, it checks that:

- both targets are up;
- every recording rule produces series, and every dashboard panel query returns data;
- the live page (`/metrics/live`), loaded in headless Chromium with the metrics token as a
  browser sends it, draws the numbers the service reports (scripts/check_live_page.mjs);
- HighErrorRate fires from the failing instance's traffic;
- ServiceDown fires when an instance is killed;
- Alertmanager receives both.

The rules are the committed ones with their `for:` durations cut to 5 s, so the run takes
well under a minute. A missing binary fails the run with the command that installs it.
"""

import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEMO = os.path.join(ROOT, "target", "debug", "examples", "full_stack")
# The demos require it on their metrics endpoints; Prometheus and the browser present it.
TOKEN = "e2e-metrics-token"
PLAYWRIGHT = os.path.join(ROOT, "target", "test-tools", "playwright")
PLAYWRIGHT_PACKAGE = "playwright-core@1.65.1"
PROCESSES = []
STOPS = []


def fail(message):
    print(f"e2e: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def need(binary, package):
    path = shutil.which(binary)
    if path is None:
        fail(f"{binary} is missing: apt-get install {package} (scripts/test.sh does it as root)")
    return path


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name, command, env=None, log_dir=None):
    log = open(os.path.join(log_dir, f"{name}.log"), "w")
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    PROCESSES.append((name, process))
    return process


def get(url):
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read()


def get_json(url):
    return json.loads(get(url))


def wait(what, check, timeout=90, explain=None):
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            result = check()
            if result:
                return result
        except (urllib.error.URLError, ConnectionError, OSError, ValueError) as err:
            last = err
        time.sleep(0.5)
    context = f"; state: {json.dumps(explain())[:3000]}" if explain else ""
    fail(f"timed out waiting for {what} (last error: {last}){context}")


def query(prometheus, expression):
    url = f"{prometheus}/api/v1/query?query={urllib.parse.quote(expression)}"
    body = get_json(url)
    if body.get("status") != "success":
        fail(f"query {expression!r} failed: {body}")
    return body["data"]["result"]


def firing(prometheus, alertname, **labels):
    alerts = get_json(f"{prometheus}/api/v1/alerts")["data"]["alerts"]
    return [
        alert
        for alert in alerts
        if alert["labels"].get("alertname") == alertname
        and alert["state"] == "firing"
        and all(alert["labels"].get(key) == value for key, value in labels.items())
    ]


def request(url, method="GET", body=None, timeout=5):
    data = body.encode() if body is not None else None
    headers = {"content-type": "application/json"} if body is not None else {}
    with urllib.request.urlopen(
        urllib.request.Request(url, data=data, headers=headers, method=method), timeout=timeout
    ) as response:
        return response.read()


def traffic(calls, stop):
    """Requests every few milliseconds until `stop`: Prometheus sees counters grow between
    scrapes, which a burst before the first scrape would not show (`rate` starts from the
    first value it sees)."""
    while not stop.is_set():
        for call in calls:
            try:
                request(*call)
            except (urllib.error.URLError, ConnectionError, OSError, TimeoutError):
                pass  # 500, 502 are recorded; a killed instance refuses; a timeout cancels
        time.sleep(0.02)


def websockets(address, stop):
    """A WebSocket opened on the full demo's echo and closed by the client, again and again:
    streams, recorded apart from the requests. A raw handshake: no client library needed."""
    host, port = address.split(":")
    while not stop.is_set():
        try:
            with socket.create_connection((host, int(port)), timeout=2) as sock:
                key = base64.b64encode(os.urandom(16)).decode()
                sock.sendall(
                    f"GET /ws HTTP/1.1\r\nHost: {address}\r\nUpgrade: websocket\r\n"
                    f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                    "Sec-WebSocket-Version: 13\r\n\r\n".encode()
                )
                if not sock.recv(1024).startswith(b"HTTP/1.1 101"):
                    fail("the full demo refused a WebSocket upgrade on /ws")
                time.sleep(0.2)
        except (ConnectionError, OSError, TimeoutError):
            pass
        time.sleep(0.3)


def check_live_page(url):
    """The live page in headless Chromium, driven by playwright-core (installed under
    target/test-tools on first use); the screenshot is kept in target/live-page.png."""
    chromium = os.environ.get("CHROMIUM") or need("chromium", "chromium")
    need("node", "nodejs npm")
    if not os.path.exists(os.path.join(PLAYWRIGHT, "node_modules", "playwright-core")):
        os.makedirs(PLAYWRIGHT, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", PLAYWRIGHT,
             PLAYWRIGHT_PACKAGE],
            check=True,
        )
    result = subprocess.run(
        ["node", os.path.join(ROOT, "scripts", "check_live_page.mjs"), url, TOKEN,
         os.path.join(ROOT, "target", "live-page.png")],
        env=dict(os.environ, PLAYWRIGHT_DIR=PLAYWRIGHT, CHROMIUM=chromium),
        capture_output=True, text=True, timeout=180,
    )
    if result.returncode != 0:
        fail(f"the live page:\n{result.stdout}{result.stderr}")
    print(f"e2e: {result.stdout.strip()}")


def main():
    prometheus_bin = need("prometheus", "prometheus")
    alertmanager_bin = need("prometheus-alertmanager", "prometheus-alertmanager")
    if not os.access(DEMO, os.X_OK):
        fail(f"{DEMO} is missing: cargo build --features reqwest --example full_stack")

    work = tempfile.mkdtemp(prefix="tower-monitoring-e2e-")
    try:
        # The committed rules, with every `for:` cut to 5 s.
        rules = []
        for name in ["recording_rules.yml", "alert_rules.yml"]:
            with open(os.path.join(ROOT, "alerts", name)) as source:
                text = re.sub(r"for: \d+m", "for: 5s", source.read())
            path = os.path.join(work, name)
            with open(path, "w") as target:
                target.write(text)
            rules.append(path)

        demo_a, demo_b = free_port(), free_port()
        prometheus_port, alertmanager_port = free_port(), free_port()
        for name, port, failure_rate in [("demo-a", demo_a, "0"), ("demo-b", demo_b, "1")]:
            env = dict(
                os.environ,
                HOST="127.0.0.1",
                PORT=str(port),
                PLATFORM_FAILURE_RATE=failure_rate,
                PLATFORM_LATENCY_MS="1",
                RUST_LOG="warn",
                MONITORING_METRICS_TOKEN=TOKEN,
            )
            env.pop("OTEL_EXPORTER_OTLP_ENDPOINT", None)
            start(name, [DEMO], env=env, log_dir=work)

        with open(os.path.join(work, "alertmanager.yml"), "w") as config:
            config.write("route:\n  receiver: keep\nreceivers:\n  - name: keep\n")
        start(
            "alertmanager",
            [
                alertmanager_bin,
                f"--config.file={work}/alertmanager.yml",
                f"--storage.path={work}/alertmanager",
                f"--web.listen-address=127.0.0.1:{alertmanager_port}",
                "--cluster.listen-address=",
            ],
            log_dir=work,
        )
        with open(os.path.join(work, "prometheus.yml"), "w") as config:
            config.write(
                "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                f"rule_files: [{rules[0]}, {rules[1]}]\n"
                "alerting:\n  alertmanagers:\n"
                f"    - static_configs: [{{targets: ['127.0.0.1:{alertmanager_port}']}}]\n"
                "scrape_configs:\n  - job_name: tower-monitoring\n"
                f"    authorization: {{credentials: {TOKEN}}}\n"
                f"    static_configs: [{{targets: ['127.0.0.1:{demo_a}', '127.0.0.1:{demo_b}']}}]\n"
            )
        start(
            "prometheus",
            [
                prometheus_bin,
                f"--config.file={work}/prometheus.yml",
                f"--storage.tsdb.path={work}/prometheus",
                f"--web.listen-address=127.0.0.1:{prometheus_port}",
                "--rules.alert.resend-delay=1s",
            ],
            log_dir=work,
        )
        prometheus = f"http://127.0.0.1:{prometheus_port}"
        alertmanager = f"http://127.0.0.1:{alertmanager_port}"

        wait("Prometheus to be ready", lambda: get(f"{prometheus}/-/ready"))
        wait("Alertmanager to be ready", lambda: get(f"{alertmanager}/-/ready"))

        def both_up():
            targets = get_json(f"{prometheus}/api/v1/targets")["data"]["activeTargets"]
            return len(targets) == 2 and all(t["health"] == "up" for t in targets)

        wait("both demo instances to be scraped as up", both_up)
        print("e2e: both targets up")

        # Healthy traffic on a, failing platform calls (502) on b, for the rest of the run.
        stop = threading.Event()
        a, b = f"http://127.0.0.1:{demo_a}", f"http://127.0.0.1:{demo_b}"
        calls = [
            (f"{a}/users/1",),
            (f"{a}/orders/1",),
            (f"{a}/slow?ms=5",),
            (f"{a}/error",),
            (f"{a}/users", "POST", '{"name": "e2e"}'),
            (f"{a}/tools/search", "POST", "{}"),
            (f"{a}/tools/lookup", "POST", "{}"),
            (f"{a}/workflows/checkout", "POST", "{}"),
            (f"{a}/greet/ada",),
            (f"{a}/greet/fail",),
            (f"{a}/greet/internal",),
            (f"{b}/orders/1",),
            (f"{b}/orders/2",),
        ]
        threading.Thread(target=traffic, args=(calls, stop), daemon=True).start()
        # A client that gives up: the server records the request as cancelled.
        cancel = [(f"{a}/slow?ms=2000", "GET", None, 0.1)]
        threading.Thread(target=traffic, args=(cancel, stop), daemon=True).start()
        threading.Thread(
            target=websockets, args=(f"127.0.0.1:{demo_a}", stop), daemon=True
        ).start()
        STOPS.append(stop)

        with open(rules[0]) as recording:
            records = re.findall(r"- record: (\S+)", recording.read())
        for record in records:
            # Windows longer than the run (30m, 1h, 6h) still yield a rate from what there is.
            wait(f"recording rule {record} to produce series", lambda r=record: query(prometheus, r))
        print(f"e2e: all {len(records)} recording rules produce series")

        # Every query of every dashboard panel, with Grafana's variables filled in, parses and
        # returns data.
        substitutions = {
            "$__rate_interval": "1m",
            "$__range": "5m",
            "$job": "tower-monitoring",
            "$instance": ".*",
            "$route": ".*",
        }
        expressions = []
        dashboards = os.path.join(ROOT, "dashboards")
        for name in sorted(os.listdir(dashboards)):
            if name.endswith(".json"):
                with open(os.path.join(dashboards, name)) as source:
                    board = json.load(source)
                for panel in board["panels"]:
                    for target in panel["targets"]:
                        expr = target["expr"]
                        for variable, value in substitutions.items():
                            expr = expr.replace(variable, value)
                        expressions.append((f"{name}: {panel['title']}", expr))
        pending = list(expressions)

        def all_return_data():
            pending[:] = [(title, expr) for title, expr in pending if not query(prometheus, expr)]
            return not pending

        wait(
            "every dashboard query to return data",
            all_return_data,
            explain=lambda: {"still empty": pending},
        )
        print(f"e2e: all {len(expressions)} dashboard queries return data")

        check_live_page(f"{a}/metrics/live")

        wait(
            "HighErrorRate to fire",
            lambda: firing(prometheus, "HighErrorRate", severity="critical"),
            explain=lambda: {
                "error ratio": query(prometheus, "job:http_server_error_ratio:rate5m"),
                "alerts": get_json(f"{prometheus}/api/v1/alerts")["data"]["alerts"],
            },
        )
        print("e2e: HighErrorRate fired")

        name, process = next(p for p in PROCESSES if p[0] == "demo-b")
        process.send_signal(signal.SIGKILL)
        process.wait()
        wait(
            "ServiceDown to fire for the killed instance",
            lambda: firing(prometheus, "ServiceDown", instance=f"127.0.0.1:{demo_b}"),
        )
        print("e2e: ServiceDown fired")

        def received(alertname):
            alerts = get_json(f"{alertmanager}/api/v2/alerts")
            return [a for a in alerts if a["labels"].get("alertname") == alertname]

        for alertname in ["HighErrorRate", "ServiceDown"]:
            wait(f"Alertmanager to receive {alertname}", lambda a=alertname: received(a))
        print("e2e: Alertmanager received HighErrorRate and ServiceDown")
        print("e2e: OK")
    finally:
        for stop in STOPS:
            stop.set()
        for _, process in PROCESSES:
            if process.poll() is None:
                process.terminate()
        for _, process in PROCESSES:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        if os.environ.get("E2E_KEEP"):
            print(f"e2e: logs kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
