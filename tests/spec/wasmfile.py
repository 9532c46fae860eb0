"""What the spec runner needs to know about a valid module: its imports and
exports with their types, so that it can link modules to each other and to
`spectest` the way the reference interpreter does, and call the C functions
wasm2c generates with the right prototypes.

Only sections that matter for linking are decoded (type, import, function,
table, memory, global, export); the rest are skipped by size. Modules read
here have already been validated by wast2json, so a malformed one raises
WasmError rather than being diagnosed.
"""

I32, I64, F32, F64, V128, FUNCREF, EXTERNREF = (
    0x7F, 0x7E, 0x7D, 0x7C, 0x7B, 0x70, 0x6F)
VALTYPE_NAMES = {I32: "i32", I64: "i64", F32: "f32", F64: "f64",
                 V128: "v128", FUNCREF: "funcref", EXTERNREF: "externref"}
FUNC, TABLE, MEMORY, GLOBAL, TAG = range(5)
KIND_NAMES = ["func", "table", "memory", "global", "tag"]


class WasmError(Exception):
    pass


class Limits:
    def __init__(self, lo, hi):
        self.min, self.max = lo, hi  # hi None: no maximum

    def __repr__(self):
        return "%d..%s" % (self.min, "" if self.max is None else self.max)


class FuncType:
    def __init__(self, params, results):
        self.params, self.results = tuple(params), tuple(results)

    def __eq__(self, other):
        return (isinstance(other, FuncType) and self.params == other.params
                and self.results == other.results)

    def __hash__(self):
        return hash((self.params, self.results))

    def __repr__(self):
        names = lambda ts: " ".join(VALTYPE_NAMES.get(t, "?") for t in ts)
        return "(func (param %s) (result %s))" % (names(self.params),
                                                   names(self.results))


class TableType:
    def __init__(self, elem, limits):
        self.elem, self.limits = elem, limits


class GlobalType:
    def __init__(self, valtype, mutable):
        self.valtype, self.mutable = valtype, mutable

    def __eq__(self, other):
        return (isinstance(other, GlobalType) and self.valtype == other.valtype
                and self.mutable == other.mutable)

    def __hash__(self):
        return hash((self.valtype, self.mutable))


class Import:
    def __init__(self, module, name, kind, type_):
        self.module, self.name, self.kind, self.type = module, name, kind, type_


class Export:
    def __init__(self, name, kind, index, type_):
        self.name, self.kind, self.index, self.type = name, kind, index, type_


class Module:
    """imports: [Import]; exports: {name: Export}; the index spaces hold
    types, imports first."""

    def __init__(self):
        self.types = []
        self.imports = []
        self.funcs, self.tables, self.memories, self.globals = [], [], [], []
        self.exports = {}


class _Reader:
    def __init__(self, data, pos=0, end=None):
        self.data, self.pos = data, pos
        self.end = len(data) if end is None else end

    def byte(self):
        if self.pos >= self.end:
            raise WasmError("unexpected end at byte %#x" % self.pos)
        b = self.data[self.pos]
        self.pos += 1
        return b

    def u32(self):
        result = shift = 0
        while True:
            b = self.byte()
            result |= (b & 0x7F) << shift
            shift += 7
            if not b & 0x80:
                return result
            if shift > 35:
                raise WasmError("LEB128 too long at byte %#x" % self.pos)

    def skip_leb(self):
        while self.byte() & 0x80:
            pass

    def bytes(self, n):
        if self.pos + n > self.end:
            raise WasmError("unexpected end at byte %#x" % self.pos)
        b = self.data[self.pos:self.pos + n]
        self.pos += n
        return b

    def name(self):
        return self.bytes(self.u32()).decode("utf-8")

    def limits(self):
        flags = self.byte()
        if flags & ~0x07:
            raise WasmError("limits flags %#x" % flags)
        lo = self.u32()
        hi = self.u32() if flags & 1 else None
        return Limits(lo, hi)

    def table_type(self):
        elem = self.byte()
        return TableType(elem, self.limits())

    def global_type(self):
        valtype = self.byte()
        return GlobalType(valtype, self.byte() == 1)

    def const_expr(self):
        """Skips a constant expression up to its `end`."""
        while True:
            op = self.byte()
            if op == 0x0B:
                return
            if op in (0x41, 0x42, 0x23, 0xD2):  # i32/i64.const, global.get, ref.func
                self.skip_leb()
            elif op == 0x43:
                self.bytes(4)
            elif op == 0x44:
                self.bytes(8)
            elif op == 0xD0:  # ref.null t
                self.byte()
            elif op == 0xFD:  # v128.const
                self.skip_leb()
                self.bytes(16)
            elif op in (0x6A, 0x6B, 0x6C, 0x7C, 0x7D, 0x7E):  # extended const
                pass
            else:
                raise WasmError("opcode %#x in a constant expression" % op)


