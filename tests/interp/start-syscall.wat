;; The start function runs inside instantiation and may already make system
;; calls on a defined memory; its descriptor stays open for the entry.
;; status: 0
;; stdout: from start
;; stdout: from main
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (global $fd (mut i32) (i32.const -1))
  (data (i32.const 0) "stdout://")
  (data (i32.const 16) "from start\n")
  (data (i32.const 32) "from main\n")
  (func $init
    (global.set $fd (call $open (i32.const 0) (i32.const 9)))
    (drop (call $write (global.get $fd) (i32.const 16) (i32.const 11))))
  (start $init)
  (func (export "dagger_main") (result i32)
    (drop (call $write (global.get $fd) (i32.const 32) (i32.const 10)))
    (i32.const 0)))
