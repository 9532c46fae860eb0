#!/usr/bin/env python3
"""Runs the WASI test suite's preview1 tests (../shared/wasi-testsuite,
doc/specification.md) on daggercc's programs or on dagger-interp.

  run-suite.py --engine compiled|interp --bin BUILD/bin --suite SUITE
               [--cache DIR] [--known-failures FILE] [--only NAME...]
               [--target TRIPLE] [--categories assemblyscript,c,rust]
               [--part I/N]

For each NAME.wasm under SUITE/tests/*/testsuite/wasm32-wasip1/, with the
settings of NAME.json (args, env, root, exit_code, stdout, stderr; absent:
none, 0 and empty): the module is compiled once by daggercc into the cache
(keyed by the module's bytes, its flags, daggercc and its runtime), the
`root` folder is copied into a fresh temporary directory (made writable:
tests create files there) and given as the jail (DAGGER_ROOT, preopened as
"/"), the program runs with the test's arguments and only the test's
environment variables (compiled with --env NAME, their values set at run
time), and its exit status is compared, and stdout and stderr when the
JSON gives them (as the suite's own runner does). A test without `root`
gets no preopen, as under the suite's reference runtimes: it is built with
`--deny file`, which leaves a WASI program no descriptor 3. The `.cleanup` files of the suite are not needed: nothing
is written beside the suite.

`--part I/N` runs every N-th test of the selection, starting with the I-th
(1-based), so that CTest can run the parts side by side.

Prints one line per test and a summary; exits 1 when a test fails that the
known-failures file (lines "NAME: reason") does not list, or when a listed
test passes (the list must stay true)."""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def tests(suite, only, categories):
    """Every test, or those named in only (NAME or category/NAME) and
    those of the listed categories."""
    for wasm in sorted(Path(suite, "tests").glob("*/testsuite/wasm32-wasip1/*.wasm")):
        name = f"{wasm.parts[-4]}/{wasm.stem}"
        named = wasm.stem in only or name in only
        in_category = wasm.parts[-4] in categories
        if (only or categories) and not named and not in_category:
            continue
        spec = {}
        js = wasm.with_suffix(".json")
        if js.exists():
            spec = json.loads(js.read_text())
        yield name, wasm, spec


def compile_cached(bindir, wasm, env, jail, cache, target, opt=None):
    daggercc = Path(bindir, "daggercc")
    h = hashlib.sha256(wasm.read_bytes())
    h.update(repr((sorted(env), jail, target, opt)).encode())
    # daggercc and the runtime it links: a rebuilt runtime is a new program
    for tool in [daggercc, *sorted(Path(bindir, "..", "lib", "daggercc").glob("*.a"))]:
        st = tool.stat()
        h.update(f"{tool.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    exe = Path(cache, f"{wasm.stem}-{h.hexdigest()[:16]}")
    if exe.exists():
        return exe, None
    cmd = [str(daggercc), str(wasm), "-o", str(exe)]
    for k in sorted(env):
        cmd += ["--env", k]
    if not jail:
        cmd += ["--deny", "file"]
    if target:
        cmd.append(f"--target={target}")
    if opt:
        cmd.append(opt)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return None, f"daggercc failed ({r.returncode}): {r.stderr.strip()}"
    return exe, None


def writable(top):
    for d, dirs, files in os.walk(top):
        os.chmod(d, 0o755)
        for f in files:
            p = os.path.join(d, f)
            if not os.path.islink(p):
                os.chmod(p, 0o644)


def run_one(args, name, wasm, spec):
    env_vars = spec.get("env", {})
    cmd = []
    if args.engine == "compiled":
        exe, err = compile_cached(args.bin, wasm, env_vars, bool(spec.get("root")),
                                  args.cache, args.target, args.opt)
        if err:
            return err
        cmd = args.runner + [str(exe)]
    else:
        cmd = [str(Path(args.bin, "dagger-interp"))]
        for k in sorted(env_vars):
            cmd += ["--env", k]
        if not spec.get("root"):
            cmd += ["--deny", "file"]
        cmd.append(str(wasm))
    cmd += spec.get("args", [])
    with tempfile.TemporaryDirectory(prefix="wasi-suite-") as tmp:
        root = Path(tmp, "root")
        if spec.get("root"):
            shutil.copytree(wasm.parent / spec["root"], root, symlinks=True)
            writable(root)
        else:
            root.mkdir()
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
               "DAGGER_ROOT": str(root)}
        env.update(env_vars)
        try:
            r = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True,
                               timeout=120, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            return "timed out"
    want_status = spec.get("exit_code", 0)
    if r.returncode != want_status:
        return (f"exit status {r.returncode}, expected {want_status}; stderr: "
                + r.stderr.decode(errors="replace").strip()[-600:])
    if "stdout" in spec and r.stdout.decode(errors="replace") != spec["stdout"]:
        return f"stdout {r.stdout[:200]!r}, expected {spec['stdout']!r}"
    if "stderr" in spec and r.stderr.decode(errors="replace") != spec["stderr"]:
        return f"stderr {r.stderr[:200]!r}, expected {spec['stderr']!r}"
    return None


