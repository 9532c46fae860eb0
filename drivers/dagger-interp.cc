/* dagger-interp: runs a Dagger module under wabt's interpreter library, on
 * the very runtime (daggerrt) that compiled programs link, so that streams,
 * error codes, trap reports and exit statuses are the same in both modes.
 *
 *   dagger-interp [OPTIONS] MODULE.wasm|MODULE.wat [ARGS...]
 *
 * Pipeline: read the file; a text module (anything not starting with the
 * "\0asm" magic) is parsed and validated in-process by libwabt's WAT parser
 * and written to a binary, so that every later stage sees the exact bytes
 * the interpreter runs. (In-process rather than spawning wat2wasm: libwabt
 * is linked anyway, it is the same wabt version, and there is no temporary
 * file and no PATH lookup.) Then the compiler library's reader and ABI check
 * give the same diagnostics daggercc gives; then wabt reads, validates,
 * links (one HostFunc per import, bound by the ABI check) and instantiates
 * the module, and the entry export is called.
 *
 * The runtime reads the guest memory view through two pointers at every
 * call. wabt keeps a memory in a std::vector that memory.grow may move, so
 * each host function refreshes that view (HostEnv) before calling into the
 * runtime; nothing is cached across calls but the Memory object itself.
 *
 * A wabt Trap carries only a message; trap_kind() maps its prefix to a
 * dagger_trap. The messages are wabt 1.0.32's (interp-math.h and the
 * strings of libwabt.a), and tests/interp/ raises each of them but
 * "uncaught exception" (exceptions are off, as in wasm2c's defaults). */
#include <algorithm>
#include <cerrno>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <string_view>
#include <vector>

#include "wabt/binary-reader.h"
#include "wabt/binary-writer.h"
#include "wabt/cast.h"
#include "wabt/error.h"
#include "wabt/feature.h"
#include "wabt/interp/binary-reader-interp.h"
#include "wabt/interp/interp.h"
#include "wabt/ir.h"
#include "wabt/stream.h"
#include "wabt/validator.h"
#include "wabt/wast-lexer.h"
#include "wabt/wast-parser.h"

extern "C" {
#include "compiler.h"
}
#include "dagger/runtime.h"
#include "rules.h"

