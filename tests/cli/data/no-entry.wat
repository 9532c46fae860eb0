;; Exports no dagger_main, main or _start.
(module
  (func (export "start_here") (result i32) (i32.const 0)))