def _read_types(r, m):
    for _ in range(r.u32()):
        form = r.byte()
        if form != 0x60:
            raise WasmError("type form %#x" % form)
        params = [r.byte() for _ in range(r.u32())]
        results = [r.byte() for _ in range(r.u32())]
        m.types.append(FuncType(params, results))


def _read_imports(r, m):
    for _ in range(r.u32()):
        module, name, kind = r.name(), r.name(), r.byte()
        if kind == FUNC:
            t = m.types[r.u32()]
            m.funcs.append(t)
        elif kind == TABLE:
            t = r.table_type()
            m.tables.append(t)
        elif kind == MEMORY:
            t = r.limits()
            m.memories.append(t)
        elif kind == GLOBAL:
            t = r.global_type()
            m.globals.append(t)
        elif kind == TAG:
            r.byte()
            t = m.types[r.u32()]
        else:
            raise WasmError("import kind %#x" % kind)
        m.imports.append(Import(module, name, kind, t))


def _read_globals(r, m):
    for _ in range(r.u32()):
        m.globals.append(r.global_type())
        r.const_expr()


def _read_exports(r, m):
    spaces = {FUNC: m.funcs, TABLE: m.tables, MEMORY: m.memories,
              GLOBAL: m.globals}
    for _ in range(r.u32()):
        name, kind, index = r.name(), r.byte(), r.u32()
        space = spaces.get(kind)
        type_ = space[index] if space is not None and index < len(space) else None
        m.exports[name] = Export(name, kind, index, type_)


def read(data):
    """Module from the bytes of a binary module."""
    if data[:4] != b"\0asm" or data[4:8] != b"\1\0\0\0":
        raise WasmError("not a version 1 binary module")
    m = Module()
    r = _Reader(data, 8)
    while r.pos < r.end:
        sid = r.byte()
        size = r.u32()
        s = _Reader(data, r.pos, r.pos + size)
        r.pos += size
        if sid == 1:
            _read_types(s, m)
        elif sid == 2:
            _read_imports(s, m)
        elif sid == 3:
            m.funcs.extend(m.types[s.u32()] for _ in range(s.u32()))
        elif sid == 4:
            m.tables.extend(s.table_type() for _ in range(s.u32()))
        elif sid == 5:
            m.memories.extend(s.limits() for _ in range(s.u32()))
        elif sid == 6:
            _read_globals(s, m)
        elif sid == 7:
            _read_exports(s, m)
    return m


def read_file(path):
    with open(path, "rb") as f:
        return read(f.read())


def mangle(name):
    """wasm2c 1.0.32's mangling of a name (compiler/names.c): bytes outside
    [A-Za-z0-9_], and 'Z' itself, become 'Z' and two upper-case hex digits."""
    out = []
    for b in name.encode("utf-8"):
        c = chr(b)
        if (c.isascii() and (c.isalnum() or c == "_")) and c != "Z":
            out.append(c)
        else:
            out.append("Z%02X" % b)
    return "".join(out)
