;; One UMAP SGD epoch as sgd-kernel.ts's buildKernel(2) emits it, byte for byte
;; (test/core/umap/sgd-kernel.test.ts assembles this file and compares).
;; dim = 2, the default output: one f32x4 chunk per row (rowBytes = 16, lanes 2 and 3 stay 0).
;; Wider outputs repeat each per-chunk line for chunks h1, d1, r1, … (offsets 16·i, rowBytes
;; 16·chunks) and sum the squared differences in two accumulators ($acc, $acc2) before the
;; horizontal sum; every other instruction is the same.
(module
  (import "env" "memory" (memory 1))
  (func (export "epoch")
    ;; byte offsets into memory (KERNEL_PARAMS order)
    (param $headRows i32) (param $tailRows i32) (param $headIndex i32) (param $tailIndex i32)
    (param $epochsPerSample i32) (param $nextSample i32) (param $epochsPerNegative i32) (param $nextNegative i32)
    (param $exponentTable i32) (param $mantissaTable i32) (param $rngState i32)
    ;; counts and flags
    (param $nEdges i32) (param $nTail i32) (param $epoch i32) (param $moveOther i32)
    ;; curve and schedule
    (param $a f64) (param $attract f64) (param $repel f64) (param $alpha f64)
    (local $e i32) (local $j i32) (local $jo i32) (local $ko i32)
    (local $s i32) (local $nNeg i32) (local $k i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32) (local $x i32)
    (local $hi i32) (local $mant i32) (local $idx i32) (local $eOff i32)
    (local $epochF f64) (local $lim2 f64) (local $d2 f64) (local $p f64) (local $step f64) (local $t f64)
    (local $bits i64)
    (local $h0 v128) (local $d0 v128) (local $r0 v128) ;; head row, difference, summed repulsion (one per chunk)
    (local $acc v128) (local $acc2 v128) (local $stepV v128) (local $limV v128) (local $nlimV v128)
    (local $push v128) (local $pushLast v128)

    ;; xorshift128 state in
    (local.set $s0 (i32.load (local.get $rngState)))
    (local.set $s1 (i32.load offset=4 (local.get $rngState)))
    (local.set $s2 (i32.load offset=8 (local.get $rngState)))
    (local.set $s3 (i32.load offset=12 (local.get $rngState)))

    (local.set $epochF (f64.convert_i32_s (local.get $epoch)))
    ;; the clip: each coordinate step within ±4·alpha; lim2 = (4·alpha)²
    (local.set $lim2 (f64.mul (local.tee $lim2 (f64.mul (local.get $alpha) (f64.const 4))) (local.get $lim2)))
    (local.set $limV (f32x4.splat (f32.demote_f64 (f64.mul (local.get $alpha) (f64.const 4)))))
    (local.set $nlimV (f32x4.splat (f32.demote_f64 (f64.mul (local.get $alpha) (f64.const -4)))))
    ;; the push for coincident points; the last chunk's padding lanes masked to 0
    (local.set $push (local.get $limV))
    (local.set $pushLast (v128.and (local.get $limV) (v128.const i32x4 -1 -1 0 0)))

    (local.set $e (i32.const 0))
    (block $edges
      (loop $nextEdge
        (br_if $edges (i32.ge_s (local.get $e) (local.get $nEdges)))
        (block $edge ;; br $edge skips to the next edge
          ;; not due this epoch: nextSample[e] > epoch
          (br_if $edge (f64.gt
            (f64.load (i32.add (local.tee $eOff (i32.shl (local.get $e) (i32.const 3))) (local.get $nextSample)))
            (local.get $epochF)))
          ;; jo, ko = byte offsets of the head row j and the tail row
          (local.set $jo (i32.add
            (i32.mul (local.tee $j (i32.load (i32.add (i32.shl (local.get $e) (i32.const 2)) (local.get $headIndex)))) (i32.const 16))
            (local.get $headRows)))
          (local.set $ko (i32.add
            (i32.mul (i32.load (i32.add (i32.shl (local.get $e) (i32.const 2)) (local.get $tailIndex))) (i32.const 16))
            (local.get $tailRows)))
          (local.set $h0 (v128.load (local.get $jo)))

          ;; attraction along the edge: d0 = h0 − tail, d2 = ‖d0‖² (horizontal sum by two shuffles)
          (local.set $acc (f32x4.mul (local.tee $d0 (f32x4.sub (local.get $h0) (v128.load (local.get $ko)))) (local.get $d0)))
          (local.set $d2 (f64.promote_f32 (f32x4.extract_lane 0 (f32x4.add
            (local.tee $acc (f32x4.add (local.get $acc) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $acc) (local.get $acc))))
            (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $acc) (local.get $acc))))))
          (if (f64.gt (local.get $d2) (f64.const 0))
            (then
              local.get $d2
              ;; pow: x^b for the x on the stack, x = m·2^e: exponentTable[e] · (mantissa samples
              ;; around m, interpolated linearly by t from the 8 + 32 mantissa bits below the 12 used)
              i64.reinterpret_f64
              local.set $bits
              (local.set $hi (i32.wrap_i64 (i64.shr_u (local.get $bits) (i64.const 32))))
              (local.set $mant (i32.and (local.get $hi) (i32.const 0xfffff)))
              (local.set $idx (i32.add (i32.shl (i32.shr_u (local.get $mant) (i32.const 8)) (i32.const 3)) (local.get $mantissaTable)))
              (local.set $t (f64.mul
                (f64.add
                  (f64.convert_i32_u (i32.and (local.get $mant) (i32.const 0xff)))
                  (f64.mul (f64.convert_i32_u (i32.wrap_i64 (local.get $bits))) (f64.const 0x1p-32)))
                (f64.const 0x1p-8)))
              (f64.mul
                (f64.load (i32.add (i32.shl (i32.shr_u (local.get $hi) (i32.const 20)) (i32.const 3)) (local.get $exponentTable)))
                (f64.add
                  (f64.load (local.get $idx))
                  (f64.mul (local.get $t) (f64.sub (f64.load offset=8 (local.get $idx)) (f64.load (local.get $idx))))))
              ;; end of pow
              local.set $p
              ;; step = attract · p / d2 / (a·p + 1) · alpha   (d^(2(b−1)) = p/d2)
              (local.set $step (f64.mul
                (f64.div
                  (f64.div (f64.mul (local.get $attract) (local.get $p)) (local.get $d2))
                  (f64.add (f64.mul (local.get $a) (local.get $p)) (f64.const 1)))
                (local.get $alpha)))
              ;; d0 = clamp(step · d0, ±4·alpha); h0 += d0
              (local.set $stepV (f32x4.splat (f32.demote_f64 (local.get $step))))
              (local.set $h0 (f32x4.add
                (local.tee $d0 (f32x4.pmax (f32x4.pmin (f32x4.mul (local.get $stepV) (local.get $d0)) (local.get $limV)) (local.get $nlimV)))
                (local.get $h0)))
              (v128.store (local.get $jo) (local.get $h0))
              ;; the tail moves the other way (fit, not transform)
              (if (local.get $moveOther)
                (then (v128.store (local.get $ko) (f32x4.sub (v128.load (local.get $ko)) (local.get $d0)))))))

          ;; nextSample[e] += epochsPerSample[e]
          (f64.store (i32.add (local.get $eOff) (local.get $nextSample))
            (f64.add
              (f64.load (i32.add (local.get $eOff) (local.get $nextSample)))
              (f64.load (i32.add (local.get $eOff) (local.get $epochsPerSample)))))
          ;; nNeg = floor((epoch − nextNegative[e]) / epochsPerNegative[e])
          (local.set $nNeg (i32.trunc_f64_s (f64.floor (f64.div
            (f64.sub (local.get $epochF) (f64.load (i32.add (local.get $eOff) (local.get $nextNegative))))
            (f64.load (i32.add (local.get $eOff) (local.get $epochsPerNegative)))))))

          ;; repulsions, all measured from the position after the attraction, summed into r0
          (local.set $r0 (v128.const i32x4 0 0 0 0))
          (local.set $s (i32.const 0))
          (block $negatives
            (loop $nextNegativeSample
              (br_if $negatives (i32.ge_s (local.get $s) (local.get $nNeg)))
              (block $sample ;; br $sample skips this sample
                ;; xorshift128
                (local.set $x (i32.xor (local.get $s0) (i32.shl (local.get $s0) (i32.const 11))))
                (local.set $s0 (local.get $s1))
                (local.set $s1 (local.get $s2))
                (local.set $s2 (local.get $s3))
                (local.set $s3 (i32.xor
                  (i32.xor (i32.xor (local.get $s3) (i32.shr_u (local.get $s3) (i32.const 19))) (local.get $x))
                  (i32.shr_u (local.get $x) (i32.const 8))))
                ;; k = floor(s3 · nTail / 2^32)
                (local.set $k (i32.wrap_i64 (i64.shr_u
                  (i64.mul (i64.extend_i32_u (local.get $s3)) (i64.extend_i32_u (local.get $nTail)))
                  (i64.const 32))))
                ;; a point is never its own negative sample
                (br_if $sample (i32.and (local.get $moveOther) (i32.eq (local.get $k) (local.get $j))))
                (local.set $ko (i32.add (i32.mul (local.get $k) (i32.const 16)) (local.get $tailRows)))
                ;; d0 = h0 − row k, d2 = ‖d0‖²
                (local.set $acc (f32x4.mul (local.tee $d0 (f32x4.sub (local.get $h0) (v128.load (local.get $ko)))) (local.get $d0)))
                (local.set $d2 (f64.promote_f32 (f32x4.extract_lane 0 (f32x4.add
                  (local.tee $acc (f32x4.add (local.get $acc) (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $acc) (local.get $acc))))
                  (i8x16.shuffle 4 5 6 7 0 1 2 3 12 13 14 15 8 9 10 11 (local.get $acc) (local.get $acc))))))
                (if (f64.gt (local.get $d2) (f64.const 0))
                  (then
                    ;; step = repel / ((0.001 + d2) · (a · d2^b + 1)) · alpha
                    local.get $repel
                    (f64.add (f64.const 0.001) (local.get $d2))
                    local.get $a
                    local.get $d2
                    ;; pow, as in the attraction
                    i64.reinterpret_f64
                    local.set $bits
                    (local.set $hi (i32.wrap_i64 (i64.shr_u (local.get $bits) (i64.const 32))))
                    (local.set $mant (i32.and (local.get $hi) (i32.const 0xfffff)))
                    (local.set $idx (i32.add (i32.shl (i32.shr_u (local.get $mant) (i32.const 8)) (i32.const 3)) (local.get $mantissaTable)))
                    (local.set $t (f64.mul
                      (f64.add
                        (f64.convert_i32_u (i32.and (local.get $mant) (i32.const 0xff)))
                        (f64.mul (f64.convert_i32_u (i32.wrap_i64 (local.get $bits))) (f64.const 0x1p-32)))
                      (f64.const 0x1p-8)))
                    (f64.mul
                      (f64.load (i32.add (i32.shl (i32.shr_u (local.get $hi) (i32.const 20)) (i32.const 3)) (local.get $exponentTable)))
                      (f64.add
                        (f64.load (local.get $idx))
                        (f64.mul (local.get $t) (f64.sub (f64.load offset=8 (local.get $idx)) (f64.load (local.get $idx))))))
                    ;; end of pow
                    f64.mul
                    f64.const 1
                    f64.add
                    f64.mul
                    f64.div
                    local.get $alpha
                    f64.mul
                    local.set $step
                    ;; every component is at most the norm: step²·d2 ≤ lim2 means nothing to clip
                    (if (f64.gt (f64.mul (f64.mul (local.get $step) (local.get $step)) (local.get $d2)) (local.get $lim2))
                      (then
                        (local.set $stepV (f32x4.splat (f32.demote_f64 (local.get $step))))
                        (local.set $r0 (f32x4.add
                          (local.tee $d0 (f32x4.pmax (f32x4.pmin (f32x4.mul (local.get $stepV) (local.get $d0)) (local.get $limV)) (local.get $nlimV)))
                          (local.get $r0))))
                      (else
                        (local.set $stepV (f32x4.splat (f32.demote_f64 (local.get $step))))
                        (local.set $r0 (f32x4.add (f32x4.mul (local.get $stepV) (local.get $d0)) (local.get $r0))))))
                  (else ;; coincident with another point: push at full clip strength
                    (local.set $r0 (f32x4.add (local.get $r0) (local.get $pushLast))))))
              (local.set $s (i32.add (local.get $s) (i32.const 1)))
              (br $nextNegativeSample)))

          (v128.store (local.get $jo) (f32x4.add (local.get $h0) (local.get $r0)))
          ;; nextNegative[e] += nNeg · epochsPerNegative[e]
          (f64.store (i32.add (local.get $eOff) (local.get $nextNegative))
            (f64.add
              (f64.load (i32.add (local.get $eOff) (local.get $nextNegative)))
              (f64.mul
                (f64.convert_i32_s (local.get $nNeg))
                (f64.load (i32.add (local.get $eOff) (local.get $epochsPerNegative)))))))
        (local.set $e (i32.add (local.get $e) (i32.const 1)))
        (br $nextEdge)))

    ;; xorshift128 state out
    (i32.store (local.get $rngState) (local.get $s0))
    (i32.store offset=4 (local.get $rngState) (local.get $s1))
    (i32.store offset=8 (local.get $rngState) (local.get $s2))
    (i32.store offset=12 (local.get $rngState) (local.get $s3))))
