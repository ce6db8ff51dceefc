import { describe, expect, it } from 'vitest';
import type { OmahaErrorCode } from '../omaha-error.js';
import { DEFAULT_XML_LIMITS, readXml, type XmlElement } from './xml-reader.js';

function root(xml: string | Uint8Array): XmlElement {
  const result = readXml(xml);
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value.root;
}

function code(xml: string | Uint8Array, limits = {}): OmahaErrorCode | 'ok' {
  const result = readXml(xml, limits);
  return result.ok ? 'ok' : result.error.code;
}

describe('readXml reads what Omaha documents are made of', () => {
  it('reads elements, attributes in order and nesting, self-closing or not', () => {
    const doc = root('<?xml version="1.0" encoding="UTF-8"?>\n<a x="1" y=\'2\'><b/><c z="3"></c>text</a>\n');
    expect(doc.name).toBe('a');
    expect([...doc.attributes]).toEqual([
      ['x', '1'],
      ['y', '2'],
    ]);
    expect(doc.children.map((c) => [c.name, Object.fromEntries(c.attributes)])).toEqual([
      ['b', {}],
      ['c', { z: '3' }],
    ]);
  });

  it('accepts a byte order mark, comments, processing instructions and CDATA, and drops them', () => {
    const doc = root('\ufeff<?xml version="1.0"?><!-- c --><?pi data?><a><!--x--><![CDATA[<b/>]]><?q?></a><!--end-->');
    expect(doc.children).toEqual([]);
  });

  it('resolves the five entities and character references in attribute values', () => {
    const doc = root('<a v="&lt;&gt;&amp;&quot;&apos;&#65;&#x42;&#x1F600;"/>');
    expect(doc.attributes.get('v')).toBe('<>&"\'AB😀');
  });

  it('normalises literal whitespace in attribute values to spaces, as libxml2 does, but keeps references', () => {
    const doc = root('<a v="a\tb\nc\r\nd\re" w="&#9;&#10;&#13;"/>');
    expect(doc.attributes.get('v')).toBe('a b c d e');
    expect(doc.attributes.get('w')).toBe('\t\n\r');
  });

  it('reads plain and non-plain attributes alike, whichever way each is read', () => {
    // Double-quoted ASCII-named plain values take a fast path; the others are read character by character.
    const doc = root('<a p="1" q=\'2\' r = "3" s="x&amp;y" t="a\tb" Ωu="v" w="" x="\'>"/>');
    expect([...doc.attributes]).toEqual([
      ['p', '1'],
      ['q', '2'],
      ['r', '3'],
      ['s', 'x&y'],
      ['t', 'a b'],
      ['Ωu', 'v'],
      ['w', ''],
      ['x', "'>"],
    ]);
    expect(doc.attributes.size).toBe(8);
    expect(doc.attributes.has('w')).toBe(true);
    expect(doc.attributes.get('y')).toBeUndefined();
    expect(code('<a p="1" p="2"/>')).toBe('XML_MALFORMED');
    expect(code('<a p="1"q="2"/>')).toBe('XML_MALFORMED');
    expect(code('<a p="1<"/>')).toBe('XML_MALFORMED');
    expect(code('<a p="1" q="2" r="3"/>', { maxAttributes: 2 })).toBe('XML_LIMIT_EXCEEDED');
  });

  it('reads names, values and text that leave the one-pass paths midway as the general path does', () => {
    // Each starts as the common case (ASCII name, plain value, plain indentation) and turns into another.
    const doc = root('<a pé="1" q="aé😀b" r="x>y" s:t="\'" u-v.w ="2">\n  ]x&amp;<b/>\n  \u00e9\n</a>');
    expect([...doc.attributes]).toEqual([
      ['pé', '1'],
      ['q', 'aé😀b'],
      ['r', 'x>y'],
      ['s:t', "'"],
      ['u-v.w', '2'],
    ]);
    expect(doc.children.map((c) => c.name)).toEqual(['b']);
    expect(code('<a>\n  ]]></a>')).toBe('XML_MALFORMED');
    expect(code('<a p="1"\u0001/>')).toBe('XML_MALFORMED');
    expect(code('<a p="1\u0001"/>')).toBe('XML_MALFORMED');
  });

  it('takes the usual XML declaration whole, and still refuses what follows it wrongly', () => {
    expect(root('<?xml version="1.0" encoding="UTF-8"?>\n<a/>').name).toBe('a');
    expect(root('\ufeff<?xml version="1.0" encoding="UTF-8"?><a/>').name).toBe('a');
    expect(code('<?xml version="1.0" encoding="UTF-8"?><?xml version="1.0"?><a/>')).toBe('XML_MALFORMED');
    expect(code('<?xml version="1.0" encoding="UTF-8"?>')).toBe('XML_MALFORMED');
    expect(code('<?xml version="1.0" encoding="UTF-8"?>x<a/>')).toBe('XML_MALFORMED');
  });

  it('reads bytes as UTF-8', () => {
    const doc = root(new TextEncoder().encode('<a v="Ω😀"/>'));
    expect(doc.attributes.get('v')).toBe('Ω😀');
  });

  it('says where a document goes wrong', () => {
    const result = readXml('<a>\n  <b>\n</a>');
    expect(result.ok || result.error).toMatchObject({ code: 'XML_MALFORMED', line: 3, column: 1 });
  });
});

