;; Many local declarations of every scalar and reference type, a loop, no memory.
(module
  (func $fib (param $n i32) (result i32)
    (local $a i32) (local $b i32) (local $t i32) (local i64 i64 f32 f64 f64 funcref externref)
    (local.set $b (i32.const 1))
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $t (i32.add (local.get $a) (local.get $b)))
        (local.set $a (local.get $b))
        (local.set $b (local.get $t))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $a))
  (func (export "main") (result i32) (call $fib (i32.const 10)))
  (func (export "dagger_main") (result i32) (call $fib (i32.const 11))))