namespace {

namespace interp = wabt::interp;

const char kTool[] = "dagger-interp";

// ---- diagnostics -----------------------------------------------------------

// Every line goes out through dgc_print_error, as daggercc's do: control
// bytes in a file name or a message escaped as \xNN, so no name can forge
// a line or reach the terminal as a control sequence.
__attribute__((format(printf, 2, 3))) void fail(const char *path,
                                                const char *fmt, ...) {
  char msg[4096];
  va_list ap;
  va_start(ap, fmt);
  std::vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  dgc_print_error(stderr, kTool, "%s: %s", path, msg);
}

void print_errors(const char *path, const wabt::Errors &errors,
                  wabt::Location::Type type) {
  for (const wabt::Error &e : errors) {
    const char *level =
        e.error_level == wabt::ErrorLevel::Warning ? "warning: " : "";
    if (type == wabt::Location::Type::Text)
      dgc_print_error(stderr, kTool, "%s:%d:%d: %s%s", path, e.loc.line,
                      e.loc.first_column, level, e.message.c_str());
    else
      dgc_print_error(stderr, kTool, "%s: at byte 0x%zx: %s%s", path,
                      e.loc.offset, level, e.message.c_str());
  }
}

// ---- loading ---------------------------------------------------------------

// The module file, read as daggercc reads its inputs (compiler/files.c):
// a regular file of at most DGC_INPUT_MAX bytes, never blocking on a FIFO.
bool read_file(const char *path, std::vector<uint8_t> &out) {
  uint8_t *buf;
  size_t len;
  dgc_diag d;
  if (dgc_read_input(path, &buf, &len, &d) != 0) {
    fail(path, "%s", d.msg);
    return false;
  }
  try {
    out.assign(buf, buf + len);
  } catch (...) {
    std::free(buf);
    throw;
  }
  std::free(buf);
  return true;
}

bool is_binary(const std::vector<uint8_t> &buf) {
  return buf.size() >= 4 && std::memcmp(buf.data(), "\0asm", 4) == 0;
}

// Parses and validates WAT text, writes the module as a binary into `wasm`.
bool wat_to_wasm(const char *path, const std::vector<uint8_t> &text,
                 const wabt::Features &features, std::vector<uint8_t> &wasm) {
  wabt::Errors errors;
  // Instruction names of before 2019 rewritten, as daggercc does (wat.c).
  size_t n, count;
  std::unique_ptr<char, decltype(&free)> modern(
      dgc_wat_modernise(reinterpret_cast<const char *>(text.data()),
                        text.size(), &n, &count, nullptr),
      &free);
  if (!modern) {
    fail(path, "out of memory");
    return false;
  }
  std::unique_ptr<wabt::WastLexer> lexer =
      wabt::WastLexer::CreateBufferLexer(path, modern.get(), n, &errors);
  std::unique_ptr<wabt::Module> module;
  wabt::WastParseOptions parse_options(features);
  wabt::Result r =
      wabt::ParseWatModule(lexer.get(), &module, &errors, &parse_options);
  if (wabt::Succeeded(r))
    r = wabt::ValidateModule(module.get(), &errors,
                             wabt::ValidateOptions(features));
  if (wabt::Succeeded(r)) {
    wabt::MemoryStream stream;
    // Debug names: the $names of the text name a trap's function, as
    // daggercc's wat2wasm --debug-names makes them do in compiled programs.
    wabt::WriteBinaryOptions options(features, true, false, true);
    r = wabt::WriteBinaryModule(&stream, module.get(), options);
    wasm = std::move(stream.output_buffer().data);
  }
  print_errors(path, errors, wabt::Location::Type::Text);
  if (wabt::Failed(r) && errors.empty())
    fail(path, "cannot convert the text module to a binary");
  return wabt::Succeeded(r);
}

// The compiler library's view: the same diagnostics daggercc gives.
bool check_abi(const char *path, const std::vector<uint8_t> &wasm,
               dgc_module *m, dgc_abi *abi) {
  dgc_diag d;
  if (dgc_read_module(wasm.data(), wasm.size(), m, &d) != 0) {
    fail(path, "%s", d.msg);
    return false;
  }
  if (dgc_check_abi(m, abi, &d) != 0) {
    fail(path, "%s", d.msg);
    return false;
  }
  return true;
}

// wabt's validating reader, with SIMD off as daggercc validates: wasm2c
// 1.0.32 aborts on SIMD code, so a module that is valid only with SIMD gets
// daggercc's message rather than running here and nowhere else.
bool read_interp(const char *path, const std::vector<uint8_t> &wasm,
                 const wabt::Features &features, interp::ModuleDesc *desc) {
  wabt::Errors errors;
  wabt::ReadBinaryOptions options(features, nullptr, false, true, false);
  wabt::Result r = interp::ReadBinaryInterp(path, wasm.data(), wasm.size(),
                                            options, &errors, desc);
  if (wabt::Succeeded(r))
    return true;
  wabt::Errors simd_errors;
  interp::ModuleDesc simd_desc;
  options.features.enable_simd();
  if (wabt::Succeeded(interp::ReadBinaryInterp(
          path, wasm.data(), wasm.size(), options, &simd_errors, &simd_desc))) {
    fail(path, "module uses SIMD (v128), which wasm2c 1.0.32 cannot "
               "translate");
    return false;
  }
  // The first error is the cause; wabt's reader follows it with lines such
  // as "EndFunctionBody callback failed".
  simd_errors.resize(std::min<size_t>(simd_errors.size(), 1));
  print_errors(path, simd_errors, wabt::Location::Type::Binary);
  if (simd_errors.empty())
    fail(path, "wabt cannot load the module");
  return false;
}

// ---- host functions --------------------------------------------------------

// What the host functions share: the runtime and the mirror of the guest
// memory that the runtime's dagger_memory points at.
struct HostEnv {
  dagger_rt *rt = nullptr;
  const dgc_module *mod = nullptr;  // names for a trap's place
  bool has_memory = false;          // the module defines or imports one
  interp::Memory *memory = nullptr; // owned by the store; found lazily
  uint8_t *base = nullptr;
  uint32_t pages = 0;
};

// A defined memory exists only once instantiation has begun (a start
// function may already call the host), so it is taken from the calling
// instance at the first call. There is one instance and one memory.
interp::Memory *caller_memory(interp::Thread &thread) {
  interp::Instance *inst = thread.GetCallerInstance();
  if (!inst || inst->memories().empty())
    return nullptr;
  return thread.store().UnsafeGet<interp::Memory>(inst->memories()[0]).get();
}

// Before every call: memory.grow may have resized (and moved) the buffer.
inline void refresh_view(HostEnv &env, interp::Thread &thread) {
  if (!env.memory) {
    if (!env.has_memory || !(env.memory = caller_memory(thread)))
      return;
  }
  env.base = env.memory->UnsafeData();
  env.pages = static_cast<uint32_t>(env.memory->PageSize());
}

int32_t dispatch(dagger_rt *rt, dgc_call call, const interp::Values &a) {
  switch (call) {
  case DGC_CALL_OPEN:
    return dagger_open(rt, a[0].Get<uint32_t>(), a[1].Get<uint32_t>());
  case DGC_CALL_CLOSE:
    return dagger_close(rt, a[0].Get<int32_t>());
  case DGC_CALL_READ:
    return dagger_read(rt, a[0].Get<int32_t>(), a[1].Get<uint32_t>(),
                       a[2].Get<uint32_t>());
  case DGC_CALL_WRITE:
    return dagger_write(rt, a[0].Get<int32_t>(), a[1].Get<uint32_t>(),
                        a[2].Get<uint32_t>());
  case DGC_CALL_FLUSH:
    return dagger_flush(rt, a[0].Get<int32_t>());
  case DGC_CALL_WASI: // bound to wasi_callback instead
    break;
  }
  return -DAGGER_UNSUPPORTED;
}

// The callback captures two words, which std::function stores inline: no
// allocation per call on our side.
interp::HostFunc::Callback host_callback(HostEnv *env, dgc_call call) {
  return [env, call](interp::Thread &thread, const interp::Values &args,
                     interp::Values &results, interp::Trap::Ptr *) {
    refresh_view(*env, thread);
    results[0] = interp::Value::Make(dispatch(env->rt, call, args));
    return wabt::Result::Ok;
  };
}

// The message of the trap that unwinds the guest after WASI's proc_exit;
// execute() asks the runtime for the status instead of reporting it.
const char kExitTrap[] = "dagger: proc_exit";

// A WASI function: its arguments as the runtime's 64-bit words, in the
// order and with the types of the import table (compiler/wasi.c).
interp::HostFunc::Callback wasi_callback(HostEnv *env, int fn) {
  return [env, fn](interp::Thread &thread, const interp::Values &args,
                   interp::Values &results, interp::Trap::Ptr *trap) {
    refresh_view(*env, thread);
    const char *types = dgc_wasi_fns[fn].params;
    uint64_t a[16] = {0};
    for (size_t k = 0; types[k] && k < 16; k++)
      a[k] =
          types[k] == 'I' ? args[k].Get<uint64_t>() : args[k].Get<uint32_t>();
    int32_t r = dagger_wasi_call(env->rt, static_cast<dagger_wasi_fn>(fn), a);
    int status;
    if (dagger_wasi_exited(env->rt, &status)) {
      *trap = interp::Trap::New(thread.store(), kExitTrap);
      return wabt::Result::Error;
    }
    if (!results.empty())
      results[0] = interp::Value::Make(r);
    return wabt::Result::Ok;
  };
}

// One extern per import, in import order: a HostFunc per function import as
// the ABI check bound it, a fresh Memory for an imported memory. `keep`
// holds them rooted until the instance references them.
bool bind_imports(const char *path, interp::Store &store,
                  const interp::Module &module, const dgc_abi &abi,
                  HostEnv &env, interp::RefVec &imports,
                  std::vector<interp::Extern::Ptr> &keep) {
  uint32_t next = 0;
  for (const interp::ImportType &imp : module.import_types()) {
    interp::Extern::Ptr ext;
    if (auto *ft = wabt::dyn_cast<interp::FuncType>(imp.type.get())) {
      if (next >= abi.nbindings || imp.module != abi.bindings[next].module ||
          imp.name != abi.bindings[next].name)
        break;
      const dgc_binding &b = abi.bindings[next++];
      ext = interp::HostFunc::New(store, *ft,
                                  b.call == DGC_CALL_WASI
                                      ? wasi_callback(&env, b.wasi)
                                      : host_callback(&env, b.call));
    } else if (auto *mt = wabt::dyn_cast<interp::MemoryType>(imp.type.get())) {
      interp::Memory::Ptr mem = interp::Memory::New(store, *mt);
      env.memory = mem.get();
      ext = mem;
    } else {
      break;
    }
    imports.push_back(ext.ref());
    keep.push_back(std::move(ext));
  }
  if (imports.size() == module.import_types().size())
    return true;
  fail(path, "internal error: imports disagree with the ABI check");
  return false;
}

// ---- traps -----------------------------------------------------------------

// wabt 1.0.32's trap messages, by prefix. wasm2c reports every failed
// call_indirect (index out of range, null entry, type mismatch) as one kind,
// and an out-of-range table.get/set/init/copy/fill as out of bounds.
const struct {
  const char *prefix;
  dagger_trap kind;
} kTrapMessages[] = {
    {"unreachable executed", DAGGER_TRAP_UNREACHABLE},
    {"out of bounds memory access", DAGGER_TRAP_OUT_OF_BOUNDS},
    {"out of bounds table access", DAGGER_TRAP_OUT_OF_BOUNDS},
    {"integer overflow", DAGGER_TRAP_INT_OVERFLOW},
    {"integer divide by zero", DAGGER_TRAP_DIV_BY_ZERO},
    {"invalid conversion to integer", DAGGER_TRAP_INVALID_CONVERSION},
    {"indirect call signature mismatch", DAGGER_TRAP_INDIRECT_CALL},
    {"undefined table index", DAGGER_TRAP_INDIRECT_CALL},
    {"uninitialized table element", DAGGER_TRAP_INDIRECT_CALL},
    {"call stack exhausted", DAGGER_TRAP_EXHAUSTION},
    {"uncaught exception", DAGGER_TRAP_EXCEPTION},
};

dagger_trap trap_kind(std::string_view msg) {
  for (const auto &t : kTrapMessages)
    if (msg.substr(0, std::strlen(t.prefix)) == t.prefix)
      return t.kind;
  return DAGGER_TRAP_OTHER;
}

// wabt 1.0.32's Trap keeps the call stack it was raised with in a private
// member, trace_, and offers no accessor. An explicit instantiation may name
// a private member, so this template hands out a pointer to it.
struct TrapTrace {
  using type = std::vector<interp::Frame> interp::Trap::*;
  friend type trace_member(TrapTrace);
};
template <typename Tag, typename Tag::type Member> struct Expose {
  friend typename Tag::type trace_member(Tag) { return Member; }
};
template struct Expose<TrapTrace, &interp::Trap::trace_>;

// The function index (imports first) of a frame's function, or -1.
int64_t frame_index(const interp::Frame &f) {
  if (!f.inst)
    return -1;
  const interp::RefVec &funcs = f.inst->funcs();
  for (size_t i = 0; i < funcs.size(); i++)
    if (funcs[i] == f.func)
      return static_cast<int64_t>(i);
  return -1;
}

// The place of a trap: its function and the wasm functions on the stack
// (innermost first) from the trap's trace, and for an out-of-bounds load or
// store the address and size from wabt's message ("out of bounds memory
// access: access at 305419896+8 >= max value 65536").
struct TrapPlace {
  std::vector<std::string> names;
  std::vector<const char *> frames;
  dagger_trap_where where{};

