;; Older toolchains import the calls from module `env`, and call flush
;; `sync`; the URL may be NUL-terminated with a length of 0 (earliest draft).
(module
  (import "env" "open" (func $open (param i32 i32) (result i32)))
  (import "env" "write" (func $write (param i32 i32 i32) (result i32)))
  (import "env" "sync" (func $sync (param i32) (result i32)))
  (import "env" "close" (func $close (param i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "stdout://\00")
  (data (i32.const 16) "via env\n")
  (func (export "main") (result i32) (local $fd i32)
    (local.set $fd (call $open (i32.const 0) (i32.const 0)))
    (drop (call $write (local.get $fd) (i32.const 16) (i32.const 8)))
    (drop (call $sync (local.get $fd)))
    (drop (call $close (local.get $fd)))
    (i32.const 3)))
