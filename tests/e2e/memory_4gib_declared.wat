;; A module that declares a memory of 65,536 pages (4 GiB): a URL stored
;; at 1 GiB is opened, the top of memory is filled, copied, stored, loaded
;; and written to stdout; growing answers -1. Given "t" on stdin it then
;; loads 4 bytes of which only the first is inside: an out-of-bounds trap.
;; wabt 1.0.32 allocated 0 bytes for this memory (calloc(0) under explicit
;; checks: the open read past the block; under guard pages no page was
;; accessible: the first store trapped). On a 32-bit target the program
;; must refuse to start. memory_4gib_declared.sh runs it.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 65536)
  (data (i32.const 880) "stdout://")
  (data (i32.const 890) "stdin://")
  (data (i32.const 0x40000000) "zero://")
  (func (export "dagger_main") (result i32) (local $out i32) (local $z i32)
    (local.set $out (call $open (i32.const 880) (i32.const 9)))
    (local.set $z (call $open (i32.const 0x40000000) (i32.const 7)))
    ;; "ok\n" in the last 3 bytes, written from there
    (memory.fill (i32.const 0xffff0000) (i32.const 0x2a) (i32.const 0x10000))
    (i32.store16 (i32.const 0xfffffffd) (i32.const 0x6b6f))
    (i32.store8 (i32.const 0xffffffff) (i32.const 10))
    (drop (call $write (local.get $out) (i32.const 0xfffffffd) (i32.const 3)))
    ;; the fill reached the byte before: "*\n" copied down and written
    (memory.copy (i32.const 2000) (i32.const 0xfffffffc) (i32.const 1))
    (i32.store8 (i32.const 2001) (i32.const 10))
    (drop (call $write (local.get $out) (i32.const 2000) (i32.const 2)))
    ;; zeros read into the top: the marker is gone, one byte too many is
    ;; a bad pointer
    (if (i32.ne (call $read (local.get $z) (i32.const 0xfffffff0) (i32.const 16)) (i32.const 16))
      (then (return (i32.const 3))))
    (if (i32.ne (call $read (local.get $z) (i32.const 0xfffffff0) (i32.const 17)) (i32.const -5))
      (then (return (i32.const 4))))
    (if (i32.ne (i32.load (i32.const 0xfffffffc)) (i32.const 0))
      (then (return (i32.const 5))))
    (if (i32.ne (memory.grow (i32.const 1)) (i32.const -1))
      (then (return (i32.const 6))))
    ;; "t" on stdin: a load that ends 3 bytes past 4 GiB traps
    (drop (call $read (call $open (i32.const 890) (i32.const 8)) (i32.const 2100) (i32.const 1)))
    (if (i32.eq (i32.load8_u (i32.const 2100)) (i32.const 116))
      (then (drop (i32.load (i32.const 0xfffffffd)))))
    (i32.const 0)))
