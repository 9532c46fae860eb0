#!/usr/bin/env python3
"""Runs the WebAssembly core spec tests through daggercc (docs/spec.md).

Each .wast file is converted with wast2json into a temporary directory. Its
modules are linked the way the reference interpreter links them (`register`,
`spectest`), grouped so that modules sharing state run in one process, and
the groups are packed into chunks; each chunk becomes one test program,
built by `daggercc --harness` (the normal pipeline with a generated harness
instead of the Dagger glue) and run once, executing every command of its
modules in script order. assert_invalid and assert_malformed modules are
handed to daggercc on their own: it must reject them (exit status 1, no
output).

Prints per file and in total the assertions passed, failed and skipped,
then one last line `N passed, N failed, N skipped`; exits 1 when a failure
is not listed in the expected-failures file, 0 otherwise.
"""

import argparse
import concurrent.futures
import fnmatch
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

import harness as H
import wasmfile as W

HERE = os.path.dirname(os.path.abspath(__file__))
# shared/ beside the checkout.
DEFAULT_SUITE = os.path.normpath(os.path.join(HERE, "..", "..", "..", "shared",
                                             "spec-testsuite"))

# The `spectest` module of the reference interpreter (spec-main.c defines it).
SPECTEST = {
    "print": (W.FUNC, W.FuncType([], [])),
    "print_i32": (W.FUNC, W.FuncType([W.I32], [])),
    "print_i64": (W.FUNC, W.FuncType([W.I64], [])),
    "print_f32": (W.FUNC, W.FuncType([W.F32], [])),
    "print_f64": (W.FUNC, W.FuncType([W.F64], [])),
    "print_i32_f32": (W.FUNC, W.FuncType([W.I32, W.F32], [])),
    "print_f64_f64": (W.FUNC, W.FuncType([W.F64, W.F64], [])),
    "global_i32": (W.GLOBAL, W.GlobalType(W.I32, False)),
    "global_i64": (W.GLOBAL, W.GlobalType(W.I64, False)),
    "global_f32": (W.GLOBAL, W.GlobalType(W.F32, False)),
    "global_f64": (W.GLOBAL, W.GlobalType(W.F64, False)),
    "table": (W.TABLE, W.TableType(W.FUNCREF, W.Limits(10, 20))),
    "memory": (W.MEMORY, W.Limits(1, 2)),
}

# Files whose features wasm2c 1.0.32 cannot translate: (glob, reason). The
# memory64 proposal's files are named like address64.wast; i64.wast and
# f64.wast are core tests.
UNSUPPORTED = [
    ("simd_*.wast", "SIMD (v128)"),
    ("*64.wast", "memory64"),
]
CORE_64 = ("i64.wast", "f64.wast")

ASSERTIONS = ("module", "assert_return", "assert_trap", "assert_exhaustion",
              "assert_invalid", "assert_malformed", "assert_unlinkable",
              "assert_uninstantiable", "action")
REJECTIONS = ("assert_invalid", "assert_malformed")
# How many modules share one test program at most (a chunk), so that a
# file of many small modules costs few links; a group never splits.
CHUNK_MODULES = 24
# How many times a chunk's program may die before its remaining commands
# count as failed.
MAX_RERUNS = 40


class LinkError(Exception):
    pass


class Cmd:
    def __init__(self, index, j):
        self.index, self.json, self.type = index, j, j["type"]
        self.line = j.get("line", 0)
        self.target = None      # actions: the Mod they act on
        self.module_def = None  # module-like commands: their Mod
        self.status = None      # "pass", "fail", "skip"
        self.msg = ""


class Mod:
    def __init__(self, cmd, path):
        self.cmd, self.path = cmd, path
        self.wasm = None
        self.imports = []  # (Import, target, actual type)
        self.broken = None  # why it cannot be used
        self.parent = self


def find(m):
    while m.parent is not m:
        m.parent = m.parent.parent
        m = m.parent
    return m


