#!/usr/bin/env python3
"""Where compile time goes, by module size (bench/compile.sh runs this).

Generates modules of N functions (and a data-heavy one), then times each
stage of daggercc's pipeline separately with the very commands daggercc
runs (read from `daggercc -v`): wat2wasm, wasm-validate, wasm2c, the C
compile (cc -c of the glue, which includes the module's C) and the link,
and daggercc end to end as one unit; daggercc's own work (reader, ABI
check, glue, post-processing) is that time less the tools'. Then the same
module sharded (compiler/shard.c, -j one per CPU) on a cold cache, and
again on the warm cache. Every figure is
the child's wall time, CPU time (user + sys) and peak RSS, from wait4().

Not a test: it prints a table and writes bench/results/compile.csv and,
with gnuplot, compile.png (CPU time against module size).
"""
import argparse
import csv
import os
import random
import shlex
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TIMEOUT = None  # seconds any one command may take (--timeout)
ROOT = os.path.dirname(HERE)


def timed(argv, cwd=None, timeout=None, env=None):
    """Runs argv, returning wall, cpu, peak RSS (MiB) and status; killed
    after timeout seconds (default --timeout)."""
    timeout = timeout or TIMEOUT
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        try:
            if cwd:
                os.chdir(cwd)
            if env:
                os.environ.update(env)
            fd = os.open(os.devnull, os.O_WRONLY)
            os.dup2(fd, 1)
            os.execvp(argv[0], argv)
        finally:
            os._exit(127)
    deadline = start + timeout if timeout else None
    while True:
        got, status, ru = os.wait4(pid, os.WNOHANG)
        if got:
            break
        if deadline and time.monotonic() > deadline:
            os.kill(pid, 9)
            got, status, ru = os.wait4(pid, 0)
            return time.monotonic() - start, None, None, "timeout"
        time.sleep(0.01)
    wall = time.monotonic() - start
    cpu = ru.ru_utime + ru.ru_stime
    code = os.waitstatus_to_exitcode(status)
    return wall, cpu, ru.ru_maxrss / 1024.0, code


# ---- generated modules -------------------------------------------------

def wat_functions(n, seed=1):
    """A Dagger module of n functions of some 30 instructions each: local
    arithmetic, a load and a store, and a call to an earlier function; all
    of them in a table."""
    rnd = random.Random(seed)
    out = ['(module', '  (memory 1)']
    for k in range(n):
        callee = rnd.randrange(k) if k else None
        body = [
            "local.get 0", "local.get 1", "i32.add", "local.set 2",
            "local.get 2", f"i32.const {rnd.randrange(1, 1 << 20)}", "i32.mul",
            "local.get 1", "i32.xor", "local.set 2",
            f"i32.const {rnd.randrange(0, 60000) & ~3}", "local.get 2",
            "i32.store",
            f"i32.const {rnd.randrange(0, 60000) & ~3}", "i32.load",
            "local.get 2", "i32.add", "local.set 2",
        ]
        if callee is not None:
            body += ["local.get 0", "i32.const 1", "i32.lt_u",
                     "if (result i32)", "local.get 2", "else",
                     "local.get 0", "i32.const 1", "i32.sub", "local.get 2",
                     f"call $f{callee}", "end"]
        else:
            body += ["local.get 2"]
        out.append(f"  (func $f{k} (param i32 i32) (result i32) (local i32) "
                   + " ".join(body) + ")")
    # Every function in a table, as a real program's indirect-call targets
    # are: none is unused, so the C compiler compiles every one.
    out.append(f"  (table {n} funcref)")
    out.append("  (elem (i32.const 0) "
               + " ".join(f"$f{k}" for k in range(n)) + ")")
    out.append(f'  (func (export "dagger_main") (result i32) '
               f'i32.const 3 i32.const 7 call $f{n - 1} i32.const 0 i32.mul)')
    out.append(')')
    return "\n".join(out) + "\n"


