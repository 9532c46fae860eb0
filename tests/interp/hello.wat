;; The smallest useful program: open stdout://, write, exit with a status.
;; status: 7
;; stdout: hello, world
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "stdout://")
  (data (i32.const 32) "hello, world\n")
  (func (export "dagger_main") (result i32)
    (drop (call $write (call $open (i32.const 16) (i32.const 9))
                       (i32.const 32) (i32.const 13)))
    (i32.const 7)))