def union(a, b):
    ra, rb = find(a), find(b)
    if ra is not rb:
        rb.parent = ra


# ---- linking, as the reference interpreter does it -------------------------

def object_type(mod, exp):
    """The type of what export exp of mod refers to; for an imported table
    or memory, the type of the object it was bound to."""
    if exp.kind in (W.TABLE, W.MEMORY):
        seen = -1
        for imp, target, actual in mod.imports:
            if imp.kind == exp.kind:
                seen += 1
                if seen == exp.index:
                    return actual
    return exp.type


def limits_match(imp, actual):
    # Minimum sizes are checked by the harness at run time (current size).
    if imp.max is not None and (actual.max is None or actual.max > imp.max):
        raise LinkError("incompatible import type (maximum %s, import "
                        "allows %d)" % (actual.max, imp.max))


def resolve(imp, registered):
    """(target, actual type) for an import, or LinkError."""
    if imp.module == "spectest":
        if imp.name not in SPECTEST:
            raise LinkError("unknown import spectest.%s" % imp.name)
        kind, actual = SPECTEST[imp.name]
        target = ("spectest", imp.name)
    else:
        m = registered.get(imp.module)
        if m is None:
            raise LinkError("unknown import: no module registered as %r"
                            % imp.module)
        if m.broken:
            raise LinkError("unknown import: module %r is unusable"
                            % imp.module)
        exp = m.wasm.exports.get(imp.name)
        if exp is None:
            raise LinkError("unknown import %s.%s" % (imp.module, imp.name))
        kind, actual, target = exp.kind, object_type(m, exp), (m, exp)
    if kind != imp.kind:
        raise LinkError("incompatible import type (%s for %s)" % (
            W.KIND_NAMES[kind], W.KIND_NAMES[imp.kind]))
    if kind in (W.FUNC, W.GLOBAL) and actual != imp.type:
        raise LinkError("incompatible import type")
    if kind == W.TABLE:
        if actual.elem != imp.type.elem:
            raise LinkError("incompatible import type (element type)")
        limits_match(imp.type.limits, actual.limits)
    if kind == W.MEMORY:
        limits_match(imp.type, actual)
    return target, actual


# ---- one .wast file --------------------------------------------------------

