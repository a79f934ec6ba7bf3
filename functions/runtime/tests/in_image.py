"""Checks the runtime inside the real notebook image, locked down as a function container, and times it.

Run under the Docker lock:  flock /tmp/wharf-docker.lock python3 functions/runtime/tests/in_image.py [runs]
Prints the start-to-ready times (docker run until GET /ready answers 200), the warm pool's
load times (POST /load until it answers, and until the first call answers) and how long
docker stop takes. Removes every container it starts.
"""
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME_DIR = os.path.dirname(HERE)
SNAPSHOT = os.path.join(HERE, "snapshot")
IMAGE = os.environ.get("WHARF_IMAGE", "wharf/jupyter:latest")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(name, port, snapshot_mount, env=()):
    command = ["docker", "run", "-d", "--rm", "--name", name, "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL",
               "--security-opt", "no-new-privileges", "--memory", "256m", "--pids-limit", "64",
               "-v", RUNTIME_DIR + ":/runtime:ro", "-v", snapshot_mount, "-p", "127.0.0.1:%d:8000" % port]
    for e in env:
        command += ["-e", e]
    subprocess.run(command + [IMAGE, "python3", "/runtime/wharf_runtime.py"], check=True, stdout=subprocess.DEVNULL)


def request(port, method, path, body=None, timeout=5):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=None if body is None else json.dumps(body).encode(),
                     headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"null")
    finally:
        conn.close()


def wait_status(port, status, deadline=20):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            if request(port, "GET", "/ready", timeout=1)[0] == status:
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.002)
    raise AssertionError("no %d from /ready within %ds" % (status, deadline))


def remove(name):
    subprocess.run(["docker", "rm", "-f", name], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def check_calls(port):
    assert request(port, "POST", "/invoke/mean", {"kwargs": {"xs": [1, 2, 3]}}) == (200, {"result": 2.0})
    assert request(port, "POST", "/invoke/fib", {"args": ["20"]}) == (200, {"result": 6765})
    assert request(port, "POST", "/invoke/twice", {"args": [4]}) == (200, {"result": 8})
    status, body = request(port, "POST", "/invoke/fail", {"args": ["x"]})
    assert (status, body["error"]["type"]) == (500, "ValueError"), body
    assert request(port, "GET", "/describe")[0] == 200
    first = request(port, "POST", "/invoke/count", {"call_id": "c1"})
    assert first[0] == 200 and request(port, "POST", "/invoke/count", {"call_id": "c1"}) == first, "one run per call_id"


def timed_stop(name):
    """docker stop (SIGTERM, then SIGKILL after 10 s): how long the runtime takes to exit."""
    started = time.monotonic()
    subprocess.run(["docker", "stop", "-t", "10", name], check=True, stdout=subprocess.DEVNULL)
    return (time.monotonic() - started) * 1000


def main():
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    prefix = "wharf-fnrt-%d-" % os.getpid()
    cold, load, first, stops = [], [], [], []
    try:
        for i in range(runs):
            name, port = prefix + "cold%d" % i, free_port()
            started = time.monotonic()
            run(name, port, SNAPSHOT + ":/snapshot:ro")
            wait_status(port, 200)
            cold.append((time.monotonic() - started) * 1000)
            if i == 0:
                check_calls(port)
            stops.append(timed_stop(name))
            remove(name)
        for i in range(runs):
            name, port = prefix + "warm%d" % i, free_port()
            run(name, port, SNAPSHOT + ":/snapshots/abc123:ro", env=["WHARF_SNAPSHOT_DIR="])
            wait_status(port, 503)
            started = time.monotonic()
            status, _ = request(port, "POST", "/load", {"dir": "/snapshots/abc123"})
            assert status == 200
            load.append((time.monotonic() - started) * 1000)
            assert request(port, "POST", "/invoke/mean", {"kwargs": {"xs": [2, 4]}}) == (200, {"result": 3.0})
            first.append((time.monotonic() - started) * 1000)
            if i == 0:
                check_calls(port)
            remove(name)
    finally:
        for i in range(runs):
            remove(prefix + "cold%d" % i)
            remove(prefix + "warm%d" % i)
    report("start to ready (docker run until /ready is 200)", cold)
    report("warm pool: POST /load", load)
    report("warm pool: POST /load until the first call answers", first)
    report("docker stop (SIGTERM) until the container exited", stops)


def report(what, values):
    values = sorted(values)
    print("%s: p50 %.1f ms, min %.1f, max %.1f (n=%d)" % (what, statistics.median(values), values[0], values[-1],
                                                          len(values)))


if __name__ == "__main__":
    main()
