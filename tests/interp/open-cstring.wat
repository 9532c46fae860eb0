;; url_len 0: the URL is NUL-terminated (the earliest draft of the ABI).
;; status: 0
;; stdout: cstring url
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (import "dagger" "close" (func $close (param i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "stdout://\00")
  (data (i32.const 16) "cstring url\n")
  (func (export "dagger_main") (result i32)
    (local $fd i32)
    (local.set $fd (call $open (i32.const 0) (i32.const 0)))
    (drop (call $write (local.get $fd) (i32.const 16) (i32.const 12)))
    (call $close (local.get $fd))))
