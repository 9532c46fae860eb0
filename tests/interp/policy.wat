;; --allow/--deny as daggercc takes them: deny beats allow, and with an
;; allow rule a URL no rule names is denied (-6, NOT_PERMITTED).
;; options: --allow stdout --allow=zero:// --deny zero://
;; status: 0
;; stdout: policy ok
;; stderr-contains: policy: denied open of zero://
;; stderr-contains: policy: denied open of null://
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "stdout://")
  (data (i32.const 16) "zero://")
  (data (i32.const 32) "null://")
  (data (i32.const 48) "policy ok\n")
  (func (export "dagger_main") (result i32)
    (if (i32.ne (call $open (i32.const 16) (i32.const 7)) (i32.const -6))
      (then (return (i32.const 1))))
    (if (i32.ne (call $open (i32.const 32) (i32.const 7)) (i32.const -6))
      (then (return (i32.const 2))))
    (drop (call $write (call $open (i32.const 0) (i32.const 9))
                       (i32.const 48) (i32.const 10)))
    (i32.const 0)))
