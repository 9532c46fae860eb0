;; Run statistics of a WASI program: two fd_write calls of 3 bytes each on
;; descriptor 1, and an fd_close of the preopened jail (3).
;; limits_stats_wasi.sh checks that the JSON counts them under calls.wasi
;; and schemes.wasi, and none as a Dagger call, in every engine.
(module
  (import "wasi_snapshot_preview1" "fd_write"
    (func $fd_write (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_close"
    (func $fd_close (param i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\03\00\00\00") ;; one iovec: 3 bytes at 16
  (data (i32.const 16) "hi\n")
  (func (export "_start")
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32)))
    (drop (call $fd_write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 32)))
    (drop (call $fd_close (i32.const 3)))))
