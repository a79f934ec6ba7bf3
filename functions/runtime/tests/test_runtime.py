"""The runtime as the router sees it: a real process on a free loopback port, spoken to over HTTP."""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
RUNTIME = os.path.join(os.path.dirname(HERE), "wharf_runtime.py")


class Runtime:
    """One runtime process; the port is the one it prints once it listens."""

    def __init__(self, snapshot_dir, socket_path=""):
        env = dict(os.environ, WHARF_RUNTIME_PORT="0", WHARF_RUNTIME_HOST="127.0.0.1",
                   WHARF_SNAPSHOT_DIR=snapshot_dir, WHARF_RUNTIME_MAX_BODY="4096", WHARF_RUNTIME_SOCKET=socket_path)
        self.process = subprocess.Popen([sys.executable, RUNTIME], env=env, stdout=subprocess.PIPE,
                                        stderr=subprocess.PIPE, text=True)
        line = self.process.stdout.readline()
        if not line.startswith("wharf-runtime: listening on"):
            self.process.kill()
            raise AssertionError("runtime did not start: %r %s" % (line, self.process.stderr.read()))
        self.port = int(line.rsplit(":", 1)[1])
        self.stderr = []
        self.reader = threading.Thread(target=lambda: self.stderr.extend(self.process.stderr), daemon=True)
        self.reader.start()

    def connect(self):
        return http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)

    def request(self, method, path, body=None, connection=None):
        conn = connection or self.connect()
        data = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        headers = {} if data is None else {"Content-Type": "application/json"}
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        if connection is None:
            conn.close()
        return response.status, json.loads(raw) if raw else None

    def invoke(self, command, args=None, kwargs=None):
        return self.request("POST", "/invoke/" + command, {"args": args or [], "kwargs": kwargs or {}})

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(5)
        finally:
            if self.process.poll() is None:  # never leave a runtime behind, even when the test fails
                self.process.kill()
                self.process.wait(5)
        self.reader.join(5)
        self.process.stdout.close()
        self.process.stderr.close()


