"""Wharf's Python function runtime: serves the public functions of a snapshot's main.py over HTTP.

Runs inside a function container with the notebook image's python3 and only its standard
library. The protocol (PROTOCOL.md beside this file) is the whole contract with the router:
GET /ready, GET /describe, POST /invoke/{cmd}, and POST /load for a warm-pool container.

Environment:
  WHARF_RUNTIME_PORT   port to listen on (default 8000; 0 picks a free one and prints it)
  WHARF_RUNTIME_HOST   address to listen on (default 0.0.0.0)
  WHARF_RUNTIME_SOCKET also listen on this Unix socket, the same protocol (default: none)
  WHARF_SNAPSHOT_DIR   the snapshot to import (default /snapshot); empty: start generic and
                       wait for POST /load (the warm pool)
  WHARF_RUNTIME_MAX_BODY  largest request body in bytes (default 6 MiB)
"""

import collections
import importlib.util
import inspect
import json
import os
import signal
import socketserver
import sys
import threading
import traceback
import typing
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = int(os.environ.get("WHARF_RUNTIME_MAX_BODY", str(6 * 1024 * 1024)))

# JSON-Schema types for the annotations a caller can send as JSON; anything else has no type.
JSON_TYPES = {int: "integer", float: "number", str: "string", bool: "boolean", list: "array",
              dict: "object", tuple: "array", type(None): "null"}


class LoadError(Exception):
    """The snapshot could not be imported; permanent for this container."""


class Snapshot:
    """The user's module and the commands it offers: set once, then only read."""

    def __init__(self, directory):
        main = os.path.join(directory, "main.py")
        if not os.path.isfile(main):
            raise LoadError("no main.py in " + directory)
        # The snapshot is read-only: no __pycache__ to write. Its siblings import as top-level modules.
        sys.dont_write_bytecode = True
        sys.path.insert(0, directory)
        spec = importlib.util.spec_from_file_location("main", main)
        module = importlib.util.module_from_spec(spec)
        sys.modules["main"] = module
        spec.loader.exec_module(module)
        self.directory = directory
        self.module = module
        self.commands = {name: obj for name, obj in vars(module).items()
                         if not name.startswith("_") and inspect.isfunction(obj) and obj.__module__ == "main"}
        self.signatures = {name: inspect.signature(fn) for name, fn in self.commands.items()}

    def describe(self):
        return {"commands": [describe_function(name, fn, self.signatures[name])
                             for name, fn in sorted(self.commands.items())]}


def json_type(annotation):
    """'integer', 'array', ... for an annotation a JSON value can match, else None."""
    if annotation in JSON_TYPES:
        return JSON_TYPES[annotation]
    origin = typing.get_origin(annotation)  # list[int] -> list, dict[str, int] -> dict
    return JSON_TYPES.get(origin) if origin is not None else None


def json_value(value):
    """(True, value) when value is plain JSON, else (False, None)."""
    try:
        json.dumps(value, allow_nan=False)
        return True, value
    except (TypeError, ValueError):
        return False, None


KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: ("positional", None),
    inspect.Parameter.POSITIONAL_OR_KEYWORD: ("positional", None),
    inspect.Parameter.KEYWORD_ONLY: ("keyword", None),
    inspect.Parameter.VAR_POSITIONAL: ("var", "args"),
    inspect.Parameter.VAR_KEYWORD: ("var", "kwargs"),
}


def describe_function(name, fn, signature):
    try:
        hints = typing.get_type_hints(fn)
    except Exception:  # an unresolvable string annotation: describe without types
        hints = {}
    params = []
    for p in signature.parameters.values():
        kind, variadic = KINDS[p.kind]
        param = {"name": p.name, "kind": kind, "positional_only": p.kind == inspect.Parameter.POSITIONAL_ONLY,
                 "required": p.default is inspect.Parameter.empty and variadic is None,
                 "type": json_type(hints.get(p.name))}
        if variadic:
            param["variadic"] = variadic
        if p.default is not inspect.Parameter.empty:
            ok, value = json_value(p.default)
            if ok:
                param["default"] = value
        params.append(param)
    return {"name": name, "doc": inspect.getdoc(fn), "parameters": params,
            "returns": json_type(hints.get("return"))}


class Runtime:
    """The state the handlers share: at most one snapshot, loaded once."""

    def __init__(self):
        self.lock = threading.Lock()
        self.snapshot = None
        self.load_error = None
        self.calls = CallMemory()

    def load(self, directory):
        """Imports the snapshot; False when one was already loaded (or failed to)."""
        with self.lock:
            if self.snapshot is not None or self.load_error is not None:
                return False
            try:
                self.snapshot = Snapshot(directory)
            except BaseException as e:  # the user's module may raise anything, SystemExit included
                self.load_error = error_of(e)
                traceback.print_exc()
            return True


