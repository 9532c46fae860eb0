#!/usr/bin/env python3
"""How wall time would fall with the hosts of a compile farm, from measured
per-unit compile times (docs/bench.md, "Compile farms").

  bench/farm.py MODULE.wasm [--opt -O2] [--slots 2] [--hosts 1,2,4,8,16]
                [--daggercc PATH] [--out DIR]

Builds MODULE sharded with -j 1 and --no-cache under -v, keeping its C
(--emit-c), then times each unit's compile command alone (CPU time of the
compiler, from wait4) and the stages that stay on the local host (everything
else daggercc did: reading, wasm2c, splitting, the data, the link). For N
hosts of `--slots` compilers each, the wall time is that local part plus the
makespan of the units over N x slots compilers, longest unit first (what
`-j` with distcc does when every host is as fast as this one and the
network is free). CPU times throughout, so that a busy machine measures
what an unloaded farm would take. Not a test.
"""
import argparse
import os
import shlex
import subprocess
import sys
import resource

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from compile import timed  # noqa: E402


def makespan(times, slots):
    loads = [0.0] * slots
    for t in sorted(times, reverse=True):
        i = loads.index(min(loads))
        loads[i] += t
    return max(loads)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("module")
    ap.add_argument("--daggercc", default=os.path.join(
        os.path.dirname(HERE), "build", "bin", "daggercc"))
    ap.add_argument("--opt", default="-O2")
    ap.add_argument("--slots", type=int, default=2)
    ap.add_argument("--hosts", default="1,2,4,8,16")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "farm"))
    a = ap.parse_args()
    emit = os.path.join(a.out, "emit")
    os.makedirs(emit, exist_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run([a.daggercc, "-v", "--no-cache", "-j", "1", a.opt,
                        "--emit-c", emit, a.module, "-o",
                        os.path.join(a.out, "program")],
                       capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    whole = (after.ru_utime + after.ru_stime - before.ru_utime -
             before.ru_stime)
    if r.returncode != 0:
        sys.exit(f"farm: daggercc failed:\n{r.stderr}")
    units = []
    for line in r.stderr.splitlines():
        argv = shlex.split(line) if line.startswith("/") else []
        if " -c -o " not in line or any(x.endswith(".s") for x in argv):
            continue
        # The unit's C is in the emit folder under the same name.
        argv = [os.path.join(emit, os.path.basename(x)) if x.endswith(".c")
                else os.path.join(a.out, "unit.o") if x.endswith(".o")
                else x for x in argv]
        wall, cpu, rss, code = timed(argv, cwd=emit)
        if code != 0:
            sys.exit(f"farm: {line} failed again ({code})")
        units.append((os.path.basename(argv[-1]), wall, cpu, rss))
    compile_cpu = sum(u[2] for u in units)
    local = max(whole - compile_cpu, 0.0)
    print(f"{a.module}: {len(units)} units; the -j 1 build took {whole:.1f} s "
          f"of CPU, the units {compile_cpu:.1f} s, the local part "
          f"{local:.1f} s")
    print(f"units: CPU min {min(u[2] for u in units):.1f} s, max "
          f"{max(u[2] for u in units):.1f} s, sum "
          f"{sum(u[2] for u in units):.1f} s; peak RSS max "
          f"{max(u[3] for u in units):.0f} MiB")
    print(f"{'hosts':>5} {'slots':>5} {'wall s':>8}   (local part + makespan "
          f"of the units' CPU times: an unloaded farm)")
    for n in [int(x) for x in a.hosts.split(",")]:
        slots = n * a.slots
        w = local + makespan([u[2] for u in units], slots)
        print(f"{n:>5} {slots:>5} {w:8.1f}")


if __name__ == "__main__":
    main()
