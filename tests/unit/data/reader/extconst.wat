;; Extended constant expressions (wat2wasm --enable-extended-const);
;; ABI error: a global import.
(module
  (import "env" "base" (global $base i32))
  (global $end i32 (i32.add (global.get $base) (i32.mul (i32.const 4) (i32.const 16))))
  (global $wide i64 (i64.sub (i64.mul (i64.const 3) (i64.const 5)) (i64.add (i64.const 1) (i64.const 2))))
  (func (export "dagger_main") (result i32) (global.get $end)))
