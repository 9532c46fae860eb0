;; Validation happens before anything runs.
;; status: 1
;; stderr-contains: error-invalid.wat:5:
(module
  (func (export "dagger_main") (result i32) (i64.const 1)))
