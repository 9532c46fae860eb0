;; log:// cannot be made to print a line the runtime did not stamp: a write
;; with a newline and a fake timestamp, and one with ESC, CR, VT and NUL,
;; give one escaped line each; a prefix with a control byte and a repeated
;; prefix are refused (-2, printed on stdout). log_forging.sh checks.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 16) "stdout://")
  (data (i32.const 32) "log://?prefix=app")
  (data (i32.const 64) "log://?prefix=%1b%5b31m")
  (data (i32.const 96) "log://?prefix=a&prefix=b")
  (data (i32.const 128) "x\n2026-01-01T00:00:00.000Z admin: forged")
  (data (i32.const 192) "\1b[31mred\0d\0b\00!\\\n")
  (data (i32.const 240) "-2\n")
  (func $refused (param $url i32) (param $len i32) (param $out i32)
    (if (i32.eq (call $open (local.get $url) (local.get $len)) (i32.const -2))
      (then (drop (call $write (local.get $out) (i32.const 240) (i32.const 3))))))
  (func (export "dagger_main") (result i32) (local $out i32) (local $log i32)
    (local.set $out (call $open (i32.const 16) (i32.const 9)))
    (local.set $log (call $open (i32.const 32) (i32.const 17)))
    (drop (call $write (local.get $log) (i32.const 128) (i32.const 40)))
    (drop (call $write (local.get $log) (i32.const 192) (i32.const 13)))
    (call $refused (i32.const 64) (i32.const 23) (local.get $out))
    (call $refused (i32.const 96) (i32.const 24) (local.get $out))
    (i32.const 0)))
