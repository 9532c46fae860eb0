;; A start function and a _start entry without a result.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (memory 1)
  (global $fd (mut i32) (i32.const -1))
  (func $init (global.set $fd (call $open (i32.const 0) (i32.const 0))))
  (start $init)
  (func (export "_start")))
