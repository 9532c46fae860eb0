;; The ABI check's diagnostics, with the tool's prefix; exit status 1.
;; status: 1
;; stderr-contains: dagger-interp: 
;; stderr-contains: error-abi.wat: 
;; stderr-contains: dagger.frobnicate
(module
  (import "dagger" "frobnicate" (func (param i32) (result i32)))
  (func (export "dagger_main") (result i32) (i32.const 0)))
