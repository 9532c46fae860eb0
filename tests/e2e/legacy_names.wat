;; The text format of before 2019, as the original Dagger's test modules
;; (2018-2019) were written: get_local, set_local, tee_local, get_global,
;; set_global, current_memory, grow_memory, anyfunc and the old conversion
;; names (i32.wrap/i64, i64.extend_u/i32, f64.convert_s/i32,
;; i32.trunc_s/f64, f32.demote/f64, f64.promote/f32, i32.reinterpret/f32,
;; i32.trunc_s:sat/f32). daggercc and dagger-interp rewrite them; a string
;; or a comment that holds one (like this one: get_local) is left alone.
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (table 1 anyfunc)
  (memory 1)
  (global $fd (mut i32) (i32.const 0))
  (data (i32.const 16) "stdout://")
  (data (i32.const 32) "get_local (; kept ;) \"set_local\"\n")
  (data (i32.const 100) "0000\n")
  (func $digit (param $at i32) (param $v i32)
    (i32.store8 (get_local $at) (i32.add (i32.const 48) (get_local $v))))
  (func (export "dagger_main") (result i32) (local $x i32) (local $f f64)
    (set_global $fd (call $open (i32.const 16) (i32.const 9)))
    (drop (call $write (get_global $fd) (i32.const 32) (i32.const 33)))
    ;; 7 through a tee, a wrap and an extend
    (set_local $x (i32.wrap/i64 (i64.extend_u/i32 (tee_local $x (i32.const 7)))))
    (call $digit (i32.const 100) (get_local $x))
    ;; 2.5 -> 2 through f64 <- f32 <- f64 and a saturating truncation
    (set_local $f (f64.promote/f32 (f32.demote/f64 (f64.convert_s/i32 (i32.const 5)))))
    (call $digit (i32.const 101)
      (i32.trunc_s:sat/f32 (f32.demote/f64 (f64.div (get_local $f) (f64.const 2)))))
    (call $digit (i32.const 102) (i32.trunc_s/f64 (f64.const 3.9)))
    ;; memory: one page, grown by one (returns 1); reinterpret of 0.0 is 0
    (call $digit (i32.const 103)
      (i32.add (grow_memory (i32.const 1))
               (i32.add (i32.reinterpret/f32 (f32.const 0)) (i32.sub (current_memory) (i32.const 2)))))
    (drop (call $write (get_global $fd) (i32.const 100) (i32.const 5)))
    (i32.const 0)))
