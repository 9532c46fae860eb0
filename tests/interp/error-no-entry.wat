;; status: 1
;; stderr-contains: error-no-entry.wat: 
;; stderr-contains: entry
(module
  (func (export "helper") (result i32) (i32.const 0)))
