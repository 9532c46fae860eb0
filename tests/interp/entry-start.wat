;; _start without a result: exit status 0.
;; status: 0
;; stdout: _start
(module
  (import "dagger" "open" (func $open (param i32 i32) (result i32)))
  (import "dagger" "write" (func $write (param i32 i32 i32) (result i32)))
  (memory 1)
  (data (i32.const 0) "fd://1")
  (data (i32.const 16) "_start\n")
  (func (export "_start")
    (drop (call $write (call $open (i32.const 0) (i32.const 6))
                       (i32.const 16) (i32.const 7)))))