class File:
    def __init__(self, ctx, wast):
        self.ctx, self.wast = ctx, wast
        self.name = os.path.basename(wast)
        self.dir = os.path.join(ctx.tmp, self.name[:-5])
        self.cmds = []
        self.mods = []
        self.unsupported = None
        self.lock = threading.Lock()

    def fail_all(self, msg):
        for c in self.cmds:
            if c.status is None:
                c.status, c.msg = "fail", msg

    def set(self, c, status, msg=""):
        with self.lock:
            if c.status is None or status == "fail" or c.status == "fail":
                c.status, c.msg = status, msg

    def convert(self):
        os.makedirs(self.dir, exist_ok=True)
        out = os.path.join(self.dir, self.name[:-5] + ".json")
        r = subprocess.run([self.ctx.wast2json, self.wast, "-o", out],
                           capture_output=True, text=True)
        if r.returncode != 0:
            return r.stderr.strip().splitlines()[:1] or ["wast2json failed"]
        with open(out) as f:
            commands = json.load(f)["commands"]
        self.cmds = [Cmd(i, j) for i, j in enumerate(commands)]
        return None

    def path(self, j):
        return os.path.join(self.dir, j["filename"])

    def new_mod(self, c):
        m = Mod(c, self.path(c.json))
        c.module_def = m
        try:
            m.wasm = W.read_file(m.path)
        except (W.WasmError, UnicodeDecodeError, IndexError) as e:
            m.broken = "cannot read the module: %s" % e
        self.mods.append(m)
        return m

    def link(self, m, registered, state):
        for imp in m.wasm.imports:
            target, actual = resolve(imp, registered)
            m.imports.append((imp, target, actual))
        for imp, target, actual in m.imports:
            if imp.module != "spectest":
                union(m, target[0])
            elif imp.kind in (W.MEMORY, W.TABLE):
                union(m, state)  # spectest's memory and table are shared

    def plan(self):
        """Links the modules, settles what can be settled without running
        anything; returns (groups, rejections)."""
        current, named, registered = None, {}, {}
        state = Mod(None, None)  # the node of spectest's shared state
        rejections = []
        for c in self.cmds:
            j = c.json
            if c.type in REJECTIONS:
                rejections.append(c)
            elif c.type == "register":
                target = named.get(j["name"]) if "name" in j else current
                if target is None:
                    continue
                if j["as"] in registered and registered[j["as"]] is not target:
                    target.broken = target.broken or (
                        "%r registered twice" % j["as"])
                registered[j["as"]] = target
            elif c.type in ("module", "assert_uninstantiable",
                            "assert_unlinkable"):
                m = self.new_mod(c)
                if not m.broken:
                    try:
                        self.link(m, registered, state)
                    except LinkError as e:
                        m.broken = str(e)
                if c.type == "module":
                    current = m
                    if "name" in j:
                        named[j["name"]] = m
                    if m.broken:
                        self.set(c, "fail", m.broken)
                elif c.type == "assert_unlinkable" and m.broken:
                    self.set(c, "pass")
                elif m.broken:
                    self.set(c, "fail", m.broken)
            elif c.type in ("assert_return", "assert_trap",
                            "assert_exhaustion", "action"):
                a = j["action"]
                target = named.get(a["module"]) if "module" in a else current
                if target is None:
                    self.set(c, "fail", "no module to act on")
                elif target.broken:
                    self.set(c, "fail", "module unusable: " + target.broken)
                else:
                    c.target = target
            elif c.type in ASSERTIONS:
                self.set(c, "skip", "not supported by the runner")
        groups = {}
        for m in self.mods:
            if not m.broken:
                groups.setdefault(id(find(m)), []).append(m)
        order = {id(m): i for i, m in enumerate(self.mods)}
        result = []
        for mods in groups.values():
            mods.sort(key=lambda m: order[id(m)])
            ids = {id(m) for m in mods}
            cmds = [c for c in self.cmds if c.status is None and (
                (c.module_def is not None and id(c.module_def) in ids) or
                (c.target is not None and id(c.target) in ids))]
            result.append(Group(mods, cmds))
        result.sort(key=lambda g: g.mods[0].cmd.index)
        return result, rejections


class Group:
    """Modules that share state (imports of each other, spectest's memory
    or table) and every command that concerns them."""

    def __init__(self, mods, cmds):
        self.mods, self.cmds = mods, cmds


def chunks(groups):
    out, cur, n = [], [], 0
    for g in groups:
        if cur and n + len(g.mods) > CHUNK_MODULES:
            out.append(cur)
            cur, n = [], 0
        cur.append(g)
        n += len(g.mods)
    if cur:
        out.append(cur)
    return out


# ---- building and running --------------------------------------------------

class Context:
    def __init__(self, args):
        self.args = args
        self.daggercc = args.daggercc
        self.flags = list(args.flag or [])
        if args.bounds:
            self.flags.append("--bounds=" + args.bounds)
        if args.target:
            self.flags.append("--target=" + args.target)
        self.prefix = shlex.split(args.exec_prefix or "")
        self.wast2json = shutil.which("wast2json") or "wast2json"
        self.tmp = None
        self.counter = 0
        self.lock = threading.Lock()

    def unique(self, stem):
        with self.lock:
            self.counter += 1
            return "%s-%d" % (stem, self.counter)


