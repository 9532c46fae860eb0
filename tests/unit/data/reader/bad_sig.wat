;; ABI error: dagger.open with the wrong signature.
(module
  (import "dagger" "open" (func $open (param i32) (result i32)))
  (func (export "dagger_main") (result i32) (call $open (i32.const 0))))
