;; Imports a call the Dagger ABI does not have.
(module
  (import "dagger" "frobnicate" (func (param i32) (result i32)))
  (func (export "dagger_main") (result i32) (i32.const 0)))
