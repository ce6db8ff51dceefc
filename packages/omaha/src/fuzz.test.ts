import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLibxml2Reference, runReference } from './c-reference.test-helper.js';
import type { OmahaErrorCode } from './omaha-error.js';
import { parseRequest } from './parse-request.js';
import { parseResponse } from './parse-response.js';
import { readUpdateCheck } from './read-update-check.js';
import { readXml } from './xml/xml-reader.js';

// Real documents to mutate: every request and response fixture.
const dir = new URL('../test/fixtures/', import.meta.url);
const documents = ['update-engine', 'nebraska', 'go-omaha'].flatMap((sub) =>
  readdirSync(new URL(`${sub}/`, dir))
    .filter((name) => name.endsWith('.xml'))
    .map((name) => readFileSync(new URL(`${sub}/${name}`, dir))),
);

const codes: readonly OmahaErrorCode[] = [
  'XML_TOO_LARGE',
  'XML_MALFORMED',
  'XML_DTD_FORBIDDEN',
  'XML_LIMIT_EXCEEDED',
  'OMAHA_WRONG_ROOT',
  'OMAHA_UNSUPPORTED_PROTOCOL',
  'OMAHA_MISSING_ATTRIBUTE',
  'OMAHA_INVALID_ATTRIBUTE',
  'OMAHA_DUPLICATE_ELEMENT',
];

const injections = [
  ' x="1"',
  ' appid="{dup}"',
  ' eventtype="-1"',
  ' eventtype="99999999999999"',
  ' size="-5"',
  ' delta_okay="maybe"',
  '<!DOCTYPE x [<!ENTITY a "b">]>',
  '&a;',
  '&#0;',
  '&#x110000;',
  '<![CDATA[',
  ']]>',
  '<!--',
  '-->',
  '<?xml version="1.0"?>',
  '\u0000',
  '\ud800',
  '"',
  "'",
  '<',
  '>',
  '/>',
  '</app>',
  '<app appid="y">',
  '<event eventtype="3" eventresult="2"/>',
  '<updatecheck/>',
  '<ping/>',
  '<os/>',
  '<daystart/>',
];

type Mutation = (doc: Uint8Array) => Uint8Array;

const position = fc.nat();
const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  // Flip, set or delete bytes.
  fc.tuple(position, fc.integer({ min: 0, max: 255 })).map(
    ([at, byte]): Mutation =>
      (doc) => {
        const out = Uint8Array.from(doc);
        if (out.length > 0) out[at % out.length] = byte;
        return out;
      },
  ),
  fc.tuple(position, fc.integer({ min: 1, max: 16 })).map(
    ([at, n]): Mutation =>
      (doc) => {
        const i = doc.length === 0 ? 0 : at % doc.length;
        return Buffer.concat([doc.subarray(0, i), doc.subarray(i + n)]);
      },
  ),
  // Truncate.
  position.map(
    (at): Mutation =>
      (doc) =>
        doc.subarray(0, doc.length === 0 ? 0 : at % doc.length),
  ),
  // Insert an attribute or markup somewhere, preferably right after a tag name.
  fc.tuple(position, fc.constantFrom(...injections)).map(
    ([at, text]): Mutation =>
      (doc) => {
        const s = Buffer.from(doc).toString('latin1');
        const tags = [...s.matchAll(/<[a-z]+/g)].map((m) => m.index! + m[0].length);
        const i = tags.length > 0 && at % 2 === 0 ? tags[at % tags.length]! : at % (doc.length + 1);
        return Buffer.concat([doc.subarray(0, i), Buffer.from(text, 'utf8'), doc.subarray(i)]);
      },
  ),
  // Duplicate an element (first tag to its end) in place.
  position.map(
    (at): Mutation =>
      (doc) => {
        const s = Buffer.from(doc).toString('latin1');
        const starts = [...s.matchAll(/<(app|event|ping|updatecheck|os|daystart|url|manifest|package|action)\b/g)];
        if (starts.length === 0) return doc;
        const start = starts[at % starts.length]!;
        const name = start[1]!;
        const selfClose = s.indexOf('/>', start.index);
        const close = s.indexOf(`</${name}>`, start.index);
        const candidates = [selfClose >= 0 ? selfClose + 2 : -1, close >= 0 ? close + name.length + 3 : -1].filter(
          (e) => e > 0,
        );
        if (candidates.length === 0) return doc;
        const end = Math.min(...candidates);
        const element = doc.subarray(start.index!, end);
        return Buffer.concat([doc.subarray(0, end), element, doc.subarray(end)]);
      },
  ),
  // Repeat a slice many times (size and nesting pressure).
  fc.tuple(position, fc.integer({ min: 2, max: 2000 })).map(
    ([at, times]): Mutation =>
      (doc) => {
        const i = doc.length === 0 ? 0 : at % doc.length;
        const slice = doc.subarray(i, i + 8);
        return Buffer.concat([doc.subarray(0, i), ...Array.from({ length: times }, () => slice), doc.subarray(i)]);
      },
  ),
);

