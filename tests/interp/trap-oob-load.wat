;; status: 202
;; stderr: trap-oob-load: trap: out of bounds memory access (4 bytes at 0xfffe) in dagger_main
(module
  (memory 1)
  (func (export "dagger_main") (result i32)
    (i32.load (i32.const 65534))))
