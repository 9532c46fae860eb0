;; No memory at all: every pointer is bad, open fails with -BAD_POINTER (5).
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (func (export "main") (result i32)
    (i32.sub (i32.const 0) (call $open (i32.const 0) (i32.const 9)))))