def part(text):
    i, sep, n = text.partition("/")
    if not (sep and i.isdigit() and n.isdigit() and 1 <= int(i) <= int(n)):
        raise argparse.ArgumentTypeError(f"{text!r} is not I/N with 1 <= I <= N")
    return int(i), int(n)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--engine", choices=["compiled", "interp"], required=True)
    ap.add_argument("--bin", required=True)
    ap.add_argument("--suite", required=True)
    ap.add_argument("--cache", default=None)
    ap.add_argument("--known-failures", default=None)
    ap.add_argument("--only", nargs="*", default=[])
    ap.add_argument("--target", default=None,
                    help="cross-compile (compiled engine) and run under the "
                         "target's runner (daggercc --print-runner)")
    ap.add_argument("--categories", default=None,
                    help="comma-separated: assemblyscript,c,rust (default all)")
    ap.add_argument("--opt", default=None,
                    help="daggercc's optimisation flag for the programs "
                         "(e.g. -O0; default daggercc's own)")
    ap.add_argument("--part", default="1/1", type=part,
                    help="I/N: every N-th test from the I-th (1-based)")
    args = ap.parse_args()
    args.runner = []
    if args.target:
        r = subprocess.run([str(Path(args.bin, "daggercc")), f"--target={args.target}",
                            "--print-runner"], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"run-suite: no runner for {args.target}: skipped")
            return 77
        args.runner = r.stdout.split()
    if not Path(args.suite, "tests").is_dir():
        print(f"run-suite: no test suite at {args.suite}: skipped")
        return 77
    if args.cache is None:
        args.cache = tempfile.mkdtemp(prefix="wasi-suite-cache-")
    os.makedirs(args.cache, exist_ok=True)
    known = {}
    if args.known_failures and args.target:
        # every cross target runs under qemu-user (no openat2): the list
        # known-failures-qemu.txt beside the host's
        kf = Path(args.known_failures)
        args.known_failures = str(kf.with_name(f"{kf.stem}-qemu{kf.suffix}"))
    if args.known_failures and Path(args.known_failures).exists():
        for line in Path(args.known_failures).read_text().splitlines():
            if line.strip() and not line.startswith("#"):
                k, _, why = line.partition(":")
                known[k.strip()] = why.strip()
    passed = failed = 0
    unexpected = []
    categories = args.categories.split(",") if args.categories else []
    index, count = args.part
    selected = list(tests(args.suite, args.only, categories))
    for name, wasm, spec in selected[index - 1::count]:
        why = run_one(args, name, wasm, spec)
        if why is None:
            passed += 1
            print(f"PASS {name}")
            if name in known:
                unexpected.append(f"{name} passes but is listed as a known failure")
        else:
            failed += 1
            print(f"FAIL {name}: {why}")
            if name not in known:
                unexpected.append(f"{name} fails")
    where = f"{args.engine}, {args.target}" if args.target else args.engine
    if count > 1:
        where += f", part {index}/{count}"
    print(f"wasi-testsuite ({where}): {passed} passed, {failed} failed, "
          f"{passed + failed} in all")
    for u in unexpected:
        print(f"unexpected: {u}")
    return 1 if unexpected else 0


sys.exit(main())