const mutated = fc
  .tuple(fc.constantFrom(...documents), fc.array(mutation, { minLength: 1, maxLength: 6 }))
  .map(([doc, mutations]) => mutations.reduce<Uint8Array>((d, m) => m(d), Uint8Array.from(doc)));

function isOutcome(result: { ok: boolean; error?: { code: string; message: string; path: string } }): boolean {
  if (result.ok) return true;
  const error = result.error!;
  return codes.includes(error.code as OmahaErrorCode) && typeof error.message === 'string' && error.message !== '';
}

describe('fuzzing the parsers with mutated real documents', () => {
  it('only ever returns a value or an error with a known code, for bytes and for text', () => {
    fc.assert(
      fc.property(mutated, (doc) => {
        const text = Buffer.from(doc).toString('utf8');
        for (const input of [doc, text]) {
          expect(isOutcome(parseRequest(input))).toBe(true);
          expect(isOutcome(parseResponse(input))).toBe(true);
          expect(['update', 'noupdate', 'error']).toContain(readUpdateCheck(input).kind);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('answers every mutated document quickly', () => {
    const samples = fc.sample(mutated, { numRuns: 200, seed: 1 });
    const start = performance.now();
    for (const doc of samples) parseRequest(doc);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});

describe('readXml against libxml2 on mutated real documents', () => {
  let binary = '';
  beforeAll(async () => {
    binary = await buildLibxml2Reference(
      fileURLToPath(new URL('../test/reference/libxml2-wellformed.c', import.meta.url)),
    );
  }, 60_000);

  // Where we refuse on purpose what libxml2 accepts: any DTD, documents over our limits, encodings other than UTF-8.
  const deliberate = (doc: Uint8Array) => {
    const result = readXml(doc);
    if (result.ok) return false;
    const { code, message } = result.error;
    return code !== 'XML_MALFORMED' || message.startsWith('Encoding ');
  };

  it('accepts and refuses the same documents as the parser update_engine uses', async () => {
    const samples = fc
      .sample(mutated, { numRuns: 600, seed: 3 })
      .concat(documents.map((d) => Uint8Array.from(d)))
      .filter((doc) => !deliberate(doc));
    const input = Buffer.concat(
      samples.flatMap((doc) => {
        const length = Buffer.alloc(4);
        length.writeUInt32LE(doc.length);
        return [length, Buffer.from(doc)];
      }),
    );
    const verdicts = (await runReference(binary, input)).toString('latin1');
    expect(verdicts).toHaveLength(samples.length);
    const disagreements = samples.flatMap((doc, i) => {
      const ours = readXml(doc);
      if (ours.ok === (verdicts[i] === '1')) return [];
      return [{ doc: Buffer.from(doc).toString('utf8'), ours: ours.ok ? 'accepted' : ours.error.message }];
    });
    expect(disagreements).toEqual([]);
  });
});