  TrapPlace(const dgc_module *mod, const interp::Trap &trap,
            const std::string &msg) {
    const std::vector<interp::Frame> &trace = trap.*trace_member(TrapTrace());
    // At most as many frames as a compiled program walks (traps.c).
    const size_t max_frames = 64;
    for (auto f = trace.rbegin(); mod && f != trace.rend(); ++f) {
      if (names.size() == max_frames) {
        where.frames_cut = 1;
        break;
      }
      int64_t i = frame_index(*f);
      char buf[32];
      if (i >= 0)
        names.emplace_back(
            dgc_func_name(mod, static_cast<uint32_t>(i), buf, sizeof buf));
    }
    for (const std::string &n : names)
      frames.push_back(n.c_str());
    where.frames = frames.data();
    where.nframes = frames.size();
    where.function = frames.empty() ? nullptr : frames[0];
    where.why = "the trap carries no stack";
    unsigned long long addr;
    long size;
    if (std::sscanf(msg.c_str(),
                    "out of bounds memory access: access at %llu+%ld", &addr,
                    &size) == 2 &&
        size > 0) {
      where.has_address = 1;
      where.address = addr;
      where.size = static_cast<uint32_t>(size);
    }
  }
};

// The runtime's report (flush, one line, status); a message we do not know
// is also shown verbatim, since it may be a fault of this tool. The trap
// that follows WASI's proc_exit is no trap: the status is the guest's.
int report_trap(const char *path, HostEnv &env, const interp::Trap::Ptr &trap) {
  int status;
  if (dagger_wasi_exited(env.rt, &status))
    return status;
  std::string msg = trap ? trap->message() : std::string("(no message)");
  dagger_trap kind = trap_kind(msg);
  if (trap) {
    TrapPlace place(env.mod, *trap, msg);
    status = dagger_trap_report_at(env.rt, kind, &place.where);
  } else {
    status = dagger_trap_report(env.rt, kind);
  }
  if (kind == DAGGER_TRAP_OTHER)
    fail(path, "wabt trap: %s", msg.c_str());
  return status;
}

// ---- running ---------------------------------------------------------------

interp::Func::Ptr find_entry(interp::Store &store, const interp::Module &module,
                             const interp::Instance &inst, const char *name) {
  const std::vector<interp::ExportType> &exports = module.export_types();
  for (size_t i = 0; i < exports.size(); i++)
    if (exports[i].name == name &&
        exports[i].type->kind == wabt::ExternalKind::Func)
      return store.UnsafeGet<interp::Func>(inst.exports()[i]);
  return {};
}

// ---- limits (docs/limits.md) ----------------------------------------------

// The memory limit as wabt enforces a module's own maximum: the declared
// maximum of the defined or imported memory is lowered to it, so that
// memory.grow past it answers -1. The largest initial size, or 0 when no
// memory starts above the limit.
uint32_t limit_memory(interp::ModuleDesc &desc, uint32_t max_pages) {
  uint64_t over = 0;
  auto lower = [&](wabt::Limits &l) {
    if (l.initial > max_pages && l.initial > over)
      over = l.initial;
    if (!l.has_max || l.max > max_pages)
      l.max = max_pages;
    l.has_max = true;
  };
  for (interp::MemoryDesc &m : desc.memories)
    lower(m.type.limits);
  for (interp::ImportDesc &imp : desc.imports)
    if (auto *mt = wabt::dyn_cast<interp::MemoryType>(imp.type.type.get()))
      lower(mt->limits);
  return static_cast<uint32_t>(over);
}

// Link, instantiate (the start function runs here), call the entry.
// Returns the process exit status.
int execute(const char *path, const wabt::Features &features,
            interp::ModuleDesc desc, const dgc_abi &abi, HostEnv &env,
            const dagger_limits &lim) {
  if (lim.max_pages)
    if (uint32_t pages = limit_memory(desc, lim.max_pages))
      return dagger_limits_memory_refused(env.rt, pages);
  interp::Store store(features);
  interp::Module::Ptr module = interp::Module::New(store, std::move(desc));
  interp::RefVec imports;
  std::vector<interp::Extern::Ptr> keep;
  if (!bind_imports(path, store, *module, abi, env, imports, keep))
    return 1;
  interp::Trap::Ptr trap;
  // The clocks start here, with the start function still to run.
  if (dagger_limits_start(env.rt, &lim) != 0)
    return DAGGER_LIMIT_START_STATUS;
  interp::Instance::Ptr inst =
      interp::Instance::Instantiate(store, module.ref(), imports, &trap);
  if (!inst) {
    dagger_limits_stop(env.rt);
    return report_trap(path, env, trap);
  }
  interp::Func::Ptr entry = find_entry(store, *module, *inst, abi.entry);
  if (!entry) {
    fail(path, "internal error: no function export %s", abi.entry);
    return 1;
  }
  interp::Thread thread(store);
  interp::Values params, results;
  bool failed = wabt::Failed(entry->Call(thread, params, results, &trap));
  dagger_limits_stop(env.rt);
  if (env.memory) // the statistics' peak pages
    env.pages = static_cast<uint32_t>(env.memory->PageSize());
  if (failed)
    return report_trap(path, env, trap);
  if (abi.entry_kind == DGC_ENTRY_I32 && results.size() == 1)
    return results[0].Get<int32_t>();
  return 0;
}

// The name the runtime uses in its diagnostics: the module's file name
// without .wasm/.wat, as a compiled program's would be ("hello: trap: ...").
std::string program_name(const char *path) {
  std::string name(path);
  for (const char *ext : {".wasm", ".wat"}) {
    size_t n = std::strlen(ext);
    if (name.size() > n && name.compare(name.size() - n, n, ext) == 0)
      return name.substr(0, name.size() - n);
  }
  return name;
}

// The policy rules of the command line, as daggercc takes them.
struct Policy {
  std::vector<const char *> allow, deny;
  // WASI: the --env specs and the module's arguments (argv[0] its path),
  // each NULL-terminated when handed to the runtime.
  std::vector<const char *> env, args;
  dagger_limits limits{}; // --max-memory, --timeout, --cpu-time

