"""Generates the C harness of one build: tests/spec/spec-main.c verbatim, then
the part written here for the modules and commands of one chunk (see
spec-main.c for what the generated part defines and run.py for chunks).

Names follow daggercc --harness (compiler/harness.c): the chunk's module k is
translated by wasm2c as "m" (k = 0) or "m<k>", so its instance type is
Z_<name>_instance_t and its export X is Z_<name>Z_<mangle(X)>. An import the
modules make of a registered module becomes a thunk here that forwards to
the exporting module's C function; imports of `spectest` are defined by
spec-main.c.
"""

import os

import wasmfile as W

# How a value type travels in C (wasm2c 1.0.32's types) and in spec_val.
C_TYPE = {W.I32: "u32", W.I64: "u64", W.F32: "f32", W.F64: "f64",
          W.EXTERNREF: "wasm_rt_externref_t", W.FUNCREF: "wasm_rt_funcref_t"}
SPEC_TYPE = {W.I32: "SPEC_I32", W.I64: "SPEC_I64", W.F32: "SPEC_F32",
             W.F64: "SPEC_F64", W.EXTERNREF: "SPEC_REF", W.FUNCREF: "SPEC_REF"}
# wasm2c's letters for multi-value result structs (struct wasm_multi_ij).
MULTI_LETTER = {W.I32: "i", W.I64: "j", W.F32: "f", W.F64: "d",
                W.EXTERNREF: "e", W.FUNCREF: "r"}
JSON_TYPE = {"i32": W.I32, "i64": W.I64, "f32": W.F32, "f64": W.F64,
             "externref": W.EXTERNREF, "funcref": W.FUNCREF}

# wasm_rt_trap_t of each trap message of the spec tests (prefix match).
TRAPS = [
    ("out of bounds memory access", "WASM_RT_TRAP_OOB"),
    ("out of bounds table access", "WASM_RT_TRAP_OOB"),
    ("undefined element", "WASM_RT_TRAP_CALL_INDIRECT"),
    ("uninitialized element", "WASM_RT_TRAP_CALL_INDIRECT"),
    ("indirect call type mismatch", "WASM_RT_TRAP_CALL_INDIRECT"),
    ("integer divide by zero", "WASM_RT_TRAP_DIV_BY_ZERO"),
    ("integer overflow", "WASM_RT_TRAP_INT_OVERFLOW"),
    ("invalid conversion to integer", "WASM_RT_TRAP_INVALID_CONVERSION"),
    ("unreachable", "WASM_RT_TRAP_UNREACHABLE"),
    ("call stack exhausted", "WASM_RT_TRAP_EXHAUSTION"),
]

SPEC_MAIN = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "spec-main.c")


class GenError(Exception):
    """A command the harness cannot express; it fails with this message."""


def trap_kind(text):
    for prefix, kind in TRAPS:
        if text.startswith(prefix):
            return kind
    raise GenError("unknown trap message %r" % text)


def module_name(k):
    """wasm2c's name of the chunk's module k (dgc_harness_module_name)."""
    return "m" if k == 0 else "m%d" % k


def c_result_type(results):
    if not results:
        return "void"
    if len(results) == 1:
        return C_TYPE[results[0]]
    return "struct wasm_multi_" + "".join(MULTI_LETTER[t] for t in results)


def literal(type_, value):
    """A spec_val initializer for a JSON value (ints and float bits are
    decimal strings of the unsigned bit pattern)."""
    if type_ in (W.I32, W.F32):
        return "{.i32 = 0x%xu}" % int(value)
    if type_ in (W.I64, W.F64):
        return "{.i64 = 0x%xull}" % int(value)
    return "{.ref = %du}" % (0 if value == "null" else int(value) + 1)


def arg_expr(type_, i):
    return {W.I32: "a[%d].i32", W.I64: "a[%d].i64",
            W.F32: "spec_f32(a[%d].i32)", W.F64: "spec_f64(a[%d].i64)",
            W.EXTERNREF: "spec_extern(a[%d].ref)",
            W.FUNCREF: "spec_funcref(a[%d].ref)"}[type_] % i


def store(type_, dest, value):
    return {W.I32: "%s.i32 = %s;", W.I64: "%s.i64 = %s;",
            W.F32: "%s.i32 = spec_f32_bits(%s);",
            W.F64: "%s.i64 = spec_f64_bits(%s);",
            W.EXTERNREF: "%s.ref = (uintptr_t)%s;",
            W.FUNCREF: "%s.ref = (%s).func != NULL;"}[type_] % (dest, value)


