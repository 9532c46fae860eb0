;; A defined memory with a debug name, exported under another name: wasm2c
;; names the instance field after one of them, so the glue must read it
;; from the generated header. Prints "named ok\n" from the start function.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (import "dagger" "close" (func $close (param i32) (result i32)))
  (memory $heap (export "mem") 1)
  (data (i32.const 100) "stdout://")
  (data (i32.const 200) "named ok\n")
  (func $start
    (local $fd i32)
    (local.set $fd (call $open (i32.const 100) (i32.const 9)))
    (drop (call $write (local.get $fd) (i32.const 200) (i32.const 9)))
    (drop (call $close (local.get $fd))))
  (start $start)
  (func (export "_start")))