  dgc_policy view() const {
    return dgc_policy{allow.data(), allow.size(), deny.data(), deny.size()};
  }
};

int run(const char *path, const Policy &policy, const wabt::Features &features,
        interp::ModuleDesc desc, const dgc_module &mod, const dgc_abi &abi,
        dagger_limits lim) {
  std::string program = program_name(path);
  std::vector<const char *> allow(policy.allow), deny(policy.deny);
  allow.push_back(nullptr);
  deny.push_back(nullptr);
  dgc_policy view = policy.view();
  dagger_config cfg;
  dagger_config_default(&cfg);
  cfg.program = program.c_str();
  cfg.allow = allow.data();
  cfg.deny = deny.data();
  cfg.default_allow = dgc_policy_default_allow(&view);
  std::vector<const char *> wasi_env(policy.env), args(policy.args);
  wasi_env.push_back(nullptr);
  args.push_back(nullptr);
  cfg.env = wasi_env.data();
  cfg.args = args.data();
  HostEnv env;
  env.mod = &mod;
  env.rt = dagger_rt_new(&cfg);
  if (!env.rt) {
    fail(path, "out of memory");
    return 1;
  }
  if (dagger_limits_from_env(env.rt, &lim) != 0)
    return dagger_rt_exit(env.rt, DAGGER_LIMIT_START_STATUS);
  if (abi.wasi)
    dagger_wasi_init(env.rt); // descriptors 0-3; a jail failure is reported
  env.has_memory = abi.memory != dgc_abi::DGC_MEM_NONE;
  dagger_rt_set_memory(
      env.rt, dagger_memory{&env.base, &env.pages, WABT_BIG_ENDIAN ? 1 : 0});
  int status;
  try {
    status = execute(path, features, std::move(desc), abi, env, lim);
  } catch (const std::bad_alloc &) {
    // wabt grows its value stack and memories with std::vector.
    dagger_limits_stop(env.rt);
    status = dagger_trap_report(env.rt, DAGGER_TRAP_EXHAUSTION);
    fail(path, "host memory exhausted");
  }
  return dagger_rt_exit(env.rt, status);
}

int load_and_run_unguarded(const char *path, const Policy &policy) {
  wabt::Features features, run_features; // wat2wasm's defaults; minus SIMD
  run_features.disable_simd();
  std::vector<uint8_t> file, text_wasm;
  if (!read_file(path, file))
    return 1;
  if (!is_binary(file) && !wat_to_wasm(path, file, features, text_wasm))
    return 1;
  const std::vector<uint8_t> &wasm = is_binary(file) ? file : text_wasm;
  dgc_module m;
  dgc_abi abi;
  std::memset(&m, 0, sizeof m);
  std::memset(&abi, 0, sizeof abi);
  int status = 1;
  interp::ModuleDesc desc;
  if (check_abi(path, wasm, &m, &abi) &&
      read_interp(path, wasm, run_features, &desc))
    status =
        run(path, policy, run_features, std::move(desc), m, abi, policy.limits);
  dgc_abi_free(&abi);
  dgc_module_free(&m);
  return status;
}

// Host memory can run out while loading (a module within the size limit
// may still expand); that is a failure to load, not an abort.
int load_and_run(const char *path, const Policy &policy) {
  try {
    return load_and_run_unguarded(path, policy);
  } catch (const std::bad_alloc &) {
    fail(path, "out of memory");
    return 1;
  }
}

// ---- command line ----------------------------------------------------------

void usage(FILE *f) {
  std::fprintf(
      f,
      "usage: %s [OPTIONS] MODULE.wasm|MODULE.wat [ARGS...]\n"
      "Runs a Dagger WebAssembly module under wabt's interpreter, with the\n"
      "same runtime, streams, trap reports and exit statuses as a program\n"
      "compiled by daggercc. The module's entry result is the exit status;\n"
      "a trap exits with %d + its kind. A file not starting with the\n"
      "binary magic is read as WebAssembly text. ARGS belong to the module.\n"
      "\n"
      "Options (before MODULE only):\n"
      "  --allow RULE     allow the URLs RULE matches (repeatable)\n"
      "  --deny RULE      deny them (repeatable)\n"
      "  --env NAME[=VALUE]  let a WASI module see NAME: the host's value,\n"
      "                   or VALUE (repeatable)\n"
      "  --max-memory SIZE   limit the module's memory (64M, 1GiB):\n"
      "                   memory.grow past it answers -1\n"
      "  --timeout SECONDS   stop the module after SECONDS of wall clock\n"
      "                   (status 211)\n"
      "  --cpu-time SECONDS  stop it after SECONDS of CPU time (status 212)\n"
      "  --print-policy   print what the module may open, then exit\n"
      "  -h, --help       print this help and exit\n"
      "  --version        print the version and exit\n"
      "  --               end of options\n"
      "\n"
      "Policy, as with daggercc: with no rules the module may open any URL;\n"
      "once there is an --allow rule, a URL that no rule names is denied.\n"
      "\n"
      "Environment:\n"
      "  DAGGER_ROOT  the jail of file:/// URLs (default: the current\n"
      "               directory)\n"
      "  DAGGER_MAX_MEMORY, DAGGER_TIMEOUT, DAGGER_CPU_TIME  lower the\n"
      "               limits above (never raise them)\n"
      "  DAGGER_STATS=FILE  write the run's statistics there as JSON (-:\n"
      "               stderr; docs/limits.md)\n"
      "\n"
      "Exit status: the module's, 1 when it cannot be loaded, 2 usage error.\n",
      kTool, DAGGER_TRAP_EXIT_BASE);
}

__attribute__((format(printf, 1, 2))) int usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char msg[4096];
  std::vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  dgc_print_error(stderr, kTool, "%s", msg);
  usage(stderr);
  return 2;
}

