#!/usr/bin/env python3
"""Every file the build and the tests take from a Debian package comes from
a package that scripts/install-deps.sh installs, or from a hard dependency
(Depends, Pre-Depends) of one: install-deps installs without Recommends, so
a file reached only through a recommendation is missing on a fresh machine
even where this one has it.

The files are the Debian probes the build recorded where it found them
(cmake/DebianProbes.cmake): debian-probes.txt, one "WHAT<TAB>PATH" a line,
PATH "-" for a probe that found nothing. Essential packages (on every
Debian system) and their dependencies count as installed.

Exit 0 when every file is covered, 1 otherwise (and, with --require-all,
when a probe found nothing).
"""
import argparse
import os
import subprocess
import sys

APT_DEPENDS = ["apt-cache", "depends", "--no-recommends", "--no-suggests",
               "--no-conflicts", "--no-breaks", "--no-replaces",
               "--no-enhances"]


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def native_arch():
    return run(["dpkg", "--print-architecture"]).stdout.strip()


def norm(pkg, arch):
    """A package name without the native architecture's suffix."""
    return pkg[: -len(arch) - 1] if pkg.endswith(":" + arch) else pkg


def hard_deps(text):
    """{package: [its hard dependencies]} from `apt-cache depends` output:
    of alternatives (a | b) the first, as apt picks it; a virtual package
    stands for its first provider."""
    deps, pkg, group_open, pending_virtual = {}, None, False, False
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            pkg = line.strip()
            deps.setdefault(pkg, [])
            group_open = pending_virtual = False
            continue
        if line.startswith("    "):  # a provider of the virtual above
            if pending_virtual:
                deps[pkg].append(line.strip())
                pending_virtual = False
            continue
        alt = line.lstrip().startswith("|")
        kind, _, name = line.strip().lstrip("|").partition(": ")
        pending_virtual = False
        if kind in ("Depends", "PreDepends") and not group_open:
            if name.startswith("<"):
                pending_virtual = True
            else:
                deps[pkg].append(name)
        # An alternative group runs until an entry without "|".
        group_open = alt and kind in ("Depends", "PreDepends")
    return deps


def closure(roots, arch):
    seen, todo = set(), [norm(p, arch) for p in roots]
    while todo:
        batch = sorted(set(p for p in todo if p not in seen))
        todo = []
        if not batch:
            break
        seen.update(batch)
        out = run(APT_DEPENDS + batch)
        if out.returncode != 0:
            sys.exit("debian-deps: apt-cache depends failed (run apt-get "
                     "update first?):\n" + out.stderr)
        for pkg, ds in hard_deps(out.stdout).items():
            seen.add(norm(pkg, arch))
            todo.extend(norm(d, arch) for d in ds)
    return seen


def essential(arch):
    out = run(["dpkg-query", "-W", "-f", "${Package}\t${Essential}\n"])
    return [line.split("\t")[0] for line in out.stdout.splitlines()
            if line.endswith("\tyes")]


def file_index(arch):
    """{path: {packages}} from dpkg's file lists (one read, where `dpkg -S`
    costs a second a call)."""
    index = {}
    info = "/var/lib/dpkg/info"
    for name in os.listdir(info):
        if not name.endswith(".list"):
            continue
        pkg = norm(name[:-5], arch)
        with open(os.path.join(info, name), errors="replace") as f:
            for line in f:
                index.setdefault(line.rstrip("\n"), set()).add(pkg)
    return index


def owners(path, index):
    """The packages that own path (trying the /usr-merged spellings)."""
    real = os.path.realpath(path)
    for p in (path, real):
        for q in (p, p[4:] if p.startswith("/usr/") else "/usr" + p):
            if q in index:
                return index[q]
    return set()


def local(path):
    """A file of this machine's own, outside what Debian manages (a pyenv
    python3, say): a fresh machine has Debian's copy instead."""
    return path.startswith(("/usr/local/", "/opt/", "/root/", "/home/"))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--probes", required=True)
    ap.add_argument("--install-deps", required=True)
    ap.add_argument("--require-all", action="store_true")
    a = ap.parse_args()

    arch = native_arch()
    listed = run([a.install_deps, "--list"])
    if listed.returncode != 0:
        sys.exit("debian-deps: install-deps --list failed:\n" + listed.stderr)
    roots = listed.stdout.split()
    have = closure(roots + essential(arch), arch)

    index = file_index(arch)
    bad = missing = 0
    with open(a.probes) as f:
        probes = [line.rstrip("\n").split("\t", 1) for line in f if "\t" in line]
    for what, path in probes:
        if path == "-":
            missing += 1
            print(f"{'MISSING' if a.require_all else 'absent '}  {what}")
            continue
        pkgs = owners(path, index)
        if not pkgs and local(path):
            print(f"local    {what}: {path}: not from a Debian package")
        elif not pkgs:
            print(f"??       {what}: {path}: no Debian package owns it")
            bad += 1
        elif pkgs & have:
            print(f"ok       {what}: {path} ({', '.join(sorted(pkgs & have))})")
        else:
            print(f"NOT INSTALLED BY install-deps  {what}: {path} (package "
                  f"{', '.join(sorted(pkgs))}: add it to "
                  f"scripts/install-deps.sh)")
            bad += 1
    print(f"debian-deps: {len(probes)} probes, {len(roots)} packages listed, "
          f"{len(have)} in their closure; {bad} not covered, {missing} absent")
    if bad or (a.require_all and missing):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
