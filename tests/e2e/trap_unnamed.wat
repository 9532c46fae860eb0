;; Without a name for the function: an export's name, else its index
;; (imports first: the import is function 0, so the trapping one is 1).
(module
  (type $t (func (param i32) (result i32)))
  (import "dagger" "flush" (func (param i32) (result i32)))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) 1 2)
  (func (param i32) (result i32)
    (i32.div_u (i32.const 1) (local.get 0)))
  (func (export "divide") (param i32) (result i32)
    (call_indirect (type $t) (local.get 0) (i32.const 0)))
  (func (export "dagger_main") (result i32)
    (call_indirect (type $t) (i32.const 0) (i32.const 1))))
