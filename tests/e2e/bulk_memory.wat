;; memory.fill and memory.copy (overlapping both ways) seen byte by byte
;; through dagger.write: on big-endian targets wasm2c 1.0.32 got both wrong.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 2)
  (data (i32.const 0) "stdout://")
  (data (i32.const 100) "0123456789\n")
  (func (export "dagger_main") (result i32) (local $fd i32)
    (local.set $fd (call $open (i32.const 0) (i32.const 9)))
    ;; fill: "01##456789"
    (memory.fill (i32.const 102) (i32.const 35) (i32.const 2))
    (drop (call $write (local.get $fd) (i32.const 100) (i32.const 11)))
    ;; copy forward, overlapping: "0101##6789"
    (memory.copy (i32.const 102) (i32.const 100) (i32.const 4))
    (drop (call $write (local.get $fd) (i32.const 100) (i32.const 11)))
    ;; copy backward, overlapping: "01##6789" shifted left by two
    (memory.copy (i32.const 100) (i32.const 102) (i32.const 8))
    (drop (call $write (local.get $fd) (i32.const 100) (i32.const 11)))
    ;; across the page boundary, then back: "0123" lands at 65534
    (memory.fill (i32.const 65530) (i32.const 46) (i32.const 12))
    (memory.copy (i32.const 65534) (i32.const 100) (i32.const 4))
    (memory.copy (i32.const 200) (i32.const 65530) (i32.const 12))
    (i32.store8 (i32.const 212) (i32.const 10))
    (drop (call $write (local.get $fd) (i32.const 200) (i32.const 13)))
    (i32.const 0)))
