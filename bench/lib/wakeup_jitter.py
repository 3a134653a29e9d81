#!/usr/bin/env python3
"""How late a thread that sleeps 1 ms wakes up on this machine, for SECONDS (argument).

Run next to a latency benchmark: every process on the box (service, PostgreSQL, load generator)
waits for the same scheduler, so this is the floor under any latency tail measured meanwhile.
"""
import sys
import time

seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 15.0
late_ms = []
end = time.monotonic() + seconds
while True:
    before = time.monotonic()
    time.sleep(0.001)
    after = time.monotonic()
    if after > end:
        break
    late_ms.append((after - before) * 1000 - 1.0)
late_ms.sort()
n = len(late_ms)
pick = lambda q: late_ms[min(n - 1, int(n * q))]
print(f"  wake-up delay of a sleeping thread meanwhile: p50 {pick(0.5):.2f}  p99 {pick(0.99):.2f}  "
      f"p99.9 {pick(0.999):.2f}  max {late_ms[-1]:.2f} ms  ({sum(1 for v in late_ms if v > 10)} wake-ups > 10 ms of {n})")
