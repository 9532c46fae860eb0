;; Reads 32 bytes from random:// and exits with the count read.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "random://")
  (func (export "dagger_main") (result i32)
    (call $read (call $open (i32.const 0) (i32.const 9)) (i32.const 64)
          (i32.const 32))))
