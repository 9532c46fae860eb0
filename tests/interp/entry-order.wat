;; dagger_main wins over main; the status is truncated to 8 bits (300 -> 44)
;; as for a compiled program.
;; status: 44
(module
  (func (export "main") (result i32) (i32.const 1))
  (func (export "dagger_main") (result i32) (i32.const 300)))