describe('readXml refuses what is not well-formed', () => {
  it.each([
    ['empty', ''],
    ['only a declaration', '<?xml version="1.0"?>'],
    ['text', 'invalid xml>'],
    ['unclosed', '<a>'],
    ['mismatched', '<a></b>'],
    ['two roots', '<a/><b/>'],
    ['text after the root', '<a/>x'],
    ['duplicate attribute', '<a x="1" x="2"/>'],
    ['unquoted attribute', '<a x=1/>'],
    ['attribute without value', '<a x/>'],
    ['no space between attributes', '<a x="1"y="2"/>'],
    ['< in an attribute', '<a x="<"/>'],
    ['unknown entity', '<a x="&nbsp;"/>'],
    ['unknown entity in text', '<a>&foo;</a>'],
    ['bare ampersand', '<a>a & b</a>'],
    ['unterminated reference', '<a x="&amp"/>'],
    ['reference to NUL', '<a x="&#0;"/>'],
    ['reference to a surrogate', '<a x="&#xD800;"/>'],
    ['reference beyond Unicode', '<a x="&#x110000;"/>'],
    ['over-long reference', '<a x="&#x0000000041;"/>'],
    ['control character', '<a x="\u0001"/>'],
    ['lone surrogate', '<a x="\ud800"/>'],
    ['U+FFFE', '<a>\ufffe</a>'],
    [']]> in text', '<a>]]></a>'],
    ['-- in a comment', '<a><!-- a -- b --></a>'],
    ['unterminated comment', '<a><!-- a </a>'],
    ['unterminated CDATA', '<a><![CDATA[ </a>'],
    ['late XML declaration', ' <?xml version="1.0"?><a/>'],
    ['declaration inside', '<a><?xml version="1.0"?></a>'],
    ['no version', '<?xml encoding="UTF-8"?><a/>'],
    ['declaration out of order', '<?xml encoding="UTF-8" version="1.0"?><a/>'],
    ['other encoding', '<?xml version="1.0" encoding="ISO-8859-1"?><a/>'],
    ['UTF-16', '<?xml version="1.0" encoding="UTF-16"?><a/>'],
    ['bad name', '<1a/>'],
    ['end tag with attributes', '<a></a x="1">'],
  ])('%s', (_, xml) => {
    expect(code(xml)).toBe('XML_MALFORMED');
  });

  it('refuses bytes that are not UTF-8, and a UTF-16 byte order mark', () => {
    expect(code(new Uint8Array([0x3c, 0x61, 0x20, 0x78, 0x3d, 0x22, 0xff, 0x22, 0x2f, 0x3e]))).toBe('XML_MALFORMED');
    expect(code(new Uint8Array([0xff, 0xfe, 0x3c, 0x00, 0x61, 0x00, 0x2f, 0x00, 0x3e, 0x00]))).toBe('XML_MALFORMED');
  });
});

