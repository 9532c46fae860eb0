;; A module that imports its memory (as some toolchains emit) and exports
;; _start with no result: the exit status is then 0.
(module
  (import "env" "memory" (memory 1 2))
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (data (i32.const 100) "stdout://imported memory\n")
  (func (export "_start")
    (drop (call $write (call $open (i32.const 100) (i32.const 9))
                       (i32.const 109) (i32.const 16)))
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 70000) (i32.const 0x0a6b6f))
    (drop (call $write (call $open (i32.const 100) (i32.const 9))
                       (i32.const 70000) (i32.const 3)))))
