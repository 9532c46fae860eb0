;; A v128 local: the reader sees SIMD before anything runs.
(module
  (func (export "dagger_main") (result i32)
    (local v128)
    (i32.const 0)))
