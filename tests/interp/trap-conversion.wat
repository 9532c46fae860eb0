;; status: 205
;; stderr: trap-conversion: trap: invalid conversion to integer in dagger_main
(module
  (func (export "dagger_main") (result i32)
    (i32.trunc_f32_s (f32.const nan))))
