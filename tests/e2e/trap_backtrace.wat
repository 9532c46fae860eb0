;; DAGGER_BACKTRACE=1 adds the chain of wasm functions under the trap line,
;; innermost first, a run of recursion as one line (trap_backtrace.sh).
(module
  (type $t (func (param i32) (result i32)))
  (memory 1)
  (table 3 funcref)
  (elem (i32.const 0) $leaf $recurse $outer)
  (func $leaf (param i32) (result i32) (unreachable))
  (func $recurse (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (call_indirect (type $t) (i32.const 0) (i32.const 0)))
      (else (call_indirect (type $t) (i32.sub (local.get $n) (i32.const 1))
                                     (i32.const 1)))))
  (func $outer (param i32) (result i32)
    (call_indirect (type $t) (i32.const 3) (i32.const 1)))
  (func (export "dagger_main") (result i32)
    (call_indirect (type $t) (i32.const 0) (i32.const 2))))
