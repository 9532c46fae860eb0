;; memory64 (wat2wasm --enable-memory64), shared memory elsewhere.
(module
  (memory i64 1 100)
  (func (export "_start")))
