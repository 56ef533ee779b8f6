;; The distance function that farthest-point-kernel.ts's buildKernel(8) emits, byte for byte
;; (test/core/kernels/farthest-point-kernel.test.ts assembles this file and compares).
;; d = 8: two f32x4 chunks per row, rowBytes = 32. Other dimensionalities repeat the chunk
;; block once per chunk (offsets 16·k) and change only the constant rowBytes.
(module
  (import "env" "memory" (memory 1))
  (func (export "dist")
    (param $x i32)    ;; byte offset of row 0 (rows padded to whole vectors)
    (param $rows i32) ;; byte offset of the list of row indices (i32)
    (param $n4 i32)   ;; listed rows, a multiple of 4
    (param $from i32) ;; byte offset of the pick's row
    (param $out i32)  ;; byte offset of n4 squared distances (f32), in list order
    (local $ip i32) (local $end i32)
    (local $r0 i32) (local $r1 i32) (local $r2 i32) (local $r3 i32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $p v128) (local $diff v128)
    (local.set $ip (local.get $rows))
    (local.set $end (i32.add (i32.shl (local.get $n4) (i32.const 2)) (local.get $rows)))
    (block $done
      (loop $list ;; four listed rows per turn
        (br_if $done (i32.ge_u (local.get $ip) (local.get $end)))
        ;; each listed row's address: $x + index · rowBytes
        (local.set $r0 (i32.add (i32.mul (i32.load (local.get $ip)) (i32.const 32)) (local.get $x)))
        (local.set $r1 (i32.add (i32.mul (i32.load offset=4 (local.get $ip)) (i32.const 32)) (local.get $x)))
        (local.set $r2 (i32.add (i32.mul (i32.load offset=8 (local.get $ip)) (i32.const 32)) (local.get $x)))
        (local.set $r3 (i32.add (i32.mul (i32.load offset=12 (local.get $ip)) (i32.const 32)) (local.get $x)))
        ;; chunk 0 of the pick, then of the four rows
        (local.set $p (v128.load (local.get $from)))
        (local.set $acc0 (f32x4.mul (local.tee $diff (f32x4.sub (v128.load (local.get $r0)) (local.get $p))) (local.get $diff)))
        (local.set $acc1 (f32x4.mul (local.tee $diff (f32x4.sub (v128.load (local.get $r1)) (local.get $p))) (local.get $diff)))
        (local.set $acc2 (f32x4.mul (local.tee $diff (f32x4.sub (v128.load (local.get $r2)) (local.get $p))) (local.get $diff)))
        (local.set $acc3 (f32x4.mul (local.tee $diff (f32x4.sub (v128.load (local.get $r3)) (local.get $p))) (local.get $diff)))
        ;; chunk 1, added to the accumulators
        (local.set $p (v128.load offset=16 (local.get $from)))
        (local.set $acc0 (f32x4.add (f32x4.mul (local.tee $diff (f32x4.sub (v128.load offset=16 (local.get $r0)) (local.get $p))) (local.get $diff)) (local.get $acc0)))
        (local.set $acc1 (f32x4.add (f32x4.mul (local.tee $diff (f32x4.sub (v128.load offset=16 (local.get $r1)) (local.get $p))) (local.get $diff)) (local.get $acc1)))
        (local.set $acc2 (f32x4.add (f32x4.mul (local.tee $diff (f32x4.sub (v128.load offset=16 (local.get $r2)) (local.get $p))) (local.get $diff)) (local.get $acc2)))
        (local.set $acc3 (f32x4.add (f32x4.mul (local.tee $diff (f32x4.sub (v128.load offset=16 (local.get $r3)) (local.get $p))) (local.get $diff)) (local.get $acc3)))
        ;; three pairwise adds: evens + odds of (a, b) = (a0+a1, a2+a3, b0+b1, b2+b3)
        (local.set $acc0 (f32x4.add
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $acc0) (local.get $acc1))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $acc0) (local.get $acc1))))
        (local.set $acc2 (f32x4.add
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $acc2) (local.get $acc3))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $acc2) (local.get $acc3))))
        (v128.store (local.get $out) (f32x4.add ;; the four rows' squared distances
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $acc0) (local.get $acc2))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $acc0) (local.get $acc2))))
        (local.set $ip (i32.add (local.get $ip) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $list)))))
