;; A memory that starts above the memory limit (4 pages, --max-memory 128K):
;; the program refuses to start, in one line, with status 213, before any
;; guest code runs (the start function would print).
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (memory 4)
  (data (i32.const 0) "stdout://")
  (func $start (drop (call $open (i32.const 0) (i32.const 9))) (unreachable))
  (start $start)
  (func (export "main") (result i32) (i32.const 0)))
