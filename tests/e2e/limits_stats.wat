;; Run statistics (DAGGER_STATS, docs/limits.md): opens stdout://, null://
;; and zero://, writes 3 + 5 + 5 bytes and reads 7, is refused one open by
;; the policy (--deny file:///secret/), grows its memory to 3 pages, then
;; traps. limits_stats.sh checks the JSON, in every engine.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (import "dagger" "flush" (func $flush (param i32) (result i32)))
  (import "dagger" "close" (func $close (param i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "stdout://hi\n")
  (data (i32.const 16) "null://")
  (data (i32.const 32) "zero://")
  (data (i32.const 48) "file:///secret/key")
  (func (export "main") (result i32)
    (local $out i32) (local $null i32)
    (local.set $out (call $open (i32.const 0) (i32.const 9)))
    (drop (call $write (local.get $out) (i32.const 9) (i32.const 3)))
    (local.set $null (call $open (i32.const 16) (i32.const 7)))
    (drop (call $write (local.get $null) (i32.const 0) (i32.const 5)))
    (drop (call $write (local.get $null) (i32.const 0) (i32.const 5)))
    (drop (call $close (local.get $null)))
    (drop (call $read (call $open (i32.const 32) (i32.const 7))
                (i32.const 128) (i32.const 7)))
    (drop (call $open (i32.const 48) (i32.const 18)))
    (drop (call $flush (local.get $out)))
    (drop (memory.grow (i32.const 2)))
    (unreachable)))
