;; The low-pass filter's scan over every covered video (person-graph-scores.ts): for each row `at` of the
;; item-major `right` factors (float32, `rank` per row), out[at] = Σ_c right[at·rank + c] · profile[c] in float64.
;; Two lanes of float64 at a time; the four partial sums and the order they are added in are those of the plain
;; JavaScript loop it replaces (s0 += r[c]·p[c], s1 += r[c+1]·p[c+1], ... then the rank's remainder into s0,
;; then s0 + s1 + s2 + s3), so every score is the same to the last bit. Built by `npm run build:wasm`.
(module
  ;; The caller's memory: right (count × rank float32), then profile (rank float64), then out (count float64).
  (import "scan" "memory" (memory 1))
  (func (export "scores") (param $right i32) (param $profile i32) (param $out i32) (param $count i32) (param $rank i32)
    (local $at i32) (local $c i32) (local $by4 i32) (local $row i32)
    (local $s01 v128) (local $s23 v128) (local $four v128) (local $s0 f64)
    ;; The part of each row taken four at a time.
    (local.set $by4 (i32.sub (local.get $rank) (i32.rem_u (local.get $rank) (i32.const 4))))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_u (local.get $at) (local.get $count)))
        (local.set $row (i32.add (local.get $right) (i32.shl (i32.mul (local.get $at) (local.get $rank)) (i32.const 2))))
        (local.set $s01 (f64x2.splat (f64.const 0)))
        (local.set $s23 (f64x2.splat (f64.const 0)))
        (local.set $c (i32.const 0))
        (block $fours_done
          (loop $fours
            (br_if $fours_done (i32.ge_u (local.get $c) (local.get $by4)))
            (local.set $four (v128.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2)))))
            ;; right[c], right[c+1] widened to float64, times profile[c], profile[c+1].
            (local.set $s01
              (f64x2.add (local.get $s01)
                (f64x2.mul (f64x2.promote_low_f32x4 (local.get $four))
                  (v128.load (i32.add (local.get $profile) (i32.shl (local.get $c) (i32.const 3)))))))
            ;; right[c+2], right[c+3] (moved to the low half), times profile[c+2], profile[c+3].
            (local.set $s23
              (f64x2.add (local.get $s23)
                (f64x2.mul
                  (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $four) (local.get $four)))
                  (v128.load offset=16 (i32.add (local.get $profile) (i32.shl (local.get $c) (i32.const 3)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $fours)))
        (local.set $s0 (f64x2.extract_lane 0 (local.get $s01)))
        (block $rest_done
          (loop $rest
            (br_if $rest_done (i32.ge_u (local.get $c) (local.get $rank)))
            (local.set $s0
              (f64.add (local.get $s0)
                (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $row) (i32.shl (local.get $c) (i32.const 2)))))
                  (f64.load (i32.add (local.get $profile) (i32.shl (local.get $c) (i32.const 3)))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $rest)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $at) (i32.const 3)))
          (f64.add
            (f64.add (f64.add (local.get $s0) (f64x2.extract_lane 1 (local.get $s01))) (f64x2.extract_lane 0 (local.get $s23)))
            (f64x2.extract_lane 1 (local.get $s23))))
        (local.set $at (i32.add (local.get $at) (i32.const 1)))
        (br $rows)))))