def first_lines(text, n=3):
    """The lines of a tool's stderr that say most: errors first."""
    lines = [l.strip() for l in text.strip().splitlines() if l.strip()]
    errors = [l for l in lines if "error" in l or l.startswith("daggercc: ")]
    lines = errors or lines
    return " | ".join(lines[:n]) if lines else "(no message)"


def status_text(rc):
    if rc < 0:
        try:
            return "killed by " + signal.Signals(-rc).name
        except ValueError:
            return "killed by signal %d" % -rc
    return "exit status %d" % rc


def build(ctx, f, groups):
    """Builds one chunk; (executable, None) or (None, message)."""
    mods = [m for g in groups for m in g.mods]
    cmds = sorted((c for g in groups for c in g.cmds), key=lambda c: c.index)
    try:
        text, dropped = H.Chunk(mods, cmds).generate()
    except H.GenError as e:
        return None, "harness: %s" % e, {}
    d = os.path.join(f.dir, ctx.unique("chunk"))
    os.makedirs(d)
    src, exe = os.path.join(d, "harness.c"), os.path.join(d, "harness")
    with open(src, "w") as out:
        out.write(text)
    argv = ([ctx.daggercc] + ctx.flags + ["--harness", src] +
            [m.path for m in mods] + ["-o", exe])
    try:
        r = subprocess.run(argv, capture_output=True, text=True,
                           timeout=ctx.args.build_timeout)
    except subprocess.TimeoutExpired:
        return None, "daggercc timed out", dropped
    if r.returncode != 0:
        return None, "daggercc %s: %s" % (status_text(r.returncode),
                                          first_lines(r.stderr)), dropped
    return exe, None, dropped


def execute(ctx, exe, skip=()):
    """{command index: (ok, message)}, and why the run ended early or None.
    The program skips the commands in skip."""
    reports = {}
    try:
        r = subprocess.run(ctx.prefix + [exe] + [str(i) for i in skip],
                           capture_output=True,
                           timeout=ctx.args.run_timeout,
                           cwd=os.path.dirname(exe))
        out, rc = r.stdout.decode("utf-8", "replace"), r.returncode
        err = r.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode("utf-8", "replace"), None
        err = ""
    done = False
    for line in out.splitlines():
        if line == "done":
            done = True
            continue
        index, _, rest = line.partition(" ")
        if index.lstrip("-").isdigit():
            ok = rest == "ok"
            reports[int(index)] = (ok, "" if ok else rest[5:])
    if rc is None:
        return reports, "the test program timed out"
    if rc != 0 or not done:
        last = [l for l in err.splitlines()
                if l.strip() and not l.startswith("qemu: ")][-1:]
        return reports, "the test program died (%s%s)" % (
            status_text(rc), ": " + last[0][:120] if last else "")
    return reports, None


def run_chunk(ctx, f, groups):
    exe, err, dropped = build(ctx, f, groups)
    if exe is None and len(groups) > 1:
        for g in groups:  # find the culprit: one program per group
            run_chunk(ctx, f, [g])
        return
    for index, msg in dropped.items():
        f.set(f.cmds[index], "fail", msg)
    cmds = [c for g in groups for c in g.cmds if c.index not in dropped]
    if exe is None:
        for c in cmds:
            f.set(c, "fail", err)
        return
    order = sorted(cmds, key=lambda c: c.index)
    reports, died = execute(ctx, exe)
    crashed = {}
    # A program that dies leaves the rest of its commands unreported: the
    # first of them is the one it died in. Run it again without that one
    # (and the earlier ones again, for their state) until it gets through.
    while died and len(crashed) < MAX_RERUNS:
        first = next((c for c in order if c.index not in reports
                      and c.index not in crashed), None)
        if first is None:
            break
        crashed[first.index] = died + " in this command"
        reports, died = execute(ctx, exe, sorted(crashed))
    for c in order:
        if c.index in crashed:
            f.set(c, "fail", crashed[c.index])
        elif c.index in reports:
            ok, msg = reports[c.index]
            f.set(c, "pass" if ok else "fail", msg)
        else:
            f.set(c, "fail", "not run: %s" % died)
    if not ctx.args.keep:
        shutil.rmtree(os.path.dirname(exe), ignore_errors=True)


