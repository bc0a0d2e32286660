import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { sha1Hex } from '../../src/engine/sha1';

// Expected values: node:crypto (OpenSSL's SHA-1), and for three inputs the FIPS 180-4 examples.
const reference = (s: string): string => createHash('sha1').update(s).digest('hex');

describe('sha1Hex', () => {
  it('gives the published digests', () => {
    assert.equal(sha1Hex(''), 'da39a3ee5e6b4b0d3255bfef95601890afd80709');
    assert.equal(sha1Hex('abc'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
    assert.equal(
      sha1Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'),
      '84983e441c3bd26ebaae4aa1f95129e5e54670f1',
    );
  });

  it("equals node:crypto's on every length around the block boundaries, and on any text", () => {
    let seed = 7;
    const rand = (k: number): number => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed % k;
    };
    const alphabet = ['a', 'Z', '0', ' ', '\n', '\u0000', 'é', 'λ', '中', '😀', '/', '"'];
    for (let len = 0; len < 300; len++) {
      let s = '';
      for (let i = 0; i < len; i++) s += alphabet[rand(alphabet.length)];
      assert.equal(sha1Hex(s), reference(s), `length ${len}`);
    }
    const long = 'x'.repeat(1 << 20) + '中';
    assert.equal(sha1Hex(long), reference(long));
    // A lone surrogate is encoded as U+FFFD by both.
    assert.equal(sha1Hex('a\ud800b'), reference('a\ud800b'));
  });
});
