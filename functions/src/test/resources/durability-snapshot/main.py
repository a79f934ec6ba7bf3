"""The function of the async durability test: a side effect (a line per run) between two naps."""
import os
import time


def record(n: int):
    time.sleep(0.05)
    with open(os.environ["WHARF_TEST_SIDE_EFFECTS"], "a") as effects:
        effects.write("%d\n" % n)
    time.sleep(0.05)
    return n