def empty_harness(ctx):
    path = os.path.join(ctx.tmp, "empty-harness.c")
    with open(path, "w") as out:
        out.write("/* A module daggercc accepts fails to link here. */\n"
                  "int main(void) { return 0; }\n")
    return path


def run_rejection(ctx, f, c, harness):
    """assert_invalid / assert_malformed: daggercc must say no."""
    out = os.path.join(f.dir, ctx.unique("rejected"))
    argv = ([ctx.daggercc] + ctx.flags + ["--harness", harness,
                                          f.path(c.json), "-o", out])
    r = subprocess.run(argv, capture_output=True, text=True,
                       timeout=ctx.args.build_timeout)
    made = os.path.exists(out)
    if made:
        os.unlink(out)
    if r.returncode == 1 and not made:
        if "the C compiler failed" in r.stderr:
            f.set(c, "fail", "accepted by daggercc's checks (only the C "
                  "compiler failed): expected %r" % c.json["text"])
        elif not any(l.startswith("daggercc: ")
                     for l in r.stderr.splitlines()):
            f.set(c, "fail", "rejected without a message")
        else:
            f.set(c, "pass")
    elif r.returncode == 0:
        f.set(c, "fail", "accepted, expected %r" % c.json["text"])
    else:
        f.set(c, "fail", "daggercc %s%s: %s" % (
            status_text(r.returncode), ", output left" if made else "",
            first_lines(r.stderr)))


def probe_unsupported(ctx, f, reason, harness):
    """Shows what daggercc says about the file's first module."""
    f.unsupported = reason
    first = next((c for c in f.cmds if c.type == "module"), None)
    if first is None:
        return
    out = os.path.join(f.dir, ctx.unique("unsupported"))
    r = subprocess.run([ctx.daggercc] + ctx.flags + ["--harness", harness,
                        f.path(first.json), "-o", out],
                       capture_output=True, text=True,
                       timeout=ctx.args.build_timeout)
    if os.path.exists(out):
        os.unlink(out)
    if r.returncode != 0:
        msg = first_lines(r.stderr, 1).replace(first.json["filename"], "")
        msg = msg.replace(f.dir + "/", "").replace("daggercc: : ", "")
        f.unsupported += "; daggercc on line %d: %s" % (first.line, msg)


# ---- expected failures -----------------------------------------------------

def read_expected(path):
    """{"file.wast:LINE": [(config glob, reason)]} from the list."""
    entries = {}
    if not path or not os.path.exists(path):
        return entries
    with open(path) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 2)
            if len(parts) < 3 or ":" not in parts[0]:
                raise SystemExit("%s:%d: expected FILE.wast:LINE CONFIGS "
                                 "REASON" % (path, n))
            for key in expand_lines(parts[0]):
                entries.setdefault(key, []).append((parts[1], parts[2]))
    return entries


def expand_lines(spec):
    """file.wast:12,30-32 -> file.wast:12, file.wast:30, ..."""
    name, _, lines = spec.partition(":")
    for part in lines.split(","):
        lo, _, hi = part.partition("-")
        for line in range(int(lo), int(hi or lo) + 1):
            yield "%s:%d" % (name, line)


def line_ranges(lines):
    """[1, 2, 3, 7] -> "1-3,7"."""
    out, start, prev = [], None, None
    for line in sorted(lines) + [None]:
        if prev is not None and line == prev + 1:
            prev = line
            continue
        if start is not None:
            out.append(str(start) if start == prev else "%d-%d" % (start, prev))
        start = prev = line
    return ",".join(out)


def expected_reason(entries, config, name, line):
    for globs, reason in entries.get("%s:%d" % (name, line), []):
        if any(fnmatch.fnmatchcase(config, g) for g in globs.split(",")):
            return reason
    return None