// "--allow RULE" or "--allow=RULE" (likewise --deny, --env), checked as
// daggercc checks it (drivers/rules.c): 1 taken, 0 another option, -1
// error.
int take_value(const char *name, int argc, char **argv, int &i,
               std::vector<const char *> &values) {
  size_t n = std::strlen(name);
  const char *a = argv[i];
  if (std::strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
    return 0;
  const char *v = a[n] == '=' ? a + n + 1 : i + 1 < argc ? argv[++i] : "";
  char msg[512];
  int bad = std::strcmp(name, "--env") == 0
                ? dagger_cli_env_check(v, msg, sizeof msg)
                : dagger_cli_rule_check(name, v, msg, sizeof msg);
  if (bad != 0) {
    usage_error("%s", msg);
    return -1;
  }
  values.push_back(v);
  return 1;
}

// "--max-memory SIZE", "--timeout SECONDS", "--cpu-time SECONDS" (or with
// '='), parsed as daggercc parses them: 1 taken, 0 another option, -1 error.
int take_limit(int argc, char **argv, int &i, dagger_limits &lim) {
  static const char *const names[] = {"--max-memory", "--timeout",
                                      "--cpu-time"};
  for (int k = 0; k < 3; k++) {
    size_t n = std::strlen(names[k]);
    const char *a = argv[i];
    if (std::strncmp(a, names[k], n) != 0 || (a[n] != '\0' && a[n] != '='))
      continue;
    const char *v = a[n] == '=' ? a + n + 1 : i + 1 < argc ? argv[++i] : "";
    bool ok = k == 0   ? dagger_limit_parse_size(v, &lim.max_pages) == 0
              : k == 1 ? dagger_limit_parse_seconds(v, &lim.timeout_ms) == 0
                       : dagger_limit_parse_seconds(v, &lim.cpu_ms) == 0;
    if (ok)
      return 1;
    usage_error(k == 0 ? "%s %s: expected a size of at least 64KiB (bytes, "
                         "or with K, M or G: 64M, 1GiB)"
                       : "%s %s: expected a positive number of seconds (2, "
                         "0.5)",
                names[k], v);
    return -1;
  }
  return 0;
}

// Options come before the module; everything after it is the module's.
struct Args {
  Policy policy;
  bool print_policy = false;
  int module = 0; // index of the module in argv
};

// true: go on with args; false: exit with *status (help, version, error).
bool parse_args(int argc, char **argv, Args &args, int *status) {
  int i = 1;
  *status = 0;
  for (; i < argc && argv[i][0] == '-' && argv[i][1] != '\0'; i++) {
    std::string_view opt = argv[i];
    if (opt == "--") {
      i++;
      break;
    }
    if (opt == "-h" || opt == "--help") {
      usage(stdout);
      return false;
    }
    if (opt == "--version") {
      std::printf("%s (daggercc) %s, wabt %s interpreter\n", kTool,
                  DAGGER_VERSION, WABT_VERSION_STRING);
      return false;
    }
    if (opt == "--print-policy") {
      args.print_policy = true;
      continue;
    }
    int r = take_limit(argc, argv, i, args.policy.limits);
    if (r == 0)
      r = take_value("--allow", argc, argv, i, args.policy.allow);
    if (r == 0)
      r = take_value("--deny", argc, argv, i, args.policy.deny);
    if (r == 0)
      r = take_value("--env", argc, argv, i, args.policy.env);
    if (r == 0)
      usage_error("unknown option '%s'", argv[i]);
    if (r <= 0) {
      *status = 2;
      return false;
    }
  }
  args.module = i;
  return true;
}

} // namespace

int main(int argc, char **argv) {
  Args args;
  int status;
  if (!parse_args(argc, argv, args, &status))
    return status;
  if (args.print_policy) {
    dgc_policy view = args.policy.view();
    dgc_policy_print(stdout, &view);
    return 0;
  }
  if (args.module >= argc)
    return usage_error("no module given");
  for (int i = args.module; i < argc; i++)
    args.policy.args.push_back(argv[i]);
  return load_and_run(argv[args.module], args.policy);
}
