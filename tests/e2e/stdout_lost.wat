;; Output acknowledged but lost at exit: writes 13 bytes to stdout://
;; (buffered: the write answers 13), then returns the status given as the
;; first byte of stdin ('0' + status), or traps on 't'. stdout_lost.sh runs
;; it with stdout on /dev/full, where the final flush fails.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 16) "stdout://")
  (data (i32.const 32) "stdin://")
  (data (i32.const 48) "hello, world\n")
  (func (export "dagger_main") (result i32) (local $c i32)
    (if (i32.ne (call $write (call $open (i32.const 16) (i32.const 9))
                             (i32.const 48) (i32.const 13))
                (i32.const 13))
      (then (return (i32.const 99))))
    (drop (call $read (call $open (i32.const 32) (i32.const 8)) (i32.const 64) (i32.const 1)))
    (local.set $c (i32.load8_u (i32.const 64)))
    (if (i32.eq (local.get $c) (i32.const 116)) (then unreachable))
    (i32.sub (local.get $c) (i32.const 48))))
