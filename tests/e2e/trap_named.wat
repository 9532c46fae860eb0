;; A trap names its place: the wasm function (from the name section,
;; which daggercc's wat2wasm --debug-names fills from the $names), and for
;; an out-of-bounds access its address and size (guard pages: the address
;; of the first byte out of reach, size unknown). The functions call each
;; other through the table, so that the C compiler cannot inline one into
;; another and every engine sees the same stack.
(module
  (type $t (func (param i32) (result i32)))
  (memory 1)
  (table 2 funcref)
  (elem (i32.const 0) $parse_header $read_record)
  (func $parse_header (param $p i32) (result i32)
    (i32.wrap_i64 (i64.load (local.get $p))))
  (func $read_record (param $p i32) (result i32)
    (call_indirect (type $t) (local.get $p) (i32.const 0)))
  (func (export "dagger_main") (result i32)
    (call_indirect (type $t) (i32.const 0x12345678) (i32.const 1))))
