;; table.get past the end is an out-of-bounds trap (wasm2c: WASM_RT_TRAP_OOB).
;; status: 202
;; stderr: trap-oob-table: trap: out of bounds memory access in dagger_main
(module
  (table 2 funcref)
  (func (export "dagger_main") (result i32)
    (drop (table.get 0 (i32.const 7)))
    (i32.const 0)))
