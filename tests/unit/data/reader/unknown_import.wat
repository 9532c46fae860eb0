;; ABI errors: an unknown call, a table import, a global import.
(module
  (import "dagger" "frobnicate" (func (param i32)))
  (import "env" "table" (table 1 funcref))
  (import "env" "g" (global i32))
  (func (export "main") (result i32) (i32.const 0)))
