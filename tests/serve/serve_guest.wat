;; The guest of tests/serve: one request per run in serve mode
;; (docs/serve.md). Reads a command byte from stdin:// and
;;   p  adds 1 to a global and to a byte of memory, prints both (always
;;      "g=1 m=1" in a fresh instance) and a line on stderr://
;;   t  prints a line, then traps (unreachable): status 201
;;   o  prints a line, then loads past the end of memory: status 202
;;   b  spins a while (CPU time), then prints "spun"
;;   l  prints a line, then loops for ever (stopped by a time limit)
;;   g  grows the memory by a page, prints the byte it finds there
;;      ("new=0": a fresh page) and leaves 9 in it
;;   c  tries fd://9 (the driver's control socket number): prints the
;;      open's result, which must be an error
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (global $g (mut i32) (i32.const 0))
  (data (i32.const 0) "stdout://")
  (data (i32.const 16) "stdin://")
  (data (i32.const 32) "stderr://")
  (data (i32.const 48) "g=0 m=0\n")
  (data (i32.const 64) "to stderr\n")
  (data (i32.const 80) "before\n")
  (data (i32.const 96) "spun\n")
  (data (i32.const 112) "fd://9")
  (data (i32.const 128) "open=-0\n")
  (data (i32.const 144) "new=0\n")
  (func $out (param $ptr i32) (param $len i32)
    (drop (call $write (call $open (i32.const 0) (i32.const 9))
                (local.get $ptr) (local.get $len))))
  (func (export "main") (result i32)
    (local $cmd i32) (local $i i32) (local $x i32) (local $r i32)
    (drop (call $read (call $open (i32.const 16) (i32.const 8))
                (i32.const 200) (i32.const 1)))
    (local.set $cmd (i32.load8_u (i32.const 200)))
    (if (i32.eq (local.get $cmd) (i32.const 112)) ;; p
      (then
        (global.set $g (i32.add (global.get $g) (i32.const 1)))
        (i32.store8 (i32.const 1000)
                    (i32.add (i32.load8_u (i32.const 1000)) (i32.const 1)))
        (i32.store8 (i32.const 50) (i32.add (i32.const 48) (global.get $g)))
        (i32.store8 (i32.const 54)
                    (i32.add (i32.const 48) (i32.load8_u (i32.const 1000))))
        (call $out (i32.const 48) (i32.const 8))
        (drop (call $write (call $open (i32.const 32) (i32.const 9))
                    (i32.const 64) (i32.const 10)))
        (return (i32.const 0))))
    (if (i32.eq (local.get $cmd) (i32.const 116)) ;; t
      (then (call $out (i32.const 80) (i32.const 7)) (unreachable)))
    (if (i32.eq (local.get $cmd) (i32.const 111)) ;; o
      (then (call $out (i32.const 80) (i32.const 7))
            (return (i32.load (i32.const 70000)))))
    (if (i32.eq (local.get $cmd) (i32.const 98)) ;; b
      (then
        (loop $spin
          (local.set $x (i32.add (i32.mul (local.get $x) (i32.const 1103515245))
                                 (i32.const 12345)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $spin (i32.lt_u (local.get $i) (i32.const 50000000))))
        (i32.store (i32.const 300) (local.get $x))
        (call $out (i32.const 96) (i32.const 5))
        (return (i32.const 0))))
    (if (i32.eq (local.get $cmd) (i32.const 108)) ;; l
      (then (call $out (i32.const 80) (i32.const 7))
            (loop $forever (br $forever))))
    (if (i32.eq (local.get $cmd) (i32.const 103)) ;; g
      (then
        (drop (memory.grow (i32.const 1)))
        (i32.store8 (i32.const 148)
                    (i32.add (i32.const 48) (i32.load8_u (i32.const 65636))))
        (i32.store8 (i32.const 65636) (i32.const 9))
        (call $out (i32.const 144) (i32.const 6))
        (return (i32.const 0))))
    (if (i32.eq (local.get $cmd) (i32.const 99)) ;; c
      (then
        (local.set $r (call $open (i32.const 112) (i32.const 6)))
        (if (i32.lt_s (local.get $r) (i32.const 0))
          (then (i32.store8 (i32.const 134)
                            (i32.sub (i32.const 48) (local.get $r)))))
        (call $out (i32.const 128) (i32.const 8))
        (return (i32.const 0))))
    (i32.const 7)))
