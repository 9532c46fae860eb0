;; A load whose value is never used still traps when it is out of bounds,
;; under guard pages as under explicit checks: here an f32 load that
;; straddles the end of memory, after unused in-bounds loads of every type
;; right up to the end, which must not trap.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "stdout://in bounds\n")
  (func (export "dagger_main") (result i32)
    (drop (i64.load (i32.const 65528)))
    (drop (f64.load (i32.const 65528)))
    (drop (f32.load (i32.const 65532)))
    (drop (i32.load (i32.const 65532)))
    (drop (i32.load16_s (i32.const 65534)))
    (drop (i64.load32_u (i32.const 65532)))
    (drop (i32.load8_u (i32.const 65535)))
    (drop (call $write (call $open (i32.const 0) (i32.const 9))
                       (i32.const 9) (i32.const 10)))
    (drop (f32.load (i32.const 65533)))
    (i32.const 0)))
