#!/usr/bin/env python3
"""Prints the tables of docs/performance.md from a JMH result file (default target/jmh-result.json).

Throughput ratios use the MEDIAN of each benchmark's measurement iterations: on a shared machine one iteration
that lost the CPU to a neighbour moves the mean (and JMH's error bar) far more than the median.
"""
import json
import statistics
import sys

TARGET_MEDIAN_US, TARGET_P99_US = 2.0, 20.0
results = json.load(open(sys.argv[1] if len(sys.argv) > 1 else "target/jmh-result.json"))


def name(r):
    return r["benchmark"].rsplit(".", 1)[-1]


def alloc(r):
    return r["secondaryMetrics"].get("gc.alloc.rate.norm", {}).get("score")


inject = {}
for r in results:
    if "SnippetInjectionBenchmark" in r["benchmark"]:
        p = r["params"]
        ops = statistics.median(x for it in r["primaryMetric"]["rawData"] for x in it)
        inject[(int(p["pageBytes"]), int(p["chunkBytes"]), name(r))] = (ops, alloc(r), r["primaryMetric"]["rawData"][0])

if inject:
    print("| page | chunk | injector MB/s | pass-through MB/s | throughput ratio | injector B/response | pass-through B/response | extra B/response |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for size in sorted({k[0] for k in inject}):
        for chunk in sorted({k[1] for k in inject}):
            i, p = inject.get((size, chunk, "injector")), inject.get((size, chunk, "passThrough"))
            if not i or not p:
                continue
            mbs = lambda ops: ops * size / 1e6
            label = f"{size // 1024} KB" if size < 1 << 20 else f"{size >> 20} MB"
            print(f"| {label} | {chunk} B | {mbs(i[0]):,.0f} | {mbs(p[0]):,.0f} | {i[0] / p[0]:.2f} | "
                  f"{i[1]:,.0f} | {p[1]:,.0f} | {i[1] - p[1]:,.0f} |")
    print()

capture = {name(r): r for r in results if "CaptureBenchmark" in r["benchmark"]}
if capture:
    off = capture.get("disabled")
    print("| capture | median µs | p99 µs | p99.9 µs | median / disabled | p99 / disabled | B/call | target median ≤ 2 µs, p99 ≤ 20 µs |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for n in ("disabled", "enabledBacklogNotFull", "enabledBacklogFull"):
        r = capture.get(n)
        if not r:
            continue
        pc = r["primaryMetric"]["scorePercentiles"]
        med, p99, p999 = pc["50.0"], pc["99.0"], pc["99.9"]
        ok = "met" if med <= TARGET_MEDIAN_US and p99 <= TARGET_P99_US else "MISSED"
        ratio = (lambda a, b: f"{a / b:.1f}") if off else (lambda a, b: "-")
        base = off["primaryMetric"]["scorePercentiles"] if off else {}
        print(f"| {n} | {med:.3f} | {p99:.3f} | {p999:.1f} | {ratio(med, base.get('50.0', 1))} | "
              f"{ratio(p99, base.get('99.0', 1))} | {alloc(r):,.0f} | {ok} |")
