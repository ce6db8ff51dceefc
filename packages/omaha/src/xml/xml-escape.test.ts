import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLibxml2Reference, runReference } from '../c-reference.test-helper.js';
import { escapeGo, escapeUpdateEngine } from './xml-escape.js';
import { readXml } from './xml-reader.js';

describe('escapeUpdateEngine', () => {
  it('passes update_engine XmlEncodeTest (omaha_request_action_unittest.cc), which uses libxml2', () => {
    expect(escapeUpdateEngine('ab')).toBe('ab');
    expect(escapeUpdateEngine('a<b')).toBe('a&lt;b');
    expect(escapeUpdateEngine('foo-\u03a9')).toBe('foo-&#x3A9;');
    expect(escapeUpdateEngine('<&>')).toBe('&lt;&amp;&gt;');
    expect(escapeUpdateEngine('&lt;&amp;&gt;')).toBe('&amp;lt;&amp;amp;&amp;gt;');
  });

  it('writes " as &quot;, where libxml2 would break the document', () => {
    expect(escapeUpdateEngine('a"b')).toBe('a&quot;b');
  });

  describe('against libxml2 xmlEncodeEntitiesReentrant', () => {
    let binary = '';
    beforeAll(async () => {
      binary = await buildLibxml2Reference(
        fileURLToPath(new URL('../../test/reference/libxml2-encode.c', import.meta.url)),
      );
    }, 60_000);

    it('gives the same bytes for any UTF-8 string, but for "', async () => {
      const text = fc.oneof(
        fc.string({ unit: 'grapheme', maxLength: 12 }),
        fc.string({ unit: 'binary-ascii', maxLength: 12 }),
        fc.constantFrom('\t', '\n', '\r', '\x7f', '\x01', '😀', 'Ω', '&#x41;', '"', "'"),
      );
      const samples = fc
        .sample(fc.array(text, { maxLength: 4 }), { numRuns: 400, seed: 7 })
        .map((parts) => parts.join('').replace(/\0/g, ''))
        .filter((s) => !/[\ud800-\udfff]/.test(s.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')));
      const input = Buffer.concat(samples.map((s) => Buffer.from(`${s}\0`, 'utf8')));
      const output = (await runReference(binary, input)).toString('utf8').split('\0').slice(0, -1);
      expect(output).toHaveLength(samples.length);
      samples.forEach((sample, i) => {
        expect(escapeUpdateEngine(sample), JSON.stringify(sample)).toBe(output[i]!.replaceAll('"', '&quot;'));
      });
    });
  });
});

describe('escapeGo', () => {
  it('escapes as encoding/xml EscapeString does', () => {
    expect(escapeGo(`a"b'c&d<e>f\tg\nh\ri`)).toBe('a&#34;b&#39;c&amp;d&lt;e&gt;f&#x9;g&#xA;h&#xD;i');
    expect(escapeGo('Ω😀')).toBe('Ω😀');
    expect(escapeGo('\u0000\u0001\ud800x\udc00\ufffe\uffff')).toBe('\ufffd\ufffd\ufffdx\ufffd\ufffd\ufffd');
    expect(escapeGo('plain')).toBe('plain');
  });
});

describe('escaped values read back', () => {
  it('as the same string, for Go escaping of XML characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (value) => {
        const read = readXml(`<a v="${escapeGo(value)}"/>`);
        expect(read.ok && read.value.root.attributes.get('v')).toBe(value);
      }),
      { numRuns: 200 },
    );
  });

  it('as the same string but with tab and newline turned to spaces, for update_engine escaping', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (value) => {
        const read = readXml(`<a v="${escapeUpdateEngine(value)}"/>`);
        const xmlChars = value.replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '');
        expect(read.ok && read.value.root.attributes.get('v')).toBe(xmlChars.replace(/[\t\n]/g, ' '));
      }),
      { numRuns: 200 },
    );
  });
});
