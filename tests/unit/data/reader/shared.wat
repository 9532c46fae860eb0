;; A shared memory (wat2wasm --enable-threads) and a bad _start signature.
(module
  (memory 1 1 shared)
  (func (export "_start") (param i32)))
