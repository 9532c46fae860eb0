;; The stream shell: the streams_*.wat tests are links to this module, each
;; with a script that starts what it needs and drives the shell on stdin.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "close" (func $close (param i32) (result i32)))
  (import "dagger" "read" (func $read (param i32 i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (import "dagger" "flush" (func $flush (param i32) (result i32)))
  (global $out (mut i32) (i32.const -1))
  ;; print helpers: $say writes [ptr, ptr+len) to stdout://, $num a signed
  ;; decimal and a newline (scratch digits at 900..920)
  (data (i32.const 880) "stdout://")
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
  ;; A tiny stream shell driven by standard input, so that tests can reach
  ;; servers on ports chosen at run time. One command per line:
  ;;   o URL        open; prints "o RESULT"
  ;;   W FD N       write the N bytes that follow this line (a newline
  ;;                right after them is skipped); "w RESULT"
  ;;   r FD N       read up to N bytes; "r RESULT", then the bytes and "\n"
  ;;   s FD         read to the end; "s TOTAL LAST" (LAST: 0 or -error)
  ;;   c FD         copy to stdout until the end; then "c TOTAL LAST"
  ;;   f FD         flush; "f RESULT"      x FD   close; "x RESULT"
  ;;   # ...        a comment
  (memory 8)
  (global $p (mut i32) (i32.const 0))
  (global $end (mut i32) (i32.const 0))
  (data (i32.const 800) "stdin://")
  (data (i32.const 810) "o w r s c f x ")
  (func $skip_sp
    (loop $l
      (if (i32.and (i32.lt_u (global.get $p) (global.get $end))
                   (i32.eq (i32.load8_u (global.get $p)) (i32.const 32)))
        (then (global.set $p (i32.add (global.get $p) (i32.const 1))) (br $l)))))
  (func $number (result i32) (local $v i32) (local $neg i32) (local $c i32)
    (call $skip_sp)
    (if (i32.eq (i32.load8_u (global.get $p)) (i32.const 45))
      (then (local.set $neg (i32.const 1))
            (global.set $p (i32.add (global.get $p) (i32.const 1)))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (global.get $p) (global.get $end)))
      (local.set $c (i32.sub (i32.load8_u (global.get $p)) (i32.const 48)))
      (br_if $done (i32.gt_u (local.get $c) (i32.const 9)))
      (local.set $v (i32.add (i32.mul (local.get $v) (i32.const 10)) (local.get $c)))
      (global.set $p (i32.add (global.get $p) (i32.const 1)))
      (br $l)))
    (if (result i32) (local.get $neg)
      (then (i32.sub (i32.const 0) (local.get $v))) (else (local.get $v))))
  ;; index of the next newline at or after $p (or $end)
  (func $eol (result i32) (local $q i32)
    (local.set $q (global.get $p))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $q) (global.get $end)))
      (br_if $done (i32.eq (i32.load8_u (local.get $q)) (i32.const 10)))
      (local.set $q (i32.add (local.get $q) (i32.const 1)))
      (br $l)))
    (local.get $q))
  (func $next_line (global.set $p (i32.add (call $eol) (i32.const 1))))
  (func $tag (param $i i32) (call $say (i32.add (i32.const 810) (i32.mul (local.get $i) (i32.const 2))) (i32.const 2)))
  ;; read everything from fd; with $echo also copy it to stdout
  (func $drain (param $fd i32) (param $echo i32) (local $n i32) (local $total i32)
    (loop $l
      (local.set $n (call $read (local.get $fd) (i32.const 32768) (i32.const 16384)))
      (if (i32.gt_s (local.get $n) (i32.const 0)) (then
        (local.set $total (i32.add (local.get $total) (local.get $n)))
        (if (local.get $echo) (then (call $say (i32.const 32768) (local.get $n))))
        (br $l))))
    (call $tag (select (i32.const 4) (i32.const 3) (local.get $echo)))
    (call $say_num_sp (local.get $total))
    (call $num (local.get $n)))
  (func $say_num_sp (param $v i32)
    ;; $num ends with a newline: print the number, then overwrite with a space
    (local $i i32) (local.set $i (i32.const 920))
    (loop $d
      (local.set $i (i32.sub (local.get $i) (i32.const 1)))
      (i32.store8 (local.get $i) (i32.add (i32.const 48) (i32.rem_u (local.get $v) (i32.const 10))))
      (local.set $v (i32.div_u (local.get $v) (i32.const 10)))
      (br_if $d (local.get $v)))
    (i32.store8 (i32.const 920) (i32.const 32))
    (call $say (local.get $i) (i32.sub (i32.const 921) (local.get $i))))
  (func (export "dagger_main") (result i32)
    (local $in i32) (local $n i32) (local $c i32) (local $fd i32) (local $len i32) (local $r i32)
    ;; stdout:// is descriptor 0; stdin:// is 1 until it is closed, so the
    ;; streams a script opens are numbered from 1
    (call $say (i32.const 0) (i32.const 0))
    ;; slurp standard input into 65536..
    (local.set $in (call $open (i32.const 800) (i32.const 8)))
    (global.set $p (i32.const 65536))
    (global.set $end (i32.const 65536))
    (loop $l
      (local.set $n (call $read (local.get $in) (global.get $end) (i32.const 65536)))
      (if (i32.gt_s (local.get $n) (i32.const 0)) (then
        (global.set $end (i32.add (global.get $end) (local.get $n))) (br $l))))
    (drop (call $close (local.get $in)))
    (block $stop (loop $cmd
      (br_if $stop (i32.ge_u (global.get $p) (global.get $end)))
      (local.set $c (i32.load8_u (global.get $p)))
      (global.set $p (i32.add (global.get $p) (i32.const 1)))
      (if (i32.eq (local.get $c) (i32.const 111)) (then ;; o URL
        (call $skip_sp)
        (local.set $len (i32.sub (call $eol) (global.get $p)))
        (local.set $r (call $open (global.get $p) (local.get $len)))
        (call $tag (i32.const 0)) (call $num (local.get $r))))
      (if (i32.eq (local.get $c) (i32.const 87)) (then ;; W FD N + data
        (local.set $fd (call $number)) (local.set $len (call $number))
        (call $next_line)
        (local.set $r (call $write (local.get $fd) (global.get $p) (local.get $len)))
        (global.set $p (i32.add (global.get $p) (local.get $len)))
        (call $tag (i32.const 1)) (call $num (local.get $r))
        ;; one newline may close the data line
        (if (i32.eq (i32.load8_u (global.get $p)) (i32.const 10))
          (then (global.set $p (i32.add (global.get $p) (i32.const 1)))))
        (br $cmd)))
      (if (i32.eq (local.get $c) (i32.const 114)) (then ;; r FD N
        (local.set $fd (call $number)) (local.set $len (call $number))
        (local.set $r (call $read (local.get $fd) (i32.const 32768) (local.get $len)))
        (call $tag (i32.const 2)) (call $num (local.get $r))
        (if (i32.gt_s (local.get $r) (i32.const 0)) (then
          (call $say (i32.const 32768) (local.get $r))
          (call $say (i32.const 920) (i32.const 1))))))
      (if (i32.eq (local.get $c) (i32.const 115)) (then ;; s FD
        (call $drain (call $number) (i32.const 0))))
      (if (i32.eq (local.get $c) (i32.const 99)) (then ;; c FD
        (call $drain (call $number) (i32.const 1))))
      (if (i32.eq (local.get $c) (i32.const 102)) (then ;; f FD
        (local.set $r (call $flush (call $number)))
        (call $tag (i32.const 5)) (call $num (local.get $r))))
      (if (i32.eq (local.get $c) (i32.const 120)) (then ;; x FD
        (local.set $r (call $close (call $number)))
        (call $tag (i32.const 6)) (call $num (local.get $r))))
      (call $next_line)
      (br $cmd)))
    (i32.const 0)))
