;; Netwright's WebAssembly SIMD kernels for TF.js's wasm backend (shared/tfjs/simd/kernels.ts).
;; They run on the backend's own memory (imported), on the buffers of TF.js tensors, in place.
;; Pointers are byte offsets into that memory; every float is IEEE float32, each f32x4 lane
;; rounded as the scalar operation would be (WebAssembly SIMD spec), so the results equal
;; TF.js's cpu kernels op for op where the comments say so.
;; Built into kernels.generated.ts by `npm run build:wasm-kernels` (scripts/build-wasm-kernels.mjs).
(module
  (import "env" "memory" (memory 1)) ;; MEMORY (the build script writes the shared variant)

  ;; Adam, TF.js's arithmetic (tfjs-core 4.22 adam_optimizer.ts), on n floats:
  ;;   m ← m·β₁ + g·(1−β₁);  v ← v·β₂ + (g·g)·(1−β₂);
  ;;   pOut ← ((m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε))·(−lr) + p
  ;; m and v are updated in place; the parameter is read at p and written at pOut (may equal p).
  (func (export "adam")
    (param $p i32) (param $pOut i32) (param $m i32) (param $v i32) (param $g i32) (param $n i32)
    (param $b1 f32) (param $ob1 f32) (param $b2 f32) (param $ob2 f32)
    (param $c1 f32) (param $c2 f32) (param $eps f32) (param $nlr f32)
    (local $o i32) (local $end4 i32) (local $end i32)
    (local $gv v128) (local $mv v128) (local $vv v128)
    (local $B1 v128) (local $OB1 v128) (local $B2 v128) (local $OB2 v128)
    (local $C1 v128) (local $C2 v128) (local $EPS v128) (local $NLR v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1)))
    (local.set $OB1 (f32x4.splat (local.get $ob1)))
    (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $OB2 (f32x4.splat (local.get $ob2)))
    (local.set $C1 (f32x4.splat (local.get $c1)))
    (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $EPS (f32x4.splat (local.get $eps)))
    (local.set $NLR (f32x4.splat (local.get $nlr)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $end4 (i32.and (local.get $end) (i32.const -16)))
    (local.set $o (i32.const 0))
    (block $done4
      (loop $vec
        (br_if $done4 (i32.ge_u (local.get $o) (local.get $end4)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $o))))
        (local.set $mv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $o))) (local.get $B1))
            (f32x4.mul (local.get $gv) (local.get $OB1))))
        (local.set $vv
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $o))) (local.get $B2))
            (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $OB2))))
        (v128.store (i32.add (local.get $m) (local.get $o)) (local.get $mv))
        (v128.store (i32.add (local.get $v) (local.get $o)) (local.get $vv))
        (v128.store (i32.add (local.get $pOut) (local.get $o))
          (f32x4.add
            (f32x4.mul
              (f32x4.div
                (f32x4.div (local.get $mv) (local.get $C1))
                (f32x4.add
                  (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $C2)))
                  (local.get $EPS)))
              (local.get $NLR))
            (v128.load (i32.add (local.get $p) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $vec)))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $o) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $o))))
        (local.set $ms
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $m) (local.get $o))) (local.get $b1))
            (f32.mul (local.get $gs) (local.get $ob1))))
        (local.set $vs
          (f32.add
            (f32.mul (f32.load (i32.add (local.get $v) (local.get $o))) (local.get $b2))
            (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $ob2))))
        (f32.store (i32.add (local.get $m) (local.get $o)) (local.get $ms))
        (f32.store (i32.add (local.get $v) (local.get $o)) (local.get $vs))
        (f32.store (i32.add (local.get $pOut) (local.get $o))
          (f32.add
            (f32.mul
              (f32.div
                (f32.div (local.get $ms) (local.get $c1))
                (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $c2))) (local.get $eps)))
              (local.get $nlr))
            (f32.load (i32.add (local.get $p) (local.get $o)))))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $tail))))

  ;; Sum over rows: out[d] = Σ_r x[r·c + d] for d < c, rows in order, float32 accumulation.
  ;; Requires c % 4 = 0 (the caller checks).
  (func (export "sum_rows") (param $x i32) (param $out i32) (param $rows i32) (param $c i32)
    (local $r i32) (local $d i32) (local $rowBytes i32) (local $src i32)
    (local.set $rowBytes (i32.shl (local.get $c) (i32.const 2)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $rowBytes))
    (local.set $src (local.get $x))
    (local.set $r (i32.const 0))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $d (i32.const 0))
        (block $colsDone
          (loop $col
            (br_if $colsDone (i32.ge_u (local.get $d) (local.get $rowBytes)))
            (v128.store (i32.add (local.get $out) (local.get $d))
              (f32x4.add
                (v128.load (i32.add (local.get $out) (local.get $d)))
                (v128.load (i32.add (local.get $src) (local.get $d)))))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $col)))
        (local.set $src (i32.add (local.get $src) (local.get $rowBytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $row))))

  ;; Transpose of a rows × cols matrix of 4-byte values: dst[j·rows + i] = src[i·cols + j].
  ;; 4 × 4 tiles through SIMD shuffles, in blocks of 32 columns (the block's 32 destination rows
  ;; stay in cache while every source row passes); the ragged edges one value at a time.
  ;; src and dst do not overlap.
  (func (export "transpose2d") (param $src i32) (param $dst i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $jb i32) (local $jEnd i32) (local $rows4 i32) (local $cols4 i32)
    (local $rowBytes i32) (local $colBytes i32) (local $s i32) (local $d i32)
    (local $r0 v128) (local $r1 v128) (local $r2 v128) (local $r3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $cols4 (i32.and (local.get $cols) (i32.const -4)))
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $colBytes (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $jb (i32.const 0))
    (block $blocksDone
      (loop $block
        (br_if $blocksDone (i32.ge_u (local.get $jb) (local.get $cols4)))
        (local.set $jEnd (i32.add (local.get $jb) (i32.const 32)))
        (if (i32.gt_u (local.get $jEnd) (local.get $cols4)) (then (local.set $jEnd (local.get $cols4))))
        (local.set $i (i32.const 0))
        (block $bandsDone
          (loop $band
            (br_if $bandsDone (i32.ge_u (local.get $i) (local.get $rows4)))
            (local.set $j (local.get $jb))
            (block $tilesDone
              (loop $tile
                (br_if $tilesDone (i32.ge_u (local.get $j) (local.get $jEnd)))
                ;; s = &src[i][j], d = &dst[j][i]
                (local.set $s
                  (i32.add (local.get $src)
                    (i32.add (i32.mul (local.get $i) (local.get $rowBytes)) (i32.shl (local.get $j) (i32.const 2)))))
                (local.set $d
                  (i32.add (local.get $dst)
                    (i32.add (i32.mul (local.get $j) (local.get $colBytes)) (i32.shl (local.get $i) (i32.const 2)))))
                (local.set $r0 (v128.load (local.get $s)))
                (local.set $r1 (v128.load (i32.add (local.get $s) (local.get $rowBytes))))
                (local.set $r2 (v128.load (i32.add (local.get $s) (i32.shl (local.get $rowBytes) (i32.const 1)))))
                (local.set $r3 (v128.load (i32.add (local.get $s) (i32.mul (local.get $rowBytes) (i32.const 3)))))
                ;; t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 d0 c1 d1, t3 = c2 d2 c3 d3
                (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
                (local.set $t1 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
                (local.set $t2 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
                (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
                (v128.store (local.get $d)
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t2)))
                (v128.store (i32.add (local.get $d) (local.get $colBytes))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t2)))
                (v128.store (i32.add (local.get $d) (i32.shl (local.get $colBytes) (i32.const 1)))
                  (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t1) (local.get $t3)))
                (v128.store (i32.add (local.get $d) (i32.mul (local.get $colBytes) (i32.const 3)))
                  (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t1) (local.get $t3)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $tile)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $band)))
        (local.set $jb (local.get $jEnd))
        (br $block)))
    ;; the last cols % 4 columns of the first rows4 rows
    (local.set $i (i32.const 0))
    (block $edgeRowsDone
      (loop $edgeRow
        (br_if $edgeRowsDone (i32.ge_u (local.get $i) (local.get $rows4)))
        (local.set $j (local.get $cols4))
        (block $edgeColsDone
          (loop $edgeCol
            (br_if $edgeColsDone (i32.ge_u (local.get $j) (local.get $cols)))
            (i32.store
              (i32.add (local.get $dst)
                (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2)))
              (i32.load
                (i32.add (local.get $src)
                  (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $edgeCol)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $edgeRow)))
    ;; the last rows % 4 rows, every column
    (local.set $i (local.get $rows4))
    (block $rowsDone
      (loop $row
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $colsDone
          (loop $col
            (br_if $colsDone (i32.ge_u (local.get $j) (local.get $cols)))
            (i32.store
              (i32.add (local.get $dst)
                (i32.shl (i32.add (i32.mul (local.get $j) (local.get $rows)) (local.get $i)) (i32.const 2)))
              (i32.load
                (i32.add (local.get $src)
                  (i32.shl (i32.add (i32.mul (local.get $i) (local.get $cols)) (local.get $j)) (i32.const 2)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $col)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $row))))

  ;; Max-pool gradient for one row of windows that do not overlap (stride ≥ window), NHWC, as
  ;; TF.js's cpu kernel: for each window yC < ow of this output row and each channel, the
  ;; window's maximum is found with `x > best` from best = −∞ (so NaN never wins), then the first
  ;; input position (row-major) holding it gets dy; a window whose maximum stays −∞ passes
  ;; nothing. The caller zeroes dx first. x and dx point at the batch item's first input row, dy
  ;; at this output row; rows [rMin, rMax) of the input belong to the row; window yC covers input
  ;; columns [max(0, yC·sw − pl), min(w, yC·sw − pl + fw)). Requires c % 4 = 0.
  (func (export "max_pool_grad_row")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $w i32) (param $c i32) (param $ow i32) (param $sw i32) (param $fw i32) (param $pl i32)
    (param $rMin i32) (param $rMax i32)
    (local $yc i32) (local $d i32) (local $r i32) (local $col i32) (local $cMin i32) (local $cMax i32)
    (local $cBytes i32) (local $rowBytes i32) (local $at i32) (local $yAt i32)
    (local $yv v128) (local $dyv v128) (local $claimed v128) (local $hit v128) (local $xv v128)
    (local $valid v128)
    (local.set $cBytes (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowBytes (i32.mul (local.get $w) (local.get $cBytes)))
    (local.set $yc (i32.const 0))
    (block $windowsDone
      (loop $window
        (br_if $windowsDone (i32.ge_s (local.get $yc) (local.get $ow)))
        (local.set $cMin (i32.sub (i32.mul (local.get $yc) (local.get $sw)) (local.get $pl)))
        (local.set $cMax (i32.add (local.get $cMin) (local.get $fw)))
        (if (i32.lt_s (local.get $cMin) (i32.const 0)) (then (local.set $cMin (i32.const 0))))
        (if (i32.gt_s (local.get $cMax) (local.get $w)) (then (local.set $cMax (local.get $w))))
        (local.set $d (i32.const 0))
        (block $chansDone
          (loop $chan
            (br_if $chansDone (i32.ge_u (local.get $d) (local.get $cBytes)))
            (local.set $yAt
              (i32.add (i32.mul (local.get $yc) (local.get $cBytes)) (local.get $d)))
            (local.set $dyv (v128.load (i32.add (local.get $dy) (local.get $yAt))))
            ;; first pass: the window's maximum, cpu's rule
            (local.set $yv (f32x4.splat (f32.const -inf)))
            (local.set $r (local.get $rMin))
            (block $maxRowsDone
              (loop $maxRow
                (br_if $maxRowsDone (i32.ge_s (local.get $r) (local.get $rMax)))
                (local.set $col (local.get $cMin))
                (block $maxColsDone
                  (loop $maxCols
                    (br_if $maxColsDone (i32.ge_s (local.get $col) (local.get $cMax)))
                    (local.set $xv
                      (v128.load
                        (i32.add (local.get $x)
                          (i32.add
                            (i32.add
                              (i32.mul (local.get $r) (local.get $rowBytes))
                              (i32.mul (local.get $col) (local.get $cBytes)))
                            (local.get $d)))))
                    (local.set $yv
                      (v128.bitselect (local.get $xv) (local.get $yv)
                        (f32x4.gt (local.get $xv) (local.get $yv))))
                    (local.set $col (i32.add (local.get $col) (i32.const 1)))
                    (br $maxCols)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $maxRow)))
            ;; lanes whose maximum is > −∞: only they pass the gradient
            (local.set $valid (f32x4.gt (local.get $yv) (f32x4.splat (f32.const -inf))))
            (local.set $claimed (v128.const i32x4 0 0 0 0))
            (local.set $r (local.get $rMin))
            (block $rowsDone
              (loop $row
                (br_if $rowsDone (i32.ge_s (local.get $r) (local.get $rMax)))
                (local.set $col (local.get $cMin))
                (block $colsDone
                  (loop $cols
                    (br_if $colsDone (i32.ge_s (local.get $col) (local.get $cMax)))
                    (local.set $at
                      (i32.add
                        (i32.add
                          (i32.mul (local.get $r) (local.get $rowBytes))
                          (i32.mul (local.get $col) (local.get $cBytes)))
                        (local.get $d)))
                    (local.set $xv (v128.load (i32.add (local.get $x) (local.get $at))))
                    (local.set $hit
                      (v128.andnot
                        (v128.and (f32x4.eq (local.get $xv) (local.get $yv)) (local.get $valid))
                        (local.get $claimed)))
                    (v128.store (i32.add (local.get $dx) (local.get $at))
                      (v128.and (local.get $dyv) (local.get $hit)))
                    (local.set $claimed (v128.or (local.get $claimed) (local.get $hit)))
                    (local.set $col (i32.add (local.get $col) (i32.const 1)))
                    (br $cols)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $row)))
            (local.set $d (i32.add (local.get $d) (i32.const 16)))
            (br $chan)))
        (local.set $yc (i32.add (local.get $yc) (i32.const 1)))
        (br $window))))
)
