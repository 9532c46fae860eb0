;; Exit status 7, a start function, an env import and an imported memory:
;; the glue's less common paths. Writes "env ok\n" during start.
(module
  (import "env" "memory" (memory 1 2))
  (import "env" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (import "dagger" "sync" (func $sync (param i32) (result i32)))
  (data (i32.const 0) "stdout://\00")
  (data (i32.const 16) "env ok\n")
  (func $init
    (local $fd i32)
    ;; url_len 0: the earliest draft's NUL-terminated URL
    (local.set $fd (call $open (i32.const 0) (i32.const 0)))
    (drop (call $write (local.get $fd) (i32.const 16) (i32.const 7)))
    (drop (call $sync (local.get $fd))))
  (start $init)
  (func (export "main") (result i32) (i32.const 7)))
