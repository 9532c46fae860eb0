;; A data segment that does not fit traps at instantiation, before the entry.
;; status: 202
;; stderr: trap-oob-data: trap: out of bounds memory access
(module
  (memory 1)
  (data (i32.const 65534) "abcd")
  (func (export "dagger_main") (result i32) (i32.const 0)))
