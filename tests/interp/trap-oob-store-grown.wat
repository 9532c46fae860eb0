;; The bound follows memory.grow: the store fits after one grow, the next
;; page is still out of bounds.
;; status: 202
;; stderr: trap-oob-store-grown: trap: out of bounds memory access (4 bytes at 0x20000) in dagger_main
(module
  (memory 1)
  (func (export "dagger_main") (result i32)
    (drop (memory.grow (i32.const 1)))
    (i32.store (i32.const 131068) (i32.const 1))
    (i32.store (i32.const 131072) (i32.const 1))
    (i32.const 0)))
