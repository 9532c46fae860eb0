;; SIMD only inside an expression (no v128 local, global or type): only
;; validation without SIMD can tell.
(module
  (func (export "dagger_main") (result i32)
    (i32x4.extract_lane 1 (v128.const i32x4 0 3 0 0))))