def leb(n):
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def section(sid, body):
    return bytes([sid]) + leb(len(body)) + body


def wasm_data(mib, seed=2):
    """A module whose only weight is one data segment of mib MiB."""
    size = mib << 20
    pages = (size + 65536 + 65535) // 65536
    data = random.Random(seed).randbytes(size)
    types = leb(1) + b"\x60\x00\x01\x7f"
    funcs = leb(1) + leb(0)
    memory = leb(1) + b"\x00" + leb(pages)
    name = b"dagger_main"
    exports = leb(1) + leb(len(name)) + name + b"\x00" + leb(0)
    body = b"\x00" + b"\x41\x00\x2d\x00\x00" + b"\x0b"  # i32.load8_u 0
    code = leb(1) + leb(len(body)) + body
    seg = leb(1) + b"\x00\x41" + leb(65536) + b"\x0b" + leb(size) + data
    return (b"\x00asm\x01\x00\x00\x00" + section(1, types) +
            section(3, funcs) + section(5, memory) + section(7, exports) +
            section(10, code) + section(11, seg))


# ---- the pipeline, stage by stage --------------------------------------

ONE_UNIT = {"DAGGER_SHARD_SIZE": str(1 << 40)}


def daggercc_commands(daggercc, wasm, emit, out, extra):
    """The commands `daggercc -v` runs for wasm as one unit, as argv
    lists."""
    r = subprocess.run([daggercc, "-v", "--no-cache", *extra, "--emit-c",
                        emit, wasm, "-o", out], capture_output=True,
                       text=True, env={**os.environ, **ONE_UNIT},
                       timeout=TIMEOUT)
    if r.returncode != 0:
        sys.exit(f"compile: daggercc failed on {wasm}:\n{r.stderr}")
    return [shlex.split(line) for line in r.stderr.splitlines()
            if line.startswith("/")]


def split_cc(argv, emit, obj, exe):
    """The one compile-and-link command as a compile and a link."""
    link_flags = [a for a in argv if a.startswith(("-Wl,", "-l"))]
    compile_, link, i = [], [], 1
    args = argv[1:]
    while i <= len(args):
        a = args[i - 1]
        if a in ("-L", "-Xlinker"):
            link += [a, args[i]]
            i += 2
            continue
        if a == "-o":
            i += 2
            continue
        if a.endswith("daggercc-glue.c"):
            compile_.append(os.path.join(emit, "daggercc-glue.c"))
        elif a not in link_flags:
            compile_.append(a)
        i += 1
    return ([argv[0], "-c", "-o", obj] + compile_,
            [argv[0], "-o", exe, obj] + link + link_flags)


