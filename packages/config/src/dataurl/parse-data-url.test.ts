import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGoReference, runGoReference } from '../../../../test/helpers/go-reference.js';
import { encodeBase64 } from './base64.js';
import { makeDataUrl } from './make-data-url.js';
import { parseDataUrl } from './parse-data-url.js';

const harness = new URL('../../test/reference/gzip/main.go', import.meta.url).pathname;
let bin = '';
beforeAll(async () => {
  bin = await buildGoReference(harness);
}, 120_000);

type Verdict =
  | { error: string }
  | { type: string; subtype: string; params: Record<string, string>; encoding: string; data: string };

/** dataurl.DecodeString's verdict on each URL, from one run of the reference program. */
async function goDecodeAll(urls: readonly string[]): Promise<Verdict[]> {
  const parts: Buffer[] = [];
  for (const url of urls) {
    const body = Buffer.from(url, 'utf8');
    const header = Buffer.alloc(4);
    header.writeUInt32BE(body.length);
    parts.push(header, body);
  }
  const out = await runGoReference(bin, ['decode-batch'], Buffer.concat(parts));
  return out
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const v = JSON.parse(line);
      return v.error !== undefined ? { error: v.error } : v;
    });
}

function ours(url: string): Verdict {
  const parsed = parseDataUrl(url);
  if (!parsed.ok) return { error: parsed.error };
  const { mediaType, encoding, data } = parsed.value;
  return { ...mediaType, params: { ...mediaType.params }, encoding, data: encodeBase64(data) };
}

const handPicked = [
  '',
  'http://example.com',
  'data:',
  'data:,',
  'data:,hello%20world',
  'data:,a%2',
  'data:,a%zz',
  'data:,a%',
  'data:,a b',
  'data:,caf\u00e9',
  'data:;base64,aGVsbG8=',
  'data:;base64,aGVsbG8',
  'data:;base64,aGVsbA==',
  'data:;base64,aGVsbA=',
  'data:;base64,aGVs\nbA==',
  'data:;base64,aGVsbA==aGVs',
  'data:;base64,a===',
  'data:;base64,=',
  'data:;base64,aGVsbG8%',
  'data:;base64,aGVsbG9=',
  'data:text/plain,hi',
  'data:text/plain;charset=utf-8,hi',
  'data:text/plain;charset=utf-8;base64,aGk=',
  'data:application/octet-stream;base64,AAEC',
  'data:image/png;name=a%20b;base64,',
  'data:x-custom/thing,ok',
  'data:X-Custom/thing,ok',
  'data:x/y,bad',
  'data:foo/bar,bad',
  'data:text,bad',
  'data:text/,subtype-left-out',
  'data:text/plain',
  'data:text/pl ain,x',
  'data:;,x',
  'data:;=x,y',
  'data:;a,x',
  'data:;a=,x',
  'data:;a=b',
  'data:;a="quoted value",x',
  'data:;a="esc\\"aped\\n\\x41\\101\\u00e9",x',
  'data:;a="bad\\q",x',
  'data:;a="\\400",x',
  'data:;a="",x',
  'data:;a="";b=c%41,x',
  'data:;a="unterminated,x',
  'data:;a="x"y,x',
  'data:;a="x";base64,aGk=',
  'data:;base64;a=b,x',
  'data:;base65,x',
  'data:;a=b;a=c,x',
  'data:;a=%zz,x',
  'data: ,x',
  'data:text/plain;;x',
  `data:,${'%41'.repeat(100)}`,
];

describe('parseDataUrl', () => {
  it("gives dataurl.DecodeString's verdicts on hand-picked URLs", async () => {
    const expected = await goDecodeAll(handPicked);
    handPicked.forEach((url, i) => {
      expect({ url, verdict: ours(url) }).toEqual({ url, verdict: expected[i] });
    });
  });

  it("gives dataurl.DecodeString's verdicts on generated URLs", async () => {
    const piece = fc.constantFrom(
      'text',
      'image',
      'x-',
      'x',
      'foo',
      '/',
      'plain',
      'svg+xml',
      ';',
      'charset',
      'base64',
      '=',
      ',',
      '"',
      '\\',
      '\\"',
      '%',
      '%41',
      '%2C',
      '%7e',
      '%g',
      'aGk',
      'aGk=',
      '==',
      'QQ',
      '\n',
      ' ',
      '#',
      '+',
      '?',
      '\u00e9',
      'abc',
    );
    const urls = fc.sample(
      fc
        .tuple(fc.constantFrom('data:', 'data:', 'data:', 'dat'), fc.array(piece, { maxLength: 12 }))
        .map(([prefix, pieces]) => prefix + pieces.join('')),
      { numRuns: 300, seed: 11 },
    );
    const expected = await goDecodeAll(urls);
    urls.forEach((url, i) => {
      expect({ url, verdict: ours(url) }).toEqual({ url, verdict: expected[i] });
    });
  });

  it('reads back what makeDataUrl writes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (data, allow) => {
        const { url } = makeDataUrl(data, { compression: undefined, allowCompression: allow });
        const parsed = parseDataUrl(url);
        expect(parsed.ok).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});
