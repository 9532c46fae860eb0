;; An index past the table's end: same kind, as in wasm2c's output.
;; status: 206
;; stderr: trap-indirect-range: trap: indirect call type mismatch in dagger_main
(module
  (type $i (func (result i32)))
  (table 1 funcref)
  (elem (i32.const 0) $one)
  (func $one (result i32) (i32.const 1))
  (func (export "dagger_main") (result i32)
    (call_indirect (type $i) (i32.const 1000))))
