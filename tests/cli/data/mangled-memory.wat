;; An imported memory whose name needs wasm2c's mangling ('Z', '.', '-'),
;; and a `sync` import (the old name of flush). Prints "mangled ok\n".
(module
  (import "env" "Zm.e-m" (memory 1))
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (import "dagger" "sync" (func $sync (param i32) (result i32)))
  (data (i32.const 0) "stdout://")
  (data (i32.const 16) "mangled ok\n")
  (func (export "dagger_main") (result i32)
    (local $fd i32)
    (local.set $fd (call $open (i32.const 0) (i32.const 9)))
    (drop (call $write (local.get $fd) (i32.const 16) (i32.const 11)))
    (call $sync (local.get $fd))))
