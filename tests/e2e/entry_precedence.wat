;; dagger_main wins over main and _start when a module exports several.
(module
  (func (export "_start") (result i32) (i32.const 1))
  (func (export "main") (result i32) (i32.const 2))
  (func (export "dagger_main") (result i32) (i32.const 5)))
