;; Buffered output is flushed before the trap report; status 200 + kind.
;; status: 201
;; stdout: before the trap
;; stderr: trap-unreachable: trap: unreachable executed in dagger_main
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "stdout://")
  (data (i32.const 16) "before the trap\n")
  (func (export "dagger_main") (result i32)
    (drop (call $write (call $open (i32.const 0) (i32.const 9))
                       (i32.const 16) (i32.const 16)))
    unreachable))