def stages(daggercc, name, wasm, work, wat=None, opt="-O2", shard_size=0,
           o1=False, one_unit=True):
    """Rows of (module, stage, wall, cpu, rss) for one module. Without
    one_unit, the C compile of one unit (the stage and daggercc's) is
    skipped: the commands are read from an -O0 run, and wasm2c, sharded
    and cached are timed."""
    rows = []
    emit = os.path.join(work, "emit")
    shutil.rmtree(emit, ignore_errors=True)
    os.makedirs(emit)
    if wat:
        r = timed(["wat2wasm", "-o", wasm, wat])
        rows.append((name, "wat2wasm", *r))
    cmds = daggercc_commands(daggercc, wasm, emit, os.path.join(work, "p"),
                             [opt if one_unit else "-O0"])
    tools = 0.0
    for argv in cmds:
        tool = os.path.basename(argv[0])
        if tool == "wasm-validate":
            r = timed(argv)
            rows.append((name, "wasm-validate", *r))
            tools += r[0]
        elif tool == "wasm2c":
            out = os.path.join(work, "w2c.c")
            a = [x if not x.endswith("daggercc-module.c") else out
                 for x in argv]
            r = timed(a)
            rows.append((name, "wasm2c", *r))
            tools += r[0]
        elif tool.endswith("wat2wasm"):
            continue
        elif any(x.endswith("daggercc-data.s") for x in argv):
            # The data's assembler file (compiler/data.c), as --emit-c
            # keeps it: its .incbin path is relative to its folder.
            a = [os.path.join(emit, "daggercc-data.s")
                 if x.endswith("daggercc-data.s") else
                 os.path.join(work, "data.o")
                 if x.endswith("daggercc-data.o") else x for x in argv]
            r = timed(a, cwd=emit)
            rows.append((name, "as (data, .incbin)", *r))
            tools += r[0]
        elif one_unit:
            argv = [os.path.join(work, "data.o")
                    if x.endswith("daggercc-data.o") else x for x in argv]
            comp, link = split_cc(argv, emit, os.path.join(work, "glue.o"),
                                  os.path.join(work, "p2"))
            r = timed(comp)
            rows.append((name, f"cc {opt} -c", *r))
            tools += r[0]
            r = timed(link)
            rows.append((name, "link", *r))
            tools += r[0]
    prog = os.path.join(work, "p")
    if one_unit:
        r = timed([daggercc, "--no-cache", opt, wasm, "-o", prog],
                  env=ONE_UNIT, timeout=TIMEOUT)
        rows.append((name, "daggercc, one unit", *r))
        if o1:
            r = timed([daggercc, "--no-cache", "-O1", wasm, "-o", prog],
                      env=ONE_UNIT, timeout=TIMEOUT)
            rows.append((name, "daggercc -O1, one unit", *r))
        rows.append((name, "daggercc's own work", max(r[0] - tools, 0.0),
                     None, None, 0))
    cache = os.path.join(work, "cache")
    shutil.rmtree(cache, ignore_errors=True)
    env = {"DAGGER_CACHE_DIR": cache}
    if shard_size:
        env["DAGGER_SHARD_SIZE"] = str(shard_size)
    r = timed([daggercc, opt, wasm, "-o", prog], env=env, timeout=TIMEOUT)
    rows.append((name, "daggercc, sharded", *r))
    # The same again: the program level of the cache (objcache.c).
    r = timed([daggercc, opt, wasm, "-o", prog], env=env, timeout=TIMEOUT)
    rows.append((name, "daggercc, cached", *r))
    # The units' level alone: the program entry removed, so wasm2c and the
    # link run and every unit comes from the cache.
    for entry in os.listdir(cache):
        if entry.startswith("progr-"):
            shutil.rmtree(os.path.join(cache, entry))
    r = timed([daggercc, opt, wasm, "-o", prog], env=env, timeout=TIMEOUT)
    rows.append((name, "daggercc, units cached", *r))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--daggercc", default=os.path.join(ROOT, "build", "bin",
                                                        "daggercc"))
    ap.add_argument("--sizes", default="1000,10000,30000",
                    help="function counts (comma-separated)")
    ap.add_argument("--data-mib", type=int, default=16,
                    help="size of the data-heavy module (0: none)")
    ap.add_argument("--opt", default="-O2")
    ap.add_argument("--shard-size", type=int, default=0,
                    help="DAGGER_SHARD_SIZE for the sharded runs "
                    "(default: daggercc's)")
    ap.add_argument("--real", action="append", default=[],
                    help="a real module (.wasm) to measure too; repeatable")
    ap.add_argument("--o1", action="store_true",
                    help="also time -O1 as one unit (the reference for "
                    "-O2 sharded)")
    ap.add_argument("--one-unit-max", type=int, default=0,
                    help="generated modules of more functions skip the "
                    "one-unit C compile (0: none skip)")
    ap.add_argument("--timeout", type=int, default=1800,
                    help="seconds any one command may take")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    a = ap.parse_args()
    global TIMEOUT
    TIMEOUT = a.timeout

    work = os.path.join(a.out, "compile-work")
    os.makedirs(work, exist_ok=True)
    rows = []
    modules = []
    for n in [int(s) for s in a.sizes.split(",") if s]:
        wat = os.path.join(work, f"f{n}.wat")
        with open(wat, "w") as f:
            f.write(wat_functions(n))
        modules.append((f"{n} functions", os.path.join(work, f"f{n}.wasm"),
                        wat, not a.one_unit_max or n <= a.one_unit_max))
    if a.data_mib:
        wasm = os.path.join(work, f"data{a.data_mib}.wasm")
        with open(wasm, "wb") as f:
            f.write(wasm_data(a.data_mib))
        modules.append((f"{a.data_mib} MiB data", wasm, None, True))
    for path in a.real:
        modules.append((os.path.basename(path), os.path.abspath(path), None,
                        True))
    sizes = {}
    for name, wasm, wat, one_unit in modules:
        sys.stderr.write(f"compile: {name}\n")
        rows += stages(a.daggercc, name, wasm, work, wat, a.opt,
                       a.shard_size, a.o1, one_unit)
        sizes[name] = os.path.getsize(wasm)
        write_results(a.out, rows, sizes)

    print_table(rows)
    chart(a.out, rows, sizes)


