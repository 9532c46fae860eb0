;; Opens http://127.0.0.1:9/ and exits with the negated result (10 when
;; http(s) is unsupported, as in a static program).
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "http://127.0.0.1:9/")
  (func (export "dagger_main") (result i32)
    (i32.sub (i32.const 0) (call $open (i32.const 0) (i32.const 19)))))
