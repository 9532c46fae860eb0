;; SIMD: a v128 global initialised with v128.const and a v128 local.
(module
  (global $v v128 (v128.const i32x4 1 2 3 4))
  (func (export "main") (result i32)
    (local $x v128)
    (local.set $x (global.get $v))
    (i32x4.extract_lane 2 (local.get $x))))