def write_results(out, rows, sizes):
    """compile.csv, rewritten after each module (a long run keeps what it
    has measured)."""
    with open(os.path.join(out, "compile.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["module", "wasm_bytes", "stage", "wall_s", "cpu_s",
                    "peak_rss_mib", "status"])
        for name, stage, wall, cpu, rss, status in rows:
            w.writerow([name, sizes.get(name, ""), stage, wall, cpu, rss,
                        status])


def print_table(rows):
    print(f"{'module':<18} {'stage':<24} {'wall s':>8} {'cpu s':>8} "
          f"{'peak RSS MiB':>13}")
    for name, stage, wall, cpu, rss, status in rows:
        cpu_s = f"{cpu:8.2f}" if cpu is not None else f"{'':8}"
        rss_s = f"{rss:13.0f}" if rss is not None else f"{'':13}"
        flag = "" if status in (0, None) else f"  (status {status})"
        print(f"{name:<18} {stage:<24} {wall:8.2f} {cpu_s} {rss_s}{flag}")


CHART_STAGES = ["daggercc, one unit", "daggercc, sharded", "daggercc, cached",
                "wasm2c"]


def chart(out, rows, sizes):
    """compile.png: CPU time of each way of compiling against the module's
    size (log-log), with gnuplot when it is installed."""
    if not shutil.which("gnuplot"):
        sys.stderr.write("compile: gnuplot not installed: no chart\n")
        return
    dat = os.path.join(out, "compile-chart.dat")
    # Lines join the generated modules (one shape of code at growing
    # sizes); the data-heavy and real modules are points of their own.
    generated = {n for n in sizes if n.endswith(" functions")}
    series = [(st, st, generated, "linespoints") for st in CHART_STAGES]
    series += [(f"{n}, sharded", "daggercc, sharded", {n}, "points pt 7")
               for n in sizes if n not in generated]
    blocks = []
    with open(dat, "w") as f:
        for title, stage, names, style in series:
            pts = sorted((sizes[n], cpu) for n, st, _, cpu, _, code in rows
                         if st == stage and cpu and code == 0 and n in names)
            if not pts:
                continue
            blocks.append((title, style))
            f.write(f"# {title}\n")
            for size, cpu in pts:
                f.write(f"{size / 1e6:.4f} {cpu:.3f}\n")
            f.write("\n\n")
    plots = ", ".join(f"'{dat}' index {i} with {style} title '{title}'"
                      for i, (title, style) in enumerate(blocks))
    script = (f"set terminal png size 900,600\n"
              f"set output '{os.path.join(out, 'compile.png')}'\n"
              "set logscale xy\nset grid\nset key left top\n"
              "set xlabel 'module size (MB of wasm)'\n"
              "set ylabel 'CPU time (s, compiler processes included)'\n"
              f"plot {plots}\n")
    subprocess.run(["gnuplot"], input=script, text=True, check=False)


if __name__ == "__main__":
    main()
