;; A memory of 0 pages: instantiating it, growing it by 0, then by 1 page,
;; then past its maximum. Under guard pages wasm2c's runtime asks for
;; mprotect(base, 0) here, which qemu-user 7.2 refused (ENOMEM): the
;; program aborted at start-up on aarch64 and riscv64 under qemu.
;; Prints the results as digits: "0 0 0 1 F\n" (F: memory.grow failed).
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 0 2)
  (func $digit (param $at i32) (param $v i32)
    (i32.store8 (local.get $at)
      (select (i32.const 70) (i32.add (i32.const 48) (local.get $v))
              (i32.lt_s (local.get $v) (i32.const 0))))
    (i32.store8 (i32.add (local.get $at) (i32.const 1)) (i32.const 32)))
  (func (export "dagger_main") (result i32)
    (local $g0 i32) (local $s0 i32) (local $g1 i32)
    (local.set $g0 (memory.grow (i32.const 0)))
    (local.set $s0 (memory.size))
    (local.set $g1 (memory.grow (i32.const 1)))
    ;; memory exists now: "stdout://" at 0, the digits at 16
    (i64.store (i32.const 0) (i64.const 0x2f3a74756f647473))
    (i32.store8 (i32.const 8) (i32.const 47))
    (call $digit (i32.const 16) (local.get $g0))
    (call $digit (i32.const 18) (local.get $s0))
    (call $digit (i32.const 20) (local.get $g1))
    (call $digit (i32.const 22) (memory.size))
    (call $digit (i32.const 24) (memory.grow (i32.const 5)))
    (i32.store8 (i32.const 25) (i32.const 10))
    (drop (call $write (call $open (i32.const 0) (i32.const 9))
                       (i32.const 16) (i32.const 10)))
    (i32.const 0)))
