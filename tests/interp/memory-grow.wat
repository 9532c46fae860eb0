;; The host sees the memory's current size and place at every call: a range
;; past the end is -5 (BAD_POINTER) until memory.grow makes it valid, and it
;; stays readable after a large grow that moves the buffer.
;; status: 0
;; stdout: grown
;; stdout: grown
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "stdout://")
  (func (export "dagger_main") (result i32)
    (local $fd i32)
    (local.set $fd (call $open (i32.const 0) (i32.const 9)))
    (if (i32.ne (call $write (local.get $fd) (i32.const 70000) (i32.const 6))
                (i32.const -5))
      (then (return (i32.const 1))))
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const 1))
      (then (return (i32.const 2))))
    (i64.store (i32.const 70000) (i64.const 0x0a6e776f7267))  ;; "grown\n"
    (if (i32.ne (call $write (local.get $fd) (i32.const 70000) (i32.const 6))
                (i32.const 6))
      (then (return (i32.const 3))))
    (if (i32.ne (memory.grow (i32.const 200)) (i32.const 2))
      (then (return (i32.const 4))))
    (if (i32.ne (call $write (local.get $fd) (i32.const 70000) (i32.const 6))
                (i32.const 6))
      (then (return (i32.const 5))))
    (i32.const 0)))
