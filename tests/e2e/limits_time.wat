;; The time limits (docs/limits.md): writes a line to stdout://, reads a
;; byte of stdin:// (which blocks when stdin is a pipe nobody writes), then
;; loops for ever. Built with --timeout 20 --cpu-time 2; limits_time.sh runs
;; it with DAGGER_TIMEOUT and DAGGER_CPU_TIME lowering and trying to raise
;; those limits.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "stdout://before loop\n")
  (data (i32.const 32) "stdin://")
  (func (export "main") (result i32)
    (local $out i32)
    (local.set $out (call $open (i32.const 0) (i32.const 9)))
    (drop (call $write (local.get $out) (i32.const 9) (i32.const 12)))
    (drop (call $read (call $open (i32.const 32) (i32.const 8))
                (i32.const 64) (i32.const 1)))
    (loop $forever (br $forever))
    (i32.const 0)))
