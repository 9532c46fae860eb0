;; A module without memory: every non-empty range is a bad pointer (-5),
;; never a crash; the entry's result is the status.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (func (export "dagger_main") (result i32)
    (if (i32.ne (call $open (i32.const 0) (i32.const 9)) (i32.const -5))
      (then (return (i32.const 1))))
    (if (i32.ne (call $open (i32.const 0) (i32.const 0)) (i32.const -5))
      (then (return (i32.const 2))))
    (if (i32.ne (call $write (i32.const 0) (i32.const 0) (i32.const 4)) (i32.const -4))
      (then (return (i32.const 3))))
    (i32.const 9)))
