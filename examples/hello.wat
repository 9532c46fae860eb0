;; Hello, Dagger: the smallest useful Dagger program.
;;
;; A process starts with no streams open, so the module opens stdout:// (a
;; URL in its own memory, given as pointer and length), writes one line to
;; the descriptor it gets back, and returns 0: the process's exit status.
;;
;;   daggercc examples/hello.wat -o hello && ./hello
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "stdout://")
  (data (i32.const 32) "Hello, Dagger!\n")
  (func (export "dagger_main") (result i32)
    (local $fd i32)
    (local.set $fd (call $open (i32.const 16) (i32.const 9)))
    ;; A negative descriptor is an error code: report it as the status.
    (if (i32.lt_s (local.get $fd) (i32.const 0))
      (then (return (i32.sub (i32.const 0) (local.get $fd)))))
    (drop (call $write (local.get $fd) (i32.const 32) (i32.const 15)))
    (i32.const 0)))