class Chunk:
    """The modules and commands of one harness build.

    mods: the runner's module records, in chunk order (record.wasm is the
    wasmfile.Module, record.imports the resolved imports: (Import, target)
    with target ("spectest", name) or (record, Export)).
    cmds: the runner's command records of those modules, in script order."""

    def __init__(self, mods, cmds):
        self.mods, self.cmds = mods, cmds
        self.k = {id(m): k for k, m in enumerate(mods)}
        self.out = []
        self.thunks = {}   # key -> C function name
        self.args, self.exps = [], []
        self.entries = []

    def name(self, mod):
        return module_name(self.k[id(mod)])

    def inst(self, mod):
        return "&spec_i%d" % self.k[id(mod)]

    def export_fn(self, mod, field):
        return "Z_%sZ_%s" % (self.name(mod), W.mangle(field))

    def emit(self, line=""):
        self.out.append(line)

    # ---- imports of registered modules -----------------------------------

    def import_structs(self):
        names = sorted({imp.module for m in self.mods for imp, t, _ in m.imports
                        if imp.module != "spectest"})
        for n in names:
            if n == "m" or (n[:1] == "m" and n[1:].isdigit()):
                raise GenError("import module %r collides with a wasm2c "
                               "module name of the harness" % n)
            st = "Z_%s_instance_t" % W.mangle(n)
            self.emit("struct %s {\n  int unused;\n};" % st)
            self.emit("static struct %s spec_imp_%s;" % (st, W.mangle(n)))
        self.emit()

    def import_thunks(self):
        done = {}
        for m in self.mods:
            for imp, target, _ in m.imports:
                if imp.module == "spectest":
                    continue
                key = (imp.module, imp.name)
                tmod, exp = target
                if key in done:
                    if done[key] is not exp:
                        raise GenError("import %s.%s bound twice" % key)
                    continue
                done[key] = exp
                self.import_thunk(imp, tmod, exp)

    def import_thunk(self, imp, tmod, exp):
        fn = "Z_%sZ_%s" % (W.mangle(imp.module), W.mangle(imp.name))
        st = "struct Z_%s_instance_t *i" % W.mangle(imp.module)
        target = self.export_fn(tmod, exp.name)
        if imp.kind == W.FUNC:
            ft = imp.type
            params = "".join(", %s a%d" % (C_TYPE[t], i)
                             for i, t in enumerate(ft.params))
            args = "".join(", a%d" % i for i in range(len(ft.params)))
            call = "%s(%s%s)" % (target, self.inst(tmod), args)
            body = ("%s;" % call if not ft.results else "return %s;" % call)
            self.emit("%s %s(%s%s) {\n  (void)i;\n  %s\n}" % (
                c_result_type(ft.results), fn, st, params, body))
            return
        if imp.kind == W.GLOBAL:
            ret = C_TYPE[imp.type.valtype] + " *"
        elif imp.kind == W.MEMORY:
            ret = "wasm_rt_memory_t *"
        elif imp.kind == W.TABLE:
            ret = ("wasm_rt_externref_table_t *" if imp.type.elem == W.EXTERNREF
                   else "wasm_rt_funcref_table_t *")
        else:
            raise GenError("cannot import a %s" % W.KIND_NAMES[imp.kind])
        self.emit("%s%s(%s) {\n  (void)i;\n  return %s(%s);\n}" % (
            ret, fn, st, target, self.inst(tmod)))

    # ---- instantiation ---------------------------------------------------

    def instances(self):
        for k, m in enumerate(self.mods):
            self.emit("static Z_%s_instance_t spec_i%d;" % (module_name(k), k))
        self.emit("unsigned char spec_live[%d];" % len(self.mods))
        self.emit()

    def memories(self):
        """spec_memory_of: a defined memory through the field daggercc names
        (DAGGERCC_HARNESS_MEMORY_<k>), an imported one through the accessor
        the module calls itself."""
        self.emit("static uint8_t *const *spec_memory_of(int k) {")
        self.emit("  switch (k) {")
        for k, m in enumerate(self.mods):
            imported = [imp for imp, t, _ in m.imports if imp.kind == W.MEMORY]
            if imported:
                imp = imported[0]
                self.emit("  case %d:\n    return &Z_%sZ_%s(%s)->data;" % (
                    k, W.mangle(imp.module), W.mangle(imp.name),
                    "&spec_spectest" if imp.module == "spectest" else
                    "&spec_imp_%s" % W.mangle(imp.module)))
            else:
                self.emit("#ifdef DAGGERCC_HARNESS_MEMORY_%d\n  case %d:\n"
                          "    return &spec_i%d.DAGGERCC_HARNESS_MEMORY_%d.data;"
                          "\n#endif" % (k, k, k, k))
        self.emit("  default:\n    return NULL;\n  }\n}\n")

    def instantiate(self, m):
        k, name = self.k[id(m)], self.name(m)
        # instantiate takes one pointer per imported module, in byte order
        # of the names; the _Generic makes a mistake a compile error.
        mods = sorted({imp.module.encode("utf-8") for imp, t, _ in m.imports})
        mods = [n.decode("utf-8") for n in mods]
        structs = ["struct Z_%s_instance_t *" % W.mangle(n) for n in mods]
        ptrs = ["&spec_spectest" if n == "spectest" else
                "&spec_imp_%s" % W.mangle(n) for n in mods]
        self.emit("_Static_assert(_Generic(&Z_%s_instantiate, void (*)(Z_%s_"
                  "instance_t *%s): 1, default: 0), \"import order\");" % (
                      name, name, "".join(", " + s for s in structs)))
        self.emit("static void spec_new%d(const spec_val *a, spec_val *r) {\n"
                  "  (void)a, (void)r;\n  Z_%s_init_module();\n"
                  "  Z_%s_instantiate(&spec_i%d%s);\n}" % (
                      k, name, name, k, "".join(", " + p for p in ptrs)))
        self.link_check(m, k)

    def link_check(self, m, k):
        """What the runner could not check statically: the current size of
        an imported memory or table, and that the exporters exist."""
        lines = []
        deps = []
        for imp, target, _ in m.imports:
            if imp.module != "spectest":
                tk = self.k[id(target[0])]
                if tk not in deps:
                    deps.append(tk)
        for tk in deps:
            lines.append("  if (!spec_live[%d])\n    return \"unknown import "
                         "(exporting module not instantiated)\";" % tk)
        for imp, target, _ in m.imports:
            fn = "Z_%sZ_%s" % (W.mangle(imp.module), W.mangle(imp.name))
            ptr = ("&spec_spectest" if imp.module == "spectest"
                   else "&spec_imp_%s" % W.mangle(imp.module))
            if imp.kind == W.MEMORY:
                check = "spec_memory_fits(%s(%s), %du)" % (
                    fn, ptr, imp.type.min)
            elif imp.kind == W.TABLE:
                check = "spec_table_fits(%s(%s)->size, %du)" % (
                    fn, ptr, imp.type.limits.min)
            else:
                continue
            lines.append("  if ((why = %s) != NULL)\n    return why;" % check)
        self.emit("static const char *spec_link%d(void) {" % k)
        self.emit("  const char *why = NULL;" if any("why" in l for l in lines)
                  else "  const char *why = NULL;\n  (void)why;")
        self.out.extend(lines)
        self.emit("  return NULL;\n}\n")

    # ---- calls -------------------------------------------------------------

    def thunk(self, mod, action, nargs_json):
        """The C function that performs an action: (name, result types)."""
        field = action["field"]
        exp = mod.wasm.exports.get(field)
        if exp is None:
            raise GenError("no export %r" % field)
        key = (id(mod), action["type"], field)
        if action["type"] == "get":
            if exp.kind != W.GLOBAL:
                raise GenError("export %r is not a global" % field)
            results = (exp.type.valtype,)
        else:
            if exp.kind != W.FUNC:
                raise GenError("export %r is not a function" % field)
            if len(exp.type.params) != nargs_json:
                raise GenError("export %r takes %d arguments" % (
                    field, len(exp.type.params)))
            results = exp.type.results
        if key in self.thunks:
            return self.thunks[key], results
        name = "spec_do%d" % len(self.thunks)
        self.thunks[key] = name
        target = self.export_fn(mod, field)
        body = []
        if action["type"] == "get":
            body.append(store(results[0], "r[0]", "*%s(%s)" % (
                target, self.inst(mod))))
        else:
            args = "".join(", " + arg_expr(t, i)
                           for i, t in enumerate(exp.type.params))
            call = "%s(%s%s)" % (target, self.inst(mod), args)
            if not results:
                body.append("%s;" % call)
            elif len(results) == 1:
                body.append(store(results[0], "r[0]", call))
            else:
                body.append("%s t = %s;" % (c_result_type(results), call))
                for i, t in enumerate(results):
                    body.append(store(t, "r[%d]" % i, "t.%s%d" % (
                        MULTI_LETTER[t], i)))
        self.emit("static void %s(const spec_val *a, spec_val *r) {" % name)
        self.emit("  (void)a, (void)r;")
        for line in body:
            self.emit("  " + line)
        self.emit("}")
        return name, results

    def values(self, action):
        at = len(self.args)
        exp = action.get("module_record").wasm.exports.get(action["field"])
        params = exp.type.params if exp is not None and exp.kind == W.FUNC else ()
        for i, v in enumerate(action.get("args", [])):
            t = JSON_TYPE.get(v["type"])
            if t is None:
                raise GenError("argument type %s" % v["type"])
            if i < len(params) and params[i] != t:
                raise GenError("argument %d is %s, the export takes %s" % (
                    i, v["type"], W.VALTYPE_NAMES[params[i]]))
            self.args.append(literal(t, v["value"]))
        return at

    def expected(self, expected, results):
        at = len(self.exps)
        if len(expected) != len(results):
            raise GenError("%d results expected, the export has %d" % (
                len(expected), len(results)))
        for v, t in zip(expected, results):
            jt = JSON_TYPE.get(v["type"])
            if jt != t:
                raise GenError("result of type %s expected, the export has %s"
                               % (v["type"], W.VALTYPE_NAMES.get(t, "?")))
            value = v.get("value")
            if value is None:
                how, lit = "SPEC_NONNULL", "{.ref = 0u}"
            elif value == "nan:canonical":
                how, lit = "SPEC_CANONICAL", "{.i64 = 0u}"
            elif value == "nan:arithmetic":
                how, lit = "SPEC_ARITHMETIC", "{.i64 = 0u}"
            else:
                how, lit = "SPEC_EXACT", literal(t, value)
            self.exps.append("{%s, %s, %s}" % (SPEC_TYPE[t], how, lit))
        return at

    # ---- the command table -------------------------------------------------

    def command(self, c):
        """One spec_cmd initializer for command record c, or GenError."""
        j = c.json
        kind = j["type"]
        if c.module_def is not None:  # module, uninstantiable, unlinkable
            m = c.module_def
            k = self.k[id(m)]
            ckind = {"module": "SPEC_MODULE",
                     "assert_uninstantiable": "SPEC_UNINSTANTIABLE",
                     "assert_unlinkable": "SPEC_UNLINKABLE"}[kind]
            trap = (trap_kind(j["text"]) if kind == "assert_uninstantiable"
                    else "0")
            return ("{.index = %d, .kind = %s, .trap = %s, .module = -1, "
                    ".defines = %d, .runs = %d, .fn = spec_new%d, "
                    ".link = spec_link%d}" % (
                        c.index, ckind, trap,
                        k if kind == "module" else -1, k, k, k))
        action = dict(j["action"], module_record=c.target)
        fn, results = self.thunk(c.target, action, len(action.get("args", [])))
        args = self.values(action)
        k = self.k[id(c.target)]
        if kind == "assert_return":
            exps = self.expected(j["expected"], results)
            return ("{.index = %d, .kind = SPEC_RETURN, .nexp = %d, "
                    ".module = %d, .defines = -1, .runs = %d, .fn = %s, "
                    ".args = spec_args + %d, .exp = spec_exps + %d}" % (
                        c.index, len(results), k, k, fn, args, exps))
        if kind in ("assert_trap", "assert_exhaustion"):
            return ("{.index = %d, .kind = SPEC_TRAP, .trap = %s, .module = %d, "
                    ".defines = -1, .runs = %d, .fn = %s, "
                    ".args = spec_args + %d}" % (
                        c.index, trap_kind(j["text"]), k, k, fn, args))
        if kind == "action":
            return ("{.index = %d, .kind = SPEC_ACTION, .module = %d, "
                    ".defines = -1, .runs = %d, .fn = %s, "
                    ".args = spec_args + %d}" % (c.index, k, k, fn, args))
        raise GenError("command %s" % kind)

    def generate(self):
        """(C text, {command index: message} of commands left out)."""
        dropped = {}
        with open(SPEC_MAIN) as f:
            self.emit(f.read())
        self.emit("/* ---- generated by tests/spec/harness.py ---- */\n")
        self.instances()
        self.import_structs()
        self.import_thunks()
        self.memories()
        for m in self.mods:
            self.instantiate(m)
        for c in self.cmds:
            mark = (len(self.out), len(self.args), len(self.exps),
                    dict(self.thunks))
            try:
                self.entries.append(self.command(c))
            except GenError as e:
                del self.out[mark[0]:]
                del self.args[mark[1]:]
                del self.exps[mark[2]:]
                self.thunks = mark[3]
                dropped[c.index] = str(e)
        self.emit("static const spec_val spec_args[] = {%s};" % (
            ", ".join(self.args) or "{.i32 = 0u}"))
        self.emit("static const spec_exp spec_exps[] = {%s};" % (
            ", ".join(self.exps) or "{0, 0, {.i32 = 0u}}"))
        self.emit("const spec_cmd spec_cmds[] = {")
        for e in self.entries:
            self.emit("    %s," % e)
        if not self.entries:
            self.emit("    {.index = -1, .module = -1, .defines = -1, "
                      ".runs = -1},")
        self.emit("};")
        self.emit("const size_t spec_ncmds = %s;" % (
            "sizeof spec_cmds / sizeof spec_cmds[0]" if self.entries else "0"))
        return "\n".join(self.out) + "\n", dropped
