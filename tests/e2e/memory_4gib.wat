;; A memory grown to 65,536 pages (4 GiB), the most a wasm32 memory has:
;; loads, stores, memory.fill, memory.copy and system calls at the top of
;; 65,535 and of 65,536 pages, then a grow past 4 GiB. wabt 1.0.32 kept the
;; size in bytes in 32 bits: at 65,536 pages it wrapped to 0 (explicit
;; checks realloc'ed the memory to 0 bytes and went on using it). On a
;; 32-bit target 4 GiB cannot be mapped: the grow answers -1 and the memory
;; is unchanged. memory_4gib.sh says what each target must print.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (global $out (mut i32) (i32.const -1))
  (memory 1)
  (data (i32.const 880) "stdout://")
  (data (i32.const 1000) "zero://")
  ;; $say writes [ptr, ptr+len) to stdout://; $num a signed decimal and a
  ;; newline (scratch digits at 900..920)
  (func $say (param $p i32) (param $n i32)
    (if (i32.lt_s (global.get $out) (i32.const 0))
      (then (global.set $out (call $open (i32.const 880) (i32.const 9)))))
    (drop (call $write (global.get $out) (local.get $p) (local.get $n))))
  (func $num (param $v i32) (local $i i32) (local $neg i32)
    (local.set $i (i32.const 920))
    (i32.store8 (local.get $i) (i32.const 10))
    (if (i32.lt_s (local.get $v) (i32.const 0))
      (then (local.set $neg (i32.const 1)) (local.set $v (i32.sub (i32.const 0) (local.get $v)))))
    (loop $d
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (local.get $i) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $d (local.get $v)))
    (if (local.get $neg) (then
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (local.get $i) (i32.const 45))))
    (call $say (local.get $i) (i32.sub (i32.const 921) (local.get $i))))
  ;; The top 64 KiB below $end (the memory's size in bytes, wrapping to 0
  ;; at 4 GiB): fill, copy, store, load, and system calls on it.
  (func $top (param $end i32) (local $zero i32)
    ;; fill the last 64 KiB with 'A', then copy 16 bytes of it to 2000
    (memory.fill (i32.sub (local.get $end) (i32.const 65536)) (i32.const 65) (i32.const 65536))
    (memory.copy (i32.const 2000) (i32.sub (local.get $end) (i32.const 16)) (i32.const 16))
    (call $num (i32.load8_u (i32.const 2015)))
    ;; store a marker in the last 8 bytes and read it back
    (i64.store (i32.sub (local.get $end) (i32.const 8)) (i64.const 0x0a4847464544430a))
    (call $num (i32.load8_u (i32.sub (local.get $end) (i32.const 1))))
    (call $num (i32.load16_u (i32.sub (local.get $end) (i32.const 2))))
    (call $num (i32.wrap_i64 (i64.shr_u (i64.load (i32.sub (local.get $end) (i32.const 8))) (i64.const 32))))
    ;; copy from the top down to 3000, and from 2000 back up to the top
    (memory.copy (i32.const 3000) (i32.sub (local.get $end) (i32.const 8)) (i32.const 8))
    (call $num (i32.load8_u (i32.const 3001)))
    (memory.copy (i32.sub (local.get $end) (i32.const 24)) (i32.const 2000) (i32.const 16))
    ;; write the last 24 bytes ("AAAAAAAAAAAAAAAA\nCDEFGH\n") to stdout
    (call $num (call $write (global.get $out) (i32.sub (local.get $end) (i32.const 24)) (i32.const 24)))
    ;; one byte past the end is a bad pointer, to the runtime too
    (call $num (call $write (global.get $out) (i32.sub (local.get $end) (i32.const 24)) (i32.const 25)))
    ;; open a URL stored in the last 7 bytes, read zeros into the top
    (memory.copy (i32.sub (local.get $end) (i32.const 7)) (i32.const 1000) (i32.const 7))
    (local.set $zero (call $open (i32.sub (local.get $end) (i32.const 7)) (i32.const 7)))
    (call $num (call $read (local.get $zero) (i32.sub (local.get $end) (i32.const 16)) (i32.const 16)))
    (call $num (call $read (local.get $zero) (i32.sub (local.get $end) (i32.const 16)) (i32.const 17)))
    (call $num (i32.wrap_i64 (i64.load (i32.sub (local.get $end) (i32.const 8))))))
  (func (export "dagger_main") (result i32)
    (i32.store (i32.const 100) (i32.const 1234))
    ;; 65,535 pages
    (call $num (memory.grow (i32.const 65534)))
    (call $num (memory.size))
    (if (i32.eq (memory.size) (i32.const 65535))
      (then (call $top (i32.const 0xffff0000))))
    ;; 65,536 pages: the size in bytes is 2^32
    (call $num (memory.grow (i32.sub (i32.const 65536) (memory.size))))
    (call $num (memory.size))
    (if (i32.eq (memory.size) (i32.const 65536))
      (then (call $top (i32.const 0))))
    ;; past 4 GiB: refused, memory unchanged
    (call $num (memory.grow (i32.sub (i32.const 65537) (memory.size))))
    (call $num (memory.size))
    (call $num (i32.load (i32.const 100)))
    (i32.const 0)))
