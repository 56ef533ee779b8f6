;; The farthest-point step that farthest-point-kernel.ts's buildKernel(8) emits, byte for byte
;; (test/core/kernels/farthest-point-kernel.test.ts assembles this file and compares).
;; d = 8: two f32x4 chunks per row, rowBytes = 32. Other dimensionalities repeat the chunk
;; block once per chunk (offsets 16·k) and change only the constants that derive from rowBytes.
(module
  (import "env" "memory" (memory 1))
  (func (export "step")
    (param $x i32)    ;; byte offset of row 0 (rows padded to whole vectors, count to a multiple of 4)
    (param $min i32)  ;; byte offset of minDist (f32 per row)
    (param $n4 i32)   ;; rows, a multiple of 4
    (param $from i32) ;; byte offset of the new pick's row
    (param $out i32)  ;; 32 bytes: each lane's largest minDist (f32x4), then its row (i32x4)
    (local $row i32) (local $mp i32) (local $end i32)
    (local $acc0 v128) (local $acc1 v128) (local $acc2 v128) (local $acc3 v128)
    (local $p v128) (local $diff v128) (local $m v128) (local $up v128)
    (local $far v128) (local $at v128) (local $idx v128) (local $four v128)
    (local.set $far (f32x4.splat (f32.const -1)))
    (local.set $at (i32x4.splat (i32.const -1)))
    (local.set $four (i32x4.splat (i32.const 4)))
    (local.set $idx (v128.const i32x4 0 1 2 3))
    (local.set $row (local.get $x))
    (local.set $mp (local.get $min))
    (local.set $end (i32.add (i32.shl (local.get $n4) (i32.const 2)) (local.get $min)))
    (block $done
      (loop $rows ;; four rows per turn
        (br_if $done (i32.ge_u (local.get $mp) (local.get $end)))
        ;; chunk 0 of the pick, then of rows 0..3 (rowBytes apart)
        (local.set $p (v128.load (local.get $from)))
        (local.set $acc0 (f32x4.mul (local.tee $diff (f32x4.sub (v128.load (local.get $row)) (local.get $p))) (local.get $diff)))
        (local.set $acc1 (f32x4.mul (local.tee $diff (f32x4.sub (v128.load offset=32 (local.get $row)) (local.get $p))) (local.get $diff)))
        (local.set $acc2 (f32x4.mul (local.tee $diff (f32x4.sub (v128.load offset=64 (local.get $row)) (local.get $p))) (local.get $diff)))
        (local.set $acc3 (f32x4.mul (local.tee $diff (f32x4.sub (v128.load offset=96 (local.get $row)) (local.get $p))) (local.get $diff)))
        ;; chunk 1, added to the accumulators
        (local.set $p (v128.load offset=16 (local.get $from)))
        (local.set $acc0 (f32x4.add (f32x4.mul (local.tee $diff (f32x4.sub (v128.load offset=16 (local.get $row)) (local.get $p))) (local.get $diff)) (local.get $acc0)))
        (local.set $acc1 (f32x4.add (f32x4.mul (local.tee $diff (f32x4.sub (v128.load offset=48 (local.get $row)) (local.get $p))) (local.get $diff)) (local.get $acc1)))
        (local.set $acc2 (f32x4.add (f32x4.mul (local.tee $diff (f32x4.sub (v128.load offset=80 (local.get $row)) (local.get $p))) (local.get $diff)) (local.get $acc2)))
        (local.set $acc3 (f32x4.add (f32x4.mul (local.tee $diff (f32x4.sub (v128.load offset=112 (local.get $row)) (local.get $p))) (local.get $diff)) (local.get $acc3)))
        ;; three pairwise adds: evens + odds of (a, b) = (a0+a1, a2+a3, b0+b1, b2+b3)
        (local.set $acc0 (f32x4.add
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $acc0) (local.get $acc1))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $acc0) (local.get $acc1))))
        (local.set $acc2 (f32x4.add
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $acc2) (local.get $acc3))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $acc2) (local.get $acc3))))
        (local.set $diff (f32x4.add ;; the four rows' squared distances
          (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $acc0) (local.get $acc2))
          (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $acc0) (local.get $acc2))))
        ;; minDist = pmin(minDist, dist): dist < m ? dist : m, so −1 (taken, padding) stays
        (v128.store (local.get $mp) (local.tee $m (f32x4.pmin (v128.load (local.get $mp)) (local.get $diff))))
        ;; per lane: strict > keeps the lowest row among ties
        (local.set $up (f32x4.gt (local.get $m) (local.get $far)))
        (local.set $far (v128.bitselect (local.get $m) (local.get $far) (local.get $up)))
        (local.set $at (v128.bitselect (local.get $idx) (local.get $at) (local.get $up)))
        (local.set $idx (i32x4.add (local.get $idx) (local.get $four)))
        (local.set $row (i32.add (local.get $row) (i32.const 128))) ;; 4 · rowBytes
        (local.set $mp (i32.add (local.get $mp) (i32.const 16)))
        (br $rows)))
    (v128.store (local.get $out) (local.get $far))
    (v128.store offset=16 (local.get $out) (local.get $at))))
