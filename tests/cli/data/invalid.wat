;; Well-formed but invalid: returns an i64 where i32 is declared. Converted
;; with wat2wasm --no-check, so only wasm-validate can reject it.
(module
  (func (export "dagger_main") (result i32) (i64.const 1)))