# ---- the whole run ---------------------------------------------------------

def default_bounds(args):
    """The target's default bounds strategy, from daggercc --print-features
    ("bounds: guard explicit (default guard)"), or "default"."""
    argv = [args.daggercc, "--print-features"]
    if args.target:
        argv.append("--target=" + args.target)
    try:
        out = subprocess.run(argv, capture_output=True, text=True).stdout
    except OSError:
        return "default"
    for line in out.splitlines():
        if line.startswith("bounds:") and "(default " in line:
            return line.split("(default ", 1)[1].rstrip(")").strip()
    return "default"


def select_files(args):
    names = sorted(n for n in os.listdir(args.suite) if n.endswith(".wast"))
    if args.files:
        wanted = [os.path.basename(f) for f in args.files]
        wanted = [w if w.endswith(".wast") else w + ".wast" for w in wanted]
        missing = [w for w in wanted if w not in names]
        if missing:
            raise SystemExit("run.py: not in %s: %s" % (
                args.suite, " ".join(missing)))
        names = [n for n in names if n in wanted]
    return [os.path.join(args.suite, n) for n in names]


def unsupported_reason(name):
    if name in CORE_64:
        return None
    for pattern, reason in UNSUPPORTED:
        if fnmatch.fnmatchcase(name, pattern):
            return reason
    return None


def run_all(ctx, files):
    harness = empty_harness(ctx)
    work = []  # (cost, function, args)
    for f in files:
        err = f.convert()
        if err:
            f.unsupported = None
            f.cmds = [Cmd(0, {"type": "module", "line": 0})]
            f.fail_all("wast2json: " + err[0])
            continue
        reason = unsupported_reason(f.name)
        if reason:
            work.append((1, probe_unsupported, (ctx, f, reason, harness)))
            continue
        groups, rejections = f.plan()
        for chunk in chunks(groups):
            cost = sum(len(g.mods) * 20 + len(g.cmds) for g in chunk)
            work.append((cost, run_chunk, (ctx, f, chunk)))
        for c in rejections:
            work.append((1, run_rejection, (ctx, f, c, harness)))
    work.sort(key=lambda w: -w[0])  # long ones first
    timings = []

    def timed(fn, args):
        start = time.monotonic()
        fn(*args)
        timings.append((time.monotonic() - start, fn.__name__, args[1].name))

    with concurrent.futures.ThreadPoolExecutor(ctx.args.jobs) as pool:
        futures = [pool.submit(timed, fn, a) for cost, fn, a in work]
        for fut in futures:
            fut.result()
    if ctx.args.timing:
        per = {}
        for t, fn, name in timings:
            per[(fn, name)] = per.get((fn, name), 0) + t
        for (fn, name), t in sorted(per.items(), key=lambda x: -x[1])[:25]:
            print("timing: %7.1fs %s %s" % (t, fn, name))


