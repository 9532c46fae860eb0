;; status: 203
;; stderr: trap-int-overflow: trap: integer overflow in dagger_main
(module
  (func (export "dagger_main") (result i32)
    (i32.div_s (i32.const 0x80000000) (i32.const -1))))
