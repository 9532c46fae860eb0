;; Ranges not inside memory are -5 (BAD_POINTER), checked without overflow,
;; for every call that takes a pointer; nothing is written or read.
;; status: 0
;; stdout: all -5
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "stdout://")
  (data (i32.const 16) "zero://")
  (data (i32.const 32) "all -5\n")
  (func $expect (param $got i32) (param $code i32)
    (if (i32.ne (local.get $got) (i32.const -5))
      (then (unreachable))))
  (func (export "dagger_main") (result i32)
    (local $out i32) (local $zero i32)
    (local.set $out (call $open (i32.const 0) (i32.const 9)))
    (local.set $zero (call $open (i32.const 16) (i32.const 7)))
    (call $expect (call $write (local.get $out) (i32.const 65535) (i32.const 2)) (i32.const 1))
    (call $expect (call $write (local.get $out) (i32.const 0xffffffff) (i32.const 2)) (i32.const 2))
    (call $expect (call $write (local.get $out) (i32.const 1) (i32.const 0xffffffff)) (i32.const 3))
    (call $expect (call $read (local.get $zero) (i32.const 65000) (i32.const 1000)) (i32.const 4))
    (call $expect (call $open (i32.const 65530) (i32.const 100)) (i32.const 5))
    (drop (call $write (local.get $out) (i32.const 32) (i32.const 7)))
    (i32.const 0)))
