;; SIMD code (here without a v128 local or type) is refused with daggercc's
;; message: wasm2c 1.0.32 could not compile it, so it does not run here.
;; status: 1
;; stderr-contains: dagger-interp: 
;; stderr-contains: error-simd.wat: module uses SIMD (v128), which wasm2c 1.0.32 cannot translate
(module
  (func (export "dagger_main") (result i32)
    (i32x4.extract_lane 0 (v128.const i32x4 3 0 0 0))))
