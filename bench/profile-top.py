#!/usr/bin/env python3
"""Summarises a JFR recording's CPU samples on the router's event loops.

Usage: bench/jfr-top.py RECORDING.jfr [TOP]
Prints the methods where the event loops' samples were (self), the methods on the stack
(inclusive), and the share by area (TLS, HTTP codec, Vert.x, Wharf, ...), in percent of samples.
Record with JAVA_OPTS='-XX:StartFlightRecording=filename=F.jfr,settings=profile,dumponexit=true'.
"""
import collections
import json
import subprocess
import sys

AREAS = [
    ("TLS (OpenSSL engine, SslHandler)", ("io.netty.handler.ssl", "io.netty.internal.tcnative")),
    ("HTTP/2 codec", ("io.netty.handler.codec.http2",)),
    ("HTTP/1 codec", ("io.netty.handler.codec.http", "io.netty.handler.codec")),
    ("Netty transport and buffers", ("io.netty",)),
    ("Wharf", ("io.wharf",)),
    ("Vert.x HTTP", ("io.vertx.core.http",)),
    ("Vert.x other", ("io.vertx",)),
]


def area(frames):
    # The innermost frame outside the JDK decides (a HashMap lookup counts for its caller).
    for method in frames:
        if method.startswith(("java.", "jdk.", "sun.")):
            continue
        for name, prefixes in AREAS:
            if method.startswith(prefixes):
                return name
        return "other"
    return "JDK"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", "--stack-depth", "96", path],
                         check=True, capture_output=True, text=True).stdout
    events = json.loads(out)["recording"]["events"]
    self_counts = collections.Counter()
    incl_counts = collections.Counter()
    areas = collections.Counter()
    total = 0
    for event in events:
        values = event["values"]
        thread = (values.get("sampledThread") or {}).get("javaName") or ""
        if "eventloop" not in thread:
            continue
        frames = [f["method"]["type"]["name"] + "." + f["method"]["name"] for f in (values.get("stackTrace") or {}).get("frames", [])]
        if not frames:
            continue
        total += 1
        self_counts[frames[0]] += 1
        for method in set(frames):
            incl_counts[method] += 1
        areas[area(frames)] += 1
    print(f"{total} samples on event loops")
    print("\nby area (the innermost frame's library):")
    for name, n in areas.most_common():
        print(f"  {100.0 * n / total:5.1f}%  {name}")
    print(f"\ntop {top} self:")
    for method, n in self_counts.most_common(top):
        print(f"  {100.0 * n / total:5.1f}%  {method}")
    print(f"\ntop {top} inclusive (io.wharf and io.vertx.core.http only):")
    shown = 0
    for method, n in incl_counts.most_common():
        if method.startswith(("io.wharf", "io.vertx.core.http", "io.vertx.core.impl.future", "io.vertx.core.impl.VertxImpl")):
            print(f"  {100.0 * n / total:5.1f}%  {method}")
            shown += 1
            if shown == top:
                break


if __name__ == "__main__":
    main()