def raw_exchange(port, data):
    """Sends bytes as they are and returns the status line the runtime answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        return sock.recv(65536).decode("latin-1").split("\r\n", 1)[0]


class LoadedRuntimeTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.rt = Runtime(os.path.join(HERE, "snapshot"))

    @classmethod
    def tearDownClass(cls):
        cls.rt.stop()

    def test_ready_once_the_snapshot_is_imported(self):
        self.assertEqual(self.rt.request("GET", "/ready"), (200, {"ready": True}))

    def test_keyword_arguments_from_a_json_body(self):
        self.assertEqual(self.rt.invoke("mean", kwargs={"xs": [1, 2, 3]}), (200, {"result": 2.0}))

    def test_positional_string_arguments(self):
        self.assertEqual(self.rt.invoke("fib", args=["20"]), (200, {"result": 6765}))

    def test_an_empty_body_calls_without_arguments(self):
        self.assertEqual(self.rt.request("POST", "/invoke/nap", b""), (200, {"result": 0.2}))

    def test_the_snapshot_imports_its_siblings(self):
        self.assertEqual(self.rt.invoke("twice", args=[21]), (200, {"result": 42}))

    def test_describe_lists_public_functions_of_main_only(self):
        status, body = self.rt.request("GET", "/describe")
        self.assertEqual(status, 200)
        names = [c["name"] for c in body["commands"]]
        self.assertEqual(names, sorted(["mean", "fib", "greet", "twice", "spread", "fail", "opaque",
                                        "not_a_number", "stopper", "nap", "default_object", "count", "flaky"]))

    def test_describe_gives_parameters_types_defaults_and_docs(self):
        commands = {c["name"]: c for c in self.rt.request("GET", "/describe")[1]["commands"]}
        self.assertEqual(commands["mean"], {
            "name": "mean", "doc": "The arithmetic mean of xs.", "returns": "number",
            "parameters": [{"name": "xs", "kind": "positional", "positional_only": False, "required": True,
                            "type": "array"}]})
        greet = commands["greet"]["parameters"]
        self.assertEqual([(p["name"], p["kind"], p["type"], p["required"]) for p in greet],
                         [("name", "positional", "string", True), ("punctuation", "keyword", "string", False),
                          ("times", "keyword", "integer", False)])
        self.assertEqual((greet[1]["default"], greet[2]["default"]), ("!", 1))
        spread = commands["spread"]["parameters"]
        self.assertEqual([(p["name"], p["kind"], p.get("variadic"), p["type"]) for p in spread],
                         [("first", "positional", None, None), ("rest", "var", "args", None),
                          ("options", "var", "kwargs", "object")])
        self.assertNotIn("default", commands["default_object"]["parameters"][0], "a module is no JSON default")
        self.assertIsNone(commands["fib"]["doc"])

    def test_unknown_and_private_commands_are_not_found(self):
        for command in ["nope", "_private", "NotACommand", "double", "time"]:
            status, body = self.rt.invoke(command)
            self.assertEqual(status, 404, command)
            self.assertEqual(body["error"]["type"], "NotFound")

    def test_arguments_that_do_not_bind_are_refused_before_the_call(self):
        status, body = self.rt.invoke("mean", args=[[1]], kwargs={"xs": [2]})
        self.assertEqual(status, 400)
        self.assertEqual(body["error"]["type"], "TypeError")
        self.assertIn("xs", body["error"]["message"])
        self.assertEqual(self.rt.invoke("greet", args=["a", "?"])[0], 400, "keyword-only passed positionally")

    def test_a_body_of_the_wrong_shape_is_refused(self):
        self.assertEqual(self.rt.request("POST", "/invoke/mean", {"args": {}})[0], 400)
        self.assertEqual(self.rt.request("POST", "/invoke/mean", [1, 2])[0], 400)
        self.assertEqual(self.rt.request("POST", "/invoke/mean", b"{not json")[0], 400)

    def test_an_exception_gives_its_type_and_message_without_a_traceback(self):
        status, body = self.rt.invoke("fail", args=["bad input"])
        self.assertEqual((status, body), (500, {"error": {"type": "ValueError", "message": "bad input"}}))
        time.sleep(0.05)
        log = "".join(self.rt.stderr)
        self.assertIn('main.py", line', log, "the owner finds the user's frames in the log")
        self.assertNotIn("wharf_runtime.py", log, "and none of the runtime's")

    def test_system_exit_in_a_function_is_an_error_not_a_stop(self):
        self.assertEqual(self.rt.invoke("stopper"), (500, {"error": {"type": "SystemExit", "message": "3"}}))
        self.assertEqual(self.rt.request("GET", "/ready")[0], 200)

    def test_a_result_that_is_not_json_is_a_clear_error(self):
        for command in ["opaque", "not_a_number"]:
            status, body = self.rt.invoke(command)
            self.assertEqual(status, 500)
            self.assertEqual(body["error"]["type"], "ResultNotSerializable")
            self.assertIn("not JSON-serialisable", body["error"]["message"])

    def test_one_connection_serves_many_requests(self):
        conn = self.rt.connect()
        try:
            for n in range(5):
                self.assertEqual(self.rt.request("POST", "/invoke/fib", {"args": [n]}, conn), (200, {"result": [0, 1, 1, 2, 3][n]}))
            self.assertEqual(self.rt.request("POST", "/invoke/nope", {}, conn)[0], 404)
            self.assertEqual(self.rt.request("GET", "/ready", None, conn)[0], 200)
        finally:
            conn.close()

    def test_calls_run_concurrently(self):
        started = time.monotonic()
        threads = [threading.Thread(target=self.rt.invoke, args=("nap",), kwargs={"args": [0.3]}) for _ in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertLess(time.monotonic() - started, 1.0)

    def test_chunked_and_unsized_bodies_are_refused(self):
        chunked = (b"POST /invoke/nap HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   b"2\r\n{}\r\n0\r\n\r\n")
        self.assertIn(" 411 ", raw_exchange(self.rt.port, chunked))
        self.assertIn(" 411 ", raw_exchange(self.rt.port, b"POST /invoke/nap HTTP/1.1\r\nHost: x\r\n\r\n"))
        self.assertIn(" 400 ", raw_exchange(self.rt.port, b"POST /invoke/nap HTTP/1.1\r\nContent-Length: -1\r\n\r\n"))

    def test_a_body_over_the_limit_is_refused_before_it_is_read(self):
        head = b"POST /invoke/mean HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n"
        self.assertIn(" 413 ", raw_exchange(self.rt.port, head))

    def test_a_second_load_is_refused(self):
        status, body = self.rt.request("POST", "/load", {"dir": os.path.join(HERE, "broken")})
        self.assertEqual((status, body["error"]["type"]), (409, "Conflict"))


class CallIdTest(unittest.TestCase):
    """An attempt repeated with the same call_id (Wharf took over an async call) runs once."""

    def setUp(self):
        self.rt = Runtime(os.path.join(HERE, "snapshot"))

    def tearDown(self):
        self.rt.stop()

    def count(self, call_id=None, delay=0):
        body = {"kwargs": {"delay": delay}}
        if call_id is not None:
            body["call_id"] = call_id
        return self.rt.request("POST", "/invoke/count", body)

    def test_a_repeated_call_id_gets_the_first_answer_without_running_again(self):
        self.assertEqual(self.count("a"), (200, {"result": 1}))
        self.assertEqual(self.count("a"), (200, {"result": 1}))
        self.assertEqual(self.count(), (200, {"result": 2}))
        self.assertEqual(self.count("b"), (200, {"result": 3}))

    def test_a_repeat_while_the_first_runs_waits_for_its_answer(self):
        answers = []
        threads = [threading.Thread(target=lambda: answers.append(self.count("slow", 0.3))) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(answers, [(200, {"result": 1})] * 3)
        self.assertEqual(self.count(), (200, {"result": 2}))

    def test_a_failed_run_is_not_remembered(self):
        body = {"call_id": "c"}
        self.assertEqual(self.rt.request("POST", "/invoke/flaky", body)[0], 500)
        self.assertEqual(self.rt.request("POST", "/invoke/flaky", body), (200, {"result": 2}))
        self.assertEqual(self.rt.request("POST", "/invoke/flaky", body), (200, {"result": 2}))

    def test_a_call_id_must_be_a_short_string(self):
        self.assertEqual(self.rt.request("POST", "/invoke/count", {"call_id": 7})[0], 400)
        self.assertEqual(self.rt.request("POST", "/invoke/count", {"call_id": "x" * 129})[0], 400)


class WarmRuntimeTest(unittest.TestCase):

    def setUp(self):
        self.rt = Runtime("")

    def tearDown(self):
        self.rt.stop()

    def test_a_generic_runtime_serves_after_loading_a_snapshot(self):
        self.assertEqual(self.rt.request("GET", "/ready")[0], 503)
        self.assertEqual(self.rt.invoke("mean", kwargs={"xs": [1]})[0], 503)
        self.assertEqual(self.rt.request("POST", "/load", {"dir": os.path.join(HERE, "snapshot")}), (200, {"ready": True}))
        self.assertEqual(self.rt.request("GET", "/ready")[0], 200)
        self.assertEqual(self.rt.invoke("mean", kwargs={"xs": [1, 3]}), (200, {"result": 2.0}))
        self.assertEqual(self.rt.request("POST", "/load", {"dir": os.path.join(HERE, "snapshot")})[0], 409)

    def test_a_snapshot_that_fails_to_import_is_a_permanent_error(self):
        status, body = self.rt.request("POST", "/load", {"dir": os.path.join(HERE, "broken")})
        expected = {"type": "RuntimeError", "message": "this snapshot fails at import"}
        self.assertEqual((status, body), (500, {"error": expected}))
        self.assertEqual(self.rt.request("GET", "/ready"), (500, {"ready": False, "error": expected}))
        self.assertEqual(self.rt.invoke("mean")[0], 500)

    def test_load_needs_a_directory(self):
        self.assertEqual(self.rt.request("POST", "/load", {"path": "x"})[0], 400)
        self.assertEqual(self.rt.request("POST", "/load", {"dir": os.path.join(HERE, "missing")})[0], 500)


class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path):
        super().__init__("localhost", timeout=5)
        self.path = path

    def connect(self):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(self.path)


class UnixSocketTest(unittest.TestCase):

    def test_the_same_protocol_on_a_unix_socket_only_for_its_owner(self):
        with tempfile.TemporaryDirectory() as directory:
            path = os.path.join(directory, "rt")
            open(path, "w").close()  # a leftover of an earlier run is replaced
            rt = Runtime(os.path.join(HERE, "snapshot"), path)
            conn = UnixConnection(path)
            try:
                self.assertEqual(os.stat(path).st_mode & 0o777, 0o600)
                deadline = time.monotonic() + 5
                while rt.request("GET", "/ready", connection=conn)[0] != 200 and time.monotonic() < deadline:
                    time.sleep(0.02)
                self.assertEqual(rt.request("GET", "/ready", connection=conn), (200, {"ready": True}))
                for _ in range(3):  # keep-alive, as on the port
                    self.assertEqual(rt.request("POST", "/invoke/fib", {"args": ["20"]}, connection=conn),
                                     (200, {"result": 6765}))
                self.assertEqual(rt.request("POST", "/invoke/nope", {}, connection=conn)[0], 404)
                self.assertEqual(rt.invoke("mean", kwargs={"xs": [1, 2, 3]}), (200, {"result": 2.0}))
                self.assertEqual(rt.stderr, [])
            finally:
                conn.close()
                rt.stop()


class StopTest(unittest.TestCase):

    def test_sigterm_stops_the_runtime_at_once(self):
        rt = Runtime(os.path.join(HERE, "snapshot"))
        started = time.monotonic()
        rt.stop()
        self.assertLess(time.monotonic() - started, 2)
        self.assertEqual(rt.process.returncode, 0)


if __name__ == "__main__":
    unittest.main()
