"""A test snapshot: what a user might publish, and what a runtime must survive."""
import threading
import time

from helper import double


def mean(xs: list) -> float:
    """The arithmetic mean of xs."""
    return sum(xs) / len(xs)


def fib(n):
    n = int(n)
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def greet(name: str, *, punctuation: str = "!", times: int = 1):
    return ("hello " + name + punctuation) * times


def twice(x: int) -> int:
    return double(x)


def spread(first, *rest, **options: dict):
    return {"first": first, "rest": list(rest), "options": options}


def fail(message: str):
    raise ValueError(message)


def opaque():
    return object()


def not_a_number():
    return float("nan")


def stopper():
    raise SystemExit(3)


def nap(seconds: float = 0.2):
    time.sleep(seconds)
    return seconds


def default_object(when=time):
    return "ok"


_counted = {"n": 0, "flaky": 0}
_lock = threading.Lock()


def count(delay: float = 0):
    """A side effect: how many times it ran."""
    time.sleep(delay)
    with _lock:
        _counted["n"] += 1
        return _counted["n"]


def flaky():
    """Fails on its first run only."""
    _counted["flaky"] += 1
    if _counted["flaky"] == 1:
        raise RuntimeError("first run")
    return _counted["flaky"]


def _private():
    return "hidden"


class NotACommand:
    pass
