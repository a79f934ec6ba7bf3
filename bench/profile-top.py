#!/usr/bin/env python3
"""Summarises a profile of the router: where its event loops' CPU samples were.

Usage: bench/profile-top.py PROFILE [TOP]
PROFILE is an async-profiler collapsed-stack file (*.collapsed; native frames, TLS and system
calls included, which JFR does not sample), or a JFR recording (*.jfr; Java frames only).
Prints the share by area (TLS, HTTP codecs, Netty, Vert.x, Wharf, kernel), the top methods where
samples were (self), and the Wharf and Vert.x HTTP methods on the stack (inclusive).
Record with JAVA_OPTS='-agentpath:/path/libasyncProfiler.so=start,event=itimer,collapsed,file=F.collapsed'
(tools.profiler:async-profiler on Maven Central ships the library) or
JAVA_OPTS='-XX:StartFlightRecording=filename=F.jfr,settings=profile,dumponexit=true'.
"""
import collections
import json
import subprocess
import sys

AREAS = [
    ("TLS (OpenSSL engine, SslHandler, BoringSSL)", ("io.netty.handler.ssl", "io.netty.internal.tcnative", "SSL_", "ssl_",
                                                     "EVP_", "aes_", "gcm_", "CRYPTO_", "bssl::", "libnetty_tcnative")),
    ("kernel (syscalls, TCP)", ("[k]", "entry_SYSCALL", "do_syscall", "__x64_sys", "tcp_", "sock_", "epoll_")),
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
        if method.startswith(("java.", "jdk.", "sun.", "[unknown", "__", "Interpreter", "Unsafe_", "JVM_", "Java_java")):
            continue
        for name, prefixes in AREAS:
            if method.startswith(prefixes):
                return name
        return "other"
    return "JDK"


def samples(path):
    """(thread, frames innermost first, count) for each stack on an event loop."""
    if path.endswith(".collapsed") or path.endswith(".txt"):
        with open(path) as f:
            for line in f:
                stack, _, count = line.rstrip("\n").rpartition(" ")
                frames = [fr.replace("/", ".") for fr in stack.split(";")]
                # With threads=true the first frame is the thread; without, every sample counts.
                thread = frames[0] if frames and frames[0].startswith("[") else "eventloop"
                yield thread, list(reversed(frames)), int(count)
        return
    out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", "--stack-depth", "96", path],
                         check=True, capture_output=True, text=True).stdout
    for event in json.loads(out)["recording"]["events"]:
        values = event["values"]
        thread = (values.get("sampledThread") or {}).get("javaName") or ""
        frames = [(f["method"]["type"]["name"] + "." + f["method"]["name"]).replace("/", ".")
                  for f in (values.get("stackTrace") or {}).get("frames", [])]
        yield thread, frames, 1


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    self_counts = collections.Counter()
    incl_counts = collections.Counter()
    areas = collections.Counter()
    total = 0
    for thread, frames, count in samples(path):
        if "eventloop" not in thread or not frames:
            continue
        total += count
        self_counts[frames[0]] += count
        for method in set(frames):
            incl_counts[method] += count
        areas[area(frames)] += count
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
