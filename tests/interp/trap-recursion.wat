;; Unbounded recursion is a clean trap, never a host crash.
;; status: 207
;; stderr: trap-recursion: trap: call stack exhausted in f
(module
  (func $f (export "dagger_main") (result i32)
    (i32.add (i32.const 1) (call $f))))
