;; The inside of a JSON string, skipped 16 bytes at a time (WebAssembly SIMD) for the line scanner
;; (scan.ts). Compiled by scripts/gen-skip-string.mjs into skipStringWasm.ts; a unit test checks that
;; the committed bytes are this text compiled.
;;
;; skip(p, end) starts inside a string at p and stops at the first byte the scanner must look at
;; itself: the closing quote, a byte below 0x20, a backslash that does not begin a complete,
;; well-formed escape (\" \\ \/ \b \f \n \r \t, or \u and four hex digits), or `end`. It only passes
;; over bytes the scanner's own loop passes over too, so every decision and error stays the scanner's.
;; The result is (position << 1) | 1 when it passed an escape, (position << 1) otherwise.
(module
  ;; 65 pages: the 4 MiB read buffer of jsonl.ts (CHUNK) fits.
  (memory (export "memory") 65)

  ;; One function, everything inline: the engine's baseline compiler calls rather than inlines.
  (func (export "skip") (param $p i32) (param $end i32) (result i32)
    (local $escaped i32)
    (local $x i32)
    (local $m i32)
    (local $v v128)
    (loop $next
      ;; The first byte at or after $p that is `"`, `\` or below 0x20 (or $end): 16 bytes at a time…
      (block $found
        (block $tail
          (loop $blocks
            (br_if $tail (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
            (local.set $v (v128.load (local.get $p)))
            (local.set $m
              (i8x16.bitmask
                (v128.or
                  (v128.or
                    (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))
                    (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c))))
                  (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20))))))
            (if (local.get $m)
              (then
                (local.set $p (i32.add (local.get $p) (i32.ctz (local.get $m))))
                (br $found)))
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (br $blocks)))
        ;; …then, fewer than 16 bytes left, one at a time.
        (loop $bytes
          (br_if $found (i32.ge_u (local.get $p) (local.get $end)))
          (local.set $m (i32.load8_u (local.get $p)))
          (br_if $found (i32.eq (local.get $m) (i32.const 0x22)))
          (br_if $found (i32.eq (local.get $m) (i32.const 0x5c)))
          (br_if $found (i32.lt_u (local.get $m) (i32.const 0x20)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (br $bytes)))
      ;; The end, a quote or a byte below 0x20: the scanner's to decide.
      (if (i32.ge_u (local.get $p) (local.get $end))
        (then (return (i32.or (i32.shl (local.get $p) (i32.const 1)) (local.get $escaped)))))
      (if (i32.ne (i32.load8_u (local.get $p)) (i32.const 0x5c))
        (then (return (i32.or (i32.shl (local.get $p) (i32.const 1)) (local.get $escaped)))))
      ;; A backslash: passed over only when a complete, well-formed escape follows it.
      (if (i32.ge_u (i32.add (local.get $p) (i32.const 1)) (local.get $end))
        (then (return (i32.or (i32.shl (local.get $p) (i32.const 1)) (local.get $escaped)))))
      (local.set $x (i32.load8_u offset=1 (local.get $p)))
      (if (i32.eq (local.get $x) (i32.const 0x75))
        (then
          ;; \u and four hex digits: each of 0-9, a-f, A-F.
          (if (i32.gt_u (i32.add (local.get $p) (i32.const 6)) (local.get $end))
            (then (return (i32.or (i32.shl (local.get $p) (i32.const 1)) (local.get $escaped)))))
          (local.set $m (i32.const 2))
          (loop $digits
            (local.set $x (i32.load8_u (i32.add (local.get $p) (local.get $m))))
            (if (i32.eqz
                  (i32.or
                    (i32.lt_u (i32.sub (local.get $x) (i32.const 0x30)) (i32.const 10))
                    (i32.lt_u (i32.sub (i32.or (local.get $x) (i32.const 0x20)) (i32.const 0x61)) (i32.const 6))))
              (then (return (i32.or (i32.shl (local.get $p) (i32.const 1)) (local.get $escaped)))))
            (local.set $m (i32.add (local.get $m) (i32.const 1)))
            (br_if $digits (i32.lt_u (local.get $m) (i32.const 6))))
          (local.set $p (i32.add (local.get $p) (i32.const 6))))
        (else
          ;; One of \" \\ \/ (below 0x60) or \b \f \n \r \t (bits of 0x144044 from 0x60).
          (if (i32.eqz
                (select
                  (i32.or
                    (i32.or (i32.eq (local.get $x) (i32.const 0x22)) (i32.eq (local.get $x) (i32.const 0x2f)))
                    (i32.eq (local.get $x) (i32.const 0x5c)))
                  (i32.and
                    (i32.lt_u (i32.sub (local.get $x) (i32.const 0x60)) (i32.const 32))
                    (i32.and
                      (i32.shr_u (i32.const 0x144044) (i32.sub (local.get $x) (i32.const 0x60)))
                      (i32.const 1)))
                  (i32.lt_u (local.get $x) (i32.const 0x60))))
            (then (return (i32.or (i32.shl (local.get $p) (i32.const 1)) (local.get $escaped)))))
          (local.set $p (i32.add (local.get $p) (i32.const 2)))))
      (local.set $escaped (i32.const 1))
      (br $next))
    (unreachable)))