describe('readXml is safe on hostile documents', () => {
  it('refuses a DOCTYPE outright: no billion laughs', () => {
    const lol = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<request protocol="3.0"><app appid="&lol3;"/></request>`;
    expect(code(lol)).toBe('XML_DTD_FORBIDDEN');
  });

  it('refuses external entities (XXE) and every other markup declaration', () => {
    expect(code('<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>')).toBe('XML_DTD_FORBIDDEN');
    expect(code('<!DOCTYPE r SYSTEM "http://example.invalid/r.dtd"><r/>')).toBe('XML_DTD_FORBIDDEN');
    expect(code('<r><!ENTITY x "y"></r>')).toBe('XML_DTD_FORBIDDEN');
    expect(code('<r><!ELEMENT r ANY></r>')).toBe('XML_DTD_FORBIDDEN');
    expect(code('<r><!doctype r></r>')).toBe('XML_MALFORMED');
  });

  it('fails a document over the size limit with XML_TOO_LARGE before reading it', () => {
    const big = `<a x="${'a'.repeat(DEFAULT_XML_LIMITS.maxBytes)}"/>`;
    expect(code(big)).toBe('XML_TOO_LARGE');
    expect(code(new TextEncoder().encode(big))).toBe('XML_TOO_LARGE');
    // Garbage over the limit is "too large", not "malformed": the server answers 413 without looking at it.
    expect(code('\u0000'.repeat(DEFAULT_XML_LIMITS.maxBytes + 1))).toBe('XML_TOO_LARGE');
  });

  it('counts the limit in UTF-8 bytes, not in characters', () => {
    const text = `<a x="${'Ω'.repeat(20)}"/>`; // 29 characters, 49 bytes
    expect(code(text, { maxBytes: 48 })).toBe('XML_TOO_LARGE');
    expect(code(text, { maxBytes: 49 })).toBe('ok');
  });

  it('bounds nesting, element count and attribute count', () => {
    expect(code(`${'<a>'.repeat(33)}${'</a>'.repeat(33)}`)).toBe('XML_LIMIT_EXCEEDED');
    expect(code(`${'<a>'.repeat(32)}${'</a>'.repeat(32)}`)).toBe('ok');
    expect(code(`${'<a>'.repeat(2)}<b/>${'</a>'.repeat(2)}`, { maxDepth: 2 })).toBe('XML_LIMIT_EXCEEDED');
    expect(code(`<a>${'<b/>'.repeat(4096)}</a>`, { maxBytes: 1 << 20 })).toBe('XML_LIMIT_EXCEEDED');
    const attributes = Array.from({ length: 65 }, (_, i) => `a${i}="1"`).join(' ');
    expect(code(`<a ${attributes}/>`)).toBe('XML_LIMIT_EXCEEDED');
  });

  it('reads deep nesting without recursion, so a big limit cannot overflow the stack', () => {
    const depth = 100_000;
    const xml = `${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}`;
    expect(code(xml, { maxBytes: xml.length, maxDepth: depth, maxElements: depth })).toBe('ok');
  });

  it('stays linear on inputs that make naive scanners quadratic', () => {
    const max = DEFAULT_XML_LIMITS.maxBytes;
    const cases = [
      `<a x="${'&amp;'.repeat(max / 6)}"/>`,
      `<a>${'<!---->'.repeat(max / 8)}</a>`,
      `<a>${'<![CDATA[]]>'.repeat(max / 13)}</a>`,
      `<a>${'&'.repeat(max / 2)}`,
      `<a ${'x'.repeat(max - 10)}`,
      `<a>${']]'.repeat(max / 3)}</a>`,
      `<a>${'<!--'.repeat(max / 5)}`,
      `<a>${'<?p '.repeat(max / 5)}`,
    ];
    const start = performance.now();
    for (const xml of cases) expect(code(xml)).toMatch(/^(ok|XML_MALFORMED)$/);
    expect(performance.now() - start).toBeLessThan(1000);
  });
});