def error_of(exception):
    return {"type": type(exception).__name__, "message": str(exception)}


def encoded(status, type_, message):
    return status, json.dumps({"error": {"type": type_, "message": message}}).encode()


def run_command(snapshot, command, body):
    """Runs one call of a command: (HTTP status, JSON body bytes)."""
    fn = snapshot.commands.get(command)
    if fn is None:
        return encoded(404, "NotFound", "no command '%s'" % command)
    body = {} if body is None else body
    args, kwargs = (body.get("args", []), body.get("kwargs", {})) if isinstance(body, dict) else (None, None)
    if not isinstance(args, list) or not isinstance(kwargs, dict):
        return encoded(400, "BadRequest", 'the body must be {"args": [...], "kwargs": {...}}')
    try:
        snapshot.signatures[command].bind(*args, **kwargs)
    except TypeError as e:
        return encoded(400, "TypeError", str(e))
    try:
        result = fn(*args, **kwargs)
    except BaseException as e:  # SystemExit and KeyboardInterrupt from user code are its errors too
        # The user's frames only (the owner reads them in the container's log); callers get type and message.
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        return 500, json.dumps({"error": error_of(e)}).encode()
    try:
        return 200, json.dumps({"result": result}, allow_nan=False).encode()
    except (TypeError, ValueError) as e:
        return encoded(500, "ResultNotSerializable", "the result of %s is not JSON-serialisable: %s" % (command, e))


