/**
 * SHA-1 (FIPS 180-4) of a string's UTF-8 bytes, as lowercase hex: what node:crypto's
 * `createHash('sha1').update(text).digest('hex')` gives, without loading node:crypto, whose module
 * graph costs a CLI start ~3 ms (every run hashes its settings and, by default, its folder's path).
 * test/unit/sha1.test.ts holds it to node:crypto.
 */
export function sha1Hex(text: string): string {
  const data = Buffer.from(text, 'utf8');
  const n = data.length;
  // The message, a 1 bit, zeros, and the length in bits (64-bit big-endian): whole 64-byte blocks.
  const words = (((n + 8) >>> 6) + 1) * 16;
  const w = new Int32Array(words);
  for (let i = 0; i < n; i++)
    w[i >>> 2] = (w[i >>> 2] as number) | ((data[i] as number) << (24 - (i & 3) * 8));
  w[n >>> 2] = (w[n >>> 2] as number) | (0x80 << (24 - (n & 3) * 8));
  const bits = n * 8;
  w[words - 2] = Math.floor(bits / 0x100000000) | 0;
  w[words - 1] = bits | 0;
  let h0 = 0x67452301;
  let h1 = 0xefcdab89 | 0;
  let h2 = 0x98badcfe | 0;
  let h3 = 0x10325476;
  let h4 = 0xc3d2e1f0 | 0;
  const x = new Int32Array(80);
  for (let block = 0; block < words; block += 16) {
    for (let t = 0; t < 16; t++) x[t] = w[block + t] as number;
    for (let t = 16; t < 80; t++) {
      const v = (x[t - 3] as number) ^ (x[t - 8] as number) ^ (x[t - 14] as number) ^ (x[t - 16] as number);
      x[t] = (v << 1) | (v >>> 31);
    }
    let a = h0;
    let b = h1;
    let c = h2;
    let d = h3;
    let e = h4;
    for (let t = 0; t < 80; t++) {
      let f: number;
      let k: number;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5a827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ed9eba1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8f1bbcdc | 0;
      } else {
        f = b ^ c ^ d;
        k = 0xca62c1d6 | 0;
      }
      const next = (((a << 5) | (a >>> 27)) + f + e + k + (x[t] as number)) | 0;
      e = d;
      d = c;
      c = (b << 30) | (b >>> 2);
      b = a;
      a = next;
    }
    h0 = (h0 + a) | 0;
    h1 = (h1 + b) | 0;
    h2 = (h2 + c) | 0;
    h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0;
  }
  return [h0, h1, h2, h3, h4].map((h) => (h >>> 0).toString(16).padStart(8, '0')).join('');
}
