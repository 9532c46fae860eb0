;; A memory imported from env (created by the host with the module's
;; limits), the env aliases of the calls, and sync, the old name of flush.
;; status: 0
;; stdout: env memory
(module
  (import "env" "memory" (memory 2 3))
  (import "env" "open" (func $open (param i32 i32) (result i32)))
  (import "env" "write" (func $write (param i32 i32 i32) (result i32)))
  (import "env" "sync" (func $sync (param i32) (result i32)))
  (data (i32.const 131000) "stdout://")
  (data (i32.const 131016) "env memory\n")
  (func (export "main") (result i32)
    (local $fd i32)
    (local.set $fd (call $open (i32.const 131000) (i32.const 9)))
    (if (i32.ne (call $write (local.get $fd) (i32.const 131016) (i32.const 11))
                (i32.const 11))
      (then (return (i32.const 1))))
    (if (i32.ne (call $sync (local.get $fd)) (i32.const 0))
      (then (return (i32.const 2))))
    ;; the import's maximum holds: 2 -> 3 pages, then no further
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const 2))
      (then (return (i32.const 3))))
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1))
      (then (return (i32.const 4))))
    (i32.const 0)))