class CallMemory:
    """Runs each call_id once while this process lives: a repeated attempt gets the first one's answer.

    Wharf retries an async call whose instance stopped while the call ran here; the call may have
    finished (its side effects done) without Wharf hearing it. A repeat waits for the first run and
    gets its answer. A 5xx answer is forgotten once given, so a retry after a failure runs again.
    The last REMEMBER answers are kept.
    """

    REMEMBER = int(os.environ.get("WHARF_RUNTIME_REMEMBER", "1000"))

    def __init__(self):
        self.lock = threading.Lock()
        self.runs = collections.OrderedDict()  # call_id -> [threading.Event, answer]

    def run(self, call_id, work):
        with self.lock:
            entry = self.runs.get(call_id)
            first = entry is None
            if first:
                entry = self.runs[call_id] = [threading.Event(), None]
        if not first:
            entry[0].wait()
            return entry[1]
        try:
            entry[1] = work()
        finally:
            if entry[1] is None:
                entry[1] = encoded(500, "RuntimeError", "the call did not complete")
            with self.lock:
                if entry[1][0] >= 500:
                    self.runs.pop(call_id, None)
                while len(self.runs) > self.REMEMBER and next(iter(self.runs.values()))[0].is_set():
                    self.runs.popitem(last=False)
            entry[0].set()
        return entry[1]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: the router reuses its connections
    disable_nagle_algorithm = True
    server_version = "wharf-runtime"
    sys_version = ""
    runtime = None  # set by serve()

    def log_message(self, format, *args):  # no access log: the router keeps one
        pass

    def reply(self, status, payload, close=False):
        self.reply_bytes(status, json.dumps(payload).encode(), close)

    def reply_bytes(self, status, body, close=False):
        head = "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n" % (
            status, self.responses.get(status, ("",))[0], len(body), "Connection: close\r\n" if close else "")
        # One write for head and body, so no small packet waits for a delayed ACK.
        self.wfile.write(head.encode("latin-1") + body)
        if close:
            self.close_connection = True

    def fail(self, status, type_, message, close=False):
        self.reply(status, {"error": {"type": type_, "message": message}}, close)

    def read_body(self):
        """The request body as JSON (None for an empty one), or replies and returns Ellipsis."""
        if "Transfer-Encoding" in self.headers:
            # Chunked or ambiguous framing: refuse, and do not read on from this connection.
            self.fail(411, "LengthRequired", "send the body with a Content-Length", close=True)
            return ...
        length = self.headers.get("Content-Length")
        if length is None:
            self.fail(411, "LengthRequired", "a Content-Length is required", close=True)
            return ...
        if not length.isdigit():
            self.fail(400, "BadRequest", "invalid Content-Length", close=True)
            return ...
        length = int(length)
        if length > MAX_BODY:
            self.fail(413, "PayloadTooLarge", "the body is over %d bytes" % MAX_BODY, close=True)
            return ...
        raw = self.rfile.read(length) if length else b""
        if len(raw) < length:
            self.close_connection = True
            return ...
        if not raw.strip():
            return None
        try:
            return json.loads(raw)
        except ValueError as e:
            self.fail(400, "BadRequest", "the body is not JSON: %s" % e)
            return ...

    def do_GET(self):
        rt = self.runtime
        if "Transfer-Encoding" in self.headers or self.headers.get("Content-Length", "0") != "0":
            self.close_connection = True  # a body on a GET is not read: the connection cannot be reused
        if self.path == "/ready":
            if rt.snapshot is not None:
                self.reply(200, {"ready": True})
            elif rt.load_error is not None:
                self.reply(500, {"ready": False, "error": rt.load_error})
            else:
                self.reply(503, {"ready": False})
        elif self.path == "/describe":
            if rt.snapshot is None:
                self.not_loaded()
            else:
                self.reply(200, rt.snapshot.describe())
        else:
            self.fail(404, "NotFound", "no such path: " + self.path)

    def do_POST(self):
        body = self.read_body()
        if body is ...:
            return
        if self.path.startswith("/invoke/"):
            self.invoke(self.path[len("/invoke/"):], body)
        elif self.path == "/load":
            self.load(body)
        else:
            self.fail(404, "NotFound", "no such path: " + self.path)

    def not_loaded(self):
        rt = self.runtime
        if rt.load_error is not None:
            self.reply(500, {"error": rt.load_error})
        else:
            self.fail(503, "NotReady", "no snapshot is loaded yet")

    def load(self, body):
        directory = body.get("dir") if isinstance(body, dict) else None
        if not isinstance(directory, str) or not directory:
            self.fail(400, "BadRequest", 'the body must be {"dir": "<snapshot directory>"}')
            return
        if not self.runtime.load(directory):
            self.fail(409, "Conflict", "this runtime has already loaded a snapshot")
            return
        if self.runtime.snapshot is None:
            self.reply(500, {"error": self.runtime.load_error})
        else:
            self.reply(200, {"ready": True})

    def invoke(self, command, body):
        if self.runtime.snapshot is None:
            self.not_loaded()
            return
        call_id = body.get("call_id") if isinstance(body, dict) else None
        if call_id is None:
            self.reply_bytes(*run_command(self.runtime.snapshot, command, body))
        elif not isinstance(call_id, str) or not 0 < len(call_id) <= 128:
            self.fail(400, "BadRequest", "call_id must be a string of 1 to 128 characters")
        else:
            self.reply_bytes(*self.runtime.calls.run(call_id, lambda: run_command(self.runtime.snapshot, command, body)))

    do_PUT = do_DELETE = do_PATCH = lambda self: self.fail(405, "MethodNotAllowed", "use GET or POST", close=True)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # A caller that went away (its timeout, or its process stopped) is no error of the runtime's.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class UnixHandler(Handler):
    disable_nagle_algorithm = False  # no TCP here


class UnixServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    """The same protocol on a Unix socket, for a router on the container's host: no port relay, no TCP."""
    daemon_threads = True
    request_queue_size = 128
    handle_error = Server.handle_error

    def server_bind(self):
        if os.path.exists(self.server_address):
            os.unlink(self.server_address)
        super().server_bind()
        os.chmod(self.server_address, 0o600)


def stop_now(*_):
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


def serve():
    runtime = Runtime()
    Handler.runtime = runtime
    host = os.environ.get("WHARF_RUNTIME_HOST", "0.0.0.0")
    server = Server((host, int(os.environ.get("WHARF_RUNTIME_PORT", "8000"))), Handler)
    path = os.environ.get("WHARF_RUNTIME_SOCKET", "")
    if path:
        # Bound before the snapshot loads, so it is there once /ready answers on the port.
        unix = UnixServer(path, UnixHandler)
        threading.Thread(target=unix.serve_forever, name="unix-socket", daemon=True).start()
    # Docker stops a container with SIGTERM, which PID 1 would otherwise ignore. Exit at once, from
    # whatever runs (an exception could be caught by the user's code, or by the load of it).
    signal.signal(signal.SIGTERM, stop_now)
    print("wharf-runtime: listening on %s:%d" % (host, server.server_address[1]), flush=True)
    if path:
        print("wharf-runtime: and on the Unix socket " + path, flush=True)
    directory = os.environ.get("WHARF_SNAPSHOT_DIR", "/snapshot")
    if directory:
        runtime.load(directory)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    serve()
