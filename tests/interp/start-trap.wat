;; A trap in the start function is reported like any other, after flushing.
;; status: 204
;; stdout: started
;; stderr: start-trap: trap: integer divide by zero in init
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "stdout://")
  (data (i32.const 16) "started\n")
  (func $init
    (drop (call $write (call $open (i32.const 0) (i32.const 9))
                       (i32.const 16) (i32.const 8)))
    (drop (i32.div_u (i32.const 1) (i32.const 0))))
  (start $init)
  (func (export "dagger_main") (result i32) (i32.const 0)))
