"""A test snapshot: what a user might publish, and what a runtime must survive."""
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


def _private():
    return "hidden"


class NotACommand:
    pass