def report(ctx, files, expected):
    config = ctx.args.config
    total = {"pass": 0, "fail": 0, "skip": 0}
    unexpected, xfail, stale, unsupported = 0, 0, [], 0
    new_entries = {}
    for f in files:
        counted = [c for c in f.cmds if c.type in ASSERTIONS]
        if f.unsupported:
            unsupported += 1
            total["skip"] += len(counted)
            print("%s: unsupported, %d skipped: %s" % (
                f.name, len(counted), f.unsupported))
            continue
        n = {"pass": 0, "fail": 0, "skip": 0}
        details, known = [], {}
        for c in counted:
            status = c.status or "fail"
            n[status] += 1
            reason = expected_reason(expected, config, f.name, c.line)
            if status == "fail":
                msg = (c.msg or "no result").replace(ctx.tmp + "/", "")
                if reason:
                    xfail += 1
                    known.setdefault(reason, []).append(c.line)
                else:
                    unexpected += 1
                    new_entries.setdefault(f.name, []).append(c.line)
                    details.append("  FAIL %s:%d %s: %s" % (
                        f.name, c.line, c.type, msg))
            elif status == "skip":
                details.append("  skipped %s:%d %s: %s" % (
                    f.name, c.line, c.type, c.msg))
            elif reason:
                stale.append("%s:%d" % (f.name, c.line))
        for k in total:
            total[k] += n[k]
        print("%s: %d passed, %d failed, %d skipped" % (
            f.name, n["pass"], n["fail"], n["skip"]))
        for reason, lines in known.items():
            print("  %d expected failure%s (line%s %s): %s" % (
                len(lines), "s" if len(lines) > 1 else "",
                "s" if len(lines) > 1 else "", line_ranges(lines), reason))
        limit = None if ctx.args.verbose else 20
        for line in details[:limit]:
            print(line)
        if limit is not None and len(details) > limit:
            print("  ... and %d more (-v shows all)" % (len(details) - limit))
    print()
    print("configuration %s: %d files, %d of them unsupported (their "
          "assertions are counted as skipped)" % (config, len(files),
                                                  unsupported))
    if xfail:
        print("%d failures are expected (%s)" % (xfail, ctx.args.expected))
    for key in stale:
        print("note: %s passes but is listed as an expected failure" % key)
    if unexpected:
        print("%d failures are not expected" % unexpected)
    if ctx.args.entries:
        print("entries for %s:" % ctx.args.expected)
        for name, lines in sorted(new_entries.items()):
            print("%s:%s  %s  REASON" % (name, line_ranges(lines), config))
    print("%d passed, %d failed, %d skipped" % (
        total["pass"], total["fail"], total["skip"]))
    return 1 if unexpected else 0


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("files", nargs="*", help=".wast files (default: all)")
    p.add_argument("--daggercc", required=True)
    p.add_argument("--suite", default=os.environ.get("DAGGER_SPEC_SUITE",
                                                     DEFAULT_SUITE))
    p.add_argument("-j", "--jobs", type=int, default=2)
    p.add_argument("--bounds", help="passed on as daggercc --bounds=")
    p.add_argument("--target", help="passed on as daggercc --target=")
    p.add_argument("--exec-prefix", help="runs the test programs under this "
                   "command (e.g. a qemu-user runner)")
    p.add_argument("--flag", action="append",
                   help="an extra daggercc argument (repeatable)")
    p.add_argument("--config", help="the configuration's name for the "
                   "expected-failures list (default TARGET/BOUNDS)")
    p.add_argument("--expected", default=os.path.join(
        HERE, "expected-failures.txt"))
    p.add_argument("--keep", action="store_true",
                   help="keep the temporary directory")
    p.add_argument("-v", "--verbose", action="store_true",
                   help="list every failure, not only the first 20 per file")
    p.add_argument("--entries", action="store_true",
                   help="print the unexpected failures as entries for the "
                   "expected-failures list")
    p.add_argument("--timing", action="store_true",
                   help="print where the time went")
    p.add_argument("--build-timeout", type=int, default=600)
    p.add_argument("--run-timeout", type=int, default=300)
    args = p.parse_args()
    if not args.config:
        args.config = "%s/%s" % (args.target or "host",
                                 args.bounds or default_bounds(args))
    if not os.path.isdir(args.suite):
        print("run.py: no spec test suite at %s" % args.suite)
        return 77
    ctx = Context(args)
    expected = read_expected(args.expected)
    files = select_files(args)
    ctx.tmp = tempfile.mkdtemp(prefix="daggercc-spec-")
    try:
        fs = [File(ctx, w) for w in files]
        run_all(ctx, fs)
        return report(ctx, fs, expected)
    finally:
        if args.keep:
            print("kept %s" % ctx.tmp)
        else:
            shutil.rmtree(ctx.tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
