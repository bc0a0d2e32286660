;; The inside of a JSON string, skipped 64 bytes at a time (WebAssembly SIMD) for the line scanner
;; (scan.ts). Compiled by scripts/gen-skip-string.mjs into skipStringWasm.ts; a unit test checks that
;; the committed bytes are this text compiled.
;;
;; skip(p, end) starts inside a string at p and stops at the first byte the scanner must look at
;; itself: the closing quote, a byte below 0x20, a backslash that does not begin a complete,
;; well-formed escape (\" \\ \/ \b \f \n \r \t, or \u and four hex digits), or `end`. It only passes
;; over bytes the scanner's own loop passes over too, so every decision and error stays the scanner's.
;; The result is (position << 1) | 1 when it passed an escape, (position << 1) otherwise.
;;
;; While 64 bytes are left it reads them as four vectors and finds every backslash of the window at
;; once: the bytes each escape covers follow from the runs of backslashes (an odd run escapes the
;; byte after it), so only the escapes themselves are checked one by one, never a byte between them,
;; and the window is left only at a stop. Reasoning traces have an escape every ~40 bytes (\n, \"):
;; returning to a 16-byte loop at each one cost a mispredicted branch per escape (DECISIONS 99).
;; Fewer than 64 bytes left: 16 at a time, then one at a time, as before.
(module
  ;; 65 pages: the 4 MiB read buffer of jsonl.ts (CHUNK) fits.
  (memory (export "memory") 65)

  ;; One function, everything inline: the engine's baseline compiler calls rather than inlines.
  (func (export "skip") (param $p i32) (param $end i32) (result i32)
    (local $escaped i32)
    (local $x i32)
    (local $m i32)
    (local $v v128)
    (local $v1 v128)
    (local $v2 v128)
    (local $v3 v128)
    (local $q i64)
    (local $b i64)
    (local $e i64)
    (local $s i64)
    (local $t i64)
    (local $lim i64)
    (local $i i32)
    (loop $next
      ;; 64 bytes at a time while a whole window is left: every backslash of the window at once.
      (block $windows
        (loop $window
          (br_if $windows (i32.gt_u (i32.add (local.get $p) (i32.const 64)) (local.get $end)))
          (local.set $v (v128.load (local.get $p)))
          (local.set $v1 (v128.load offset=16 (local.get $p)))
          (local.set $v2 (v128.load offset=32 (local.get $p)))
          (local.set $v3 (v128.load offset=48 (local.get $p)))
          ;; $q: quotes and bytes below 0x20; $b: backslashes (bit i = byte p + i).
          (local.set $q
            (i64.or
              (i64.or
                (i64.extend_i32_u
                  (i8x16.bitmask
                    (v128.or
                      (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x22)))
                      (i8x16.lt_u (local.get $v) (i8x16.splat (i32.const 0x20))))))
                (i64.shl
                  (i64.extend_i32_u
                    (i8x16.bitmask
                      (v128.or
                        (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x22)))
                        (i8x16.lt_u (local.get $v1) (i8x16.splat (i32.const 0x20))))))
                  (i64.const 16)))
              (i64.or
                (i64.shl
                  (i64.extend_i32_u
                    (i8x16.bitmask
                      (v128.or
                        (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x22)))
                        (i8x16.lt_u (local.get $v2) (i8x16.splat (i32.const 0x20))))))
                  (i64.const 32))
                (i64.shl
                  (i64.extend_i32_u
                    (i8x16.bitmask
                      (v128.or
                        (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x22)))
                        (i8x16.lt_u (local.get $v3) (i8x16.splat (i32.const 0x20))))))
                  (i64.const 48)))))
          (local.set $b
            (i64.or
              (i64.or
                (i64.extend_i32_u
                  (i8x16.bitmask (i8x16.eq (local.get $v) (i8x16.splat (i32.const 0x5c)))))
                (i64.shl
                  (i64.extend_i32_u
                    (i8x16.bitmask (i8x16.eq (local.get $v1) (i8x16.splat (i32.const 0x5c)))))
                  (i64.const 16)))
              (i64.or
                (i64.shl
                  (i64.extend_i32_u
                    (i8x16.bitmask (i8x16.eq (local.get $v2) (i8x16.splat (i32.const 0x5c)))))
                  (i64.const 32))
                (i64.shl
                  (i64.extend_i32_u
                    (i8x16.bitmask (i8x16.eq (local.get $v3) (i8x16.splat (i32.const 0x5c)))))
                  (i64.const 48)))))
          (if (i64.eqz (local.get $b))
            (then
              (if (i64.ne (local.get $q) (i64.const 0))
                (then
                  (return
                    (i32.or
                      (i32.shl (i32.add (local.get $p) (i32.wrap_i64 (i64.ctz (local.get $q)))) (i32.const 1))
                      (local.get $escaped)))))
              (local.set $p (i32.add (local.get $p) (i32.const 64)))
              (br $window)))
          ;; The escaped bytes: those after an odd run of backslashes (simdjson's find_escaped_branchless,
          ;; nothing carried in: p is never an escaped byte). $t: bytes that follow a backslash.
          (local.set $t (i64.shl (local.get $b) (i64.const 1)))
          (local.set $e
            (i64.and
              (i64.xor
                (i64.const 0x5555555555555555)
                (i64.shl
                  (i64.add
                    (i64.and
                      (local.get $b)
                      (i64.and (i64.const 0xaaaaaaaaaaaaaaaa) (i64.xor (local.get $t) (i64.const -1))))
                    (local.get $b))
                  (i64.const 1)))
              (local.get $t)))
          ;; $s: backslashes that begin an escape; a quote or a byte below 0x20 that is escaped is no stop
          ;; (an escaped byte below 0x20 is a malformed escape, found at its backslash below).
          (local.set $s (i64.and (local.get $b) (i64.xor (local.get $e) (i64.const -1))))
          (local.set $q (i64.and (local.get $q) (i64.xor (local.get $e) (i64.const -1))))
          ;; $lim: where this window stops, the first stop (64: none) or an escape it cannot check whole.
          (local.set $lim (i64.ctz (local.get $q)))
          ;; Each escape before it, in order: one the scanner must decide ends the skip at its backslash.
          (block $checked
            (loop $escapes
              (br_if $checked (i64.eqz (local.get $s)))
              (local.set $i (i32.wrap_i64 (i64.ctz (local.get $s))))
              (br_if $checked (i64.ge_u (i64.extend_i32_u (local.get $i)) (local.get $lim)))
              (if (i32.eq (local.get $i) (i32.const 63))
                (then
                  (local.set $lim (i64.const 63))
                  (br $checked)))
              (local.set $x (i32.load8_u offset=1 (i32.add (local.get $p) (local.get $i))))
              (if (i32.eq (local.get $x) (i32.const 0x75))
                (then
                  ;; A `u` escape: four hex digits, all inside the window.
                  (if (i32.gt_u (local.get $i) (i32.const 58))
                    (then
                      (local.set $lim (i64.extend_i32_u (local.get $i)))
                      (br $checked)))
                  (local.set $m (i32.const 2))
                  (loop $hex
                    (local.set $x (i32.load8_u (i32.add (i32.add (local.get $p) (local.get $i)) (local.get $m))))
                    (if (i32.eqz
                          (i32.or
                            (i32.lt_u (i32.sub (local.get $x) (i32.const 0x30)) (i32.const 10))
                            (i32.lt_u (i32.sub (i32.or (local.get $x) (i32.const 0x20)) (i32.const 0x61)) (i32.const 6))))
                      (then
                        (return
                          (i32.or (i32.shl (i32.add (local.get $p) (local.get $i)) (i32.const 1)) (local.get $escaped)))))
                    (local.set $m (i32.add (local.get $m) (i32.const 1)))
                    (br_if $hex (i32.lt_u (local.get $m) (i32.const 6)))))
                (else
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
                    (then
                      (return
                        (i32.or (i32.shl (i32.add (local.get $p) (local.get $i)) (i32.const 1)) (local.get $escaped)))))))
              (local.set $escaped (i32.const 1))
              (local.set $s (i64.and (local.get $s) (i64.sub (local.get $s) (i64.const 1))))
              (br $escapes)))
          ;; The first stop, when no unchecked escape comes before it; else on from the window's end or
          ;; from that escape's backslash.
          (if (i64.lt_u (local.get $lim) (i64.const 64))
            (then
              (if (i64.eq (local.get $lim) (i64.ctz (local.get $q)))
                (then
                  (return
                    (i32.or (i32.shl (i32.add (local.get $p) (i32.wrap_i64 (local.get $lim))) (i32.const 1)) (local.get $escaped)))))))
          (local.set $p (i32.add (local.get $p) (i32.wrap_i64 (local.get $lim))))
          (br $window)))
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
