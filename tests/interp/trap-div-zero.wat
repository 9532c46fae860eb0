;; status: 204
;; stderr: trap-div-zero: trap: integer divide by zero in dagger_main
(module
  (func (export "dagger_main") (result i32)
    (i32.rem_u (i32.const 1) (i32.const 0))))
