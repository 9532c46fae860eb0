;; A text error carries its line and column.
;; status: 1
;; stderr-contains: dagger-interp: 
;; stderr-contains: error-syntax.wat:6:
(module
  (func (export "dagger_main") (result i32) (i32.const)))
