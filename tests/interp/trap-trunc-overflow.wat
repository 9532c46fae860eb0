;; A float out of the integer's range is an overflow, as in wasm2c's output
;; (NaN is an invalid conversion: see trap-conversion.wat).
;; status: 203
;; stderr: trap-trunc-overflow: trap: integer overflow in dagger_main
(module
  (func (export "dagger_main") (result i32)
    (i32.trunc_f64_u (f64.const -1))))
