;; status: 206
;; stderr: trap-indirect-type: trap: indirect call type mismatch in dagger_main
(module
  (type $i (func (result i32)))
  (type $f (func (param f32) (result f32)))
  (table 1 funcref)
  (elem (i32.const 0) $one)
  (func $one (result i32) (i32.const 1))
  (func (export "dagger_main") (result i32)
    (drop (call_indirect (type $f) (f32.const 0) (i32.const 0)))
    (i32.const 0)))
