;; file:/// resolves in the jail (DAGGER_ROOT, default the current
;; directory): write a file, read it back, copy it to stdout.
;; status: 0
;; stdout: through a file
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "close" (func $close (param i32) (result i32)))
  (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "file:///t.txt?mode=w")
  (data (i32.const 32) "file:///t.txt")
  (data (i32.const 48) "stdout://")
  (data (i32.const 64) "through a file\n")
  (func (export "dagger_main") (result i32)
    (local $fd i32) (local $n i32)
    (local.set $fd (call $open (i32.const 0) (i32.const 20)))
    (if (i32.lt_s (local.get $fd) (i32.const 0)) (then (return (i32.const 1))))
    (drop (call $write (local.get $fd) (i32.const 64) (i32.const 15)))
    (drop (call $close (local.get $fd)))
    (local.set $fd (call $open (i32.const 32) (i32.const 13)))
    (if (i32.lt_s (local.get $fd) (i32.const 0)) (then (return (i32.const 2))))
    (local.set $n (call $read (local.get $fd) (i32.const 1024) (i32.const 100)))
    (drop (call $write (call $open (i32.const 48) (i32.const 9))
                       (i32.const 1024) (local.get $n)))
    (i32.const 0)))
