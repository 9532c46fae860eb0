;; Imports from "env" (some toolchains), the old name sync, imported memory.
(module
  (import "env" "memory" (memory 1 2))
  (import "env" "open" (func $open (param i32 i32) (result i32)))
  (import "env" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "env" "sync" (func $sync (param i32) (result i32)))
  (import "dagger" "flush" (func $flush (param i32) (result i32)))
  (func (export "main") (result i32)
    (drop (call $sync (i32.const 1)))
    (drop (call $flush (i32.const 1)))
    (call $read (call $open (i32.const 0) (i32.const 0)) (i32.const 0) (i32.const 8))))
