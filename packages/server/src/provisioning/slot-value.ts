import { type Slot, YAML_BREAK } from './template-slots.js';

/** A value written into its slot, or why it cannot go there. */
export type FilledSlot = { readonly text: string } | { readonly error: string };

const YAML_BREAK_ALL = new RegExp(YAML_BREAK.source, 'g');

/** Characters YAML allows unescaped (YAML 1.2 c-printable), which yaml.v3 checks on every input byte. */
function isPrintable(code: number): boolean {
  return (
    code === 0x09 ||
    code === 0x0a ||
    code === 0x0d ||
    (code >= 0x20 && code <= 0x7e) ||
    code === 0x85 ||
    (code >= 0xa0 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Whether a text has a UTF-16 surrogate without its pair, which neither UTF-8 nor a config can hold. */
export function hasLoneSurrogate(text: string): boolean {
  return LONE_SURROGATE.test(text);
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, '0');
}

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\0': '\\0',
  '\x07': '\\a',
  '\b': '\\b',
  '\t': '\\t',
  '\n': '\\n',
  '\v': '\\v',
  '\f': '\\f',
  '\r': '\\r',
  '\x1b': '\\e',
  '"': '\\"',
  '\\': '\\\\',
  '\u0085': '\\N',
  '\u2028': '\\L',
  '\u2029': '\\P',
};

/** The body of a YAML double-quoted scalar holding `text` exactly: breaks, controls and quotes escaped. */
export function yamlDoubleQuotedBody(text: string): string {
  let out = '';
  for (const char of text) {
    const short = SHORT_ESCAPES[char];
    if (short !== undefined) {
      out += short;
      continue;
    }
    const code = char.codePointAt(0)!;
    if (isPrintable(code)) out += char;
    else if (code <= 0xff) out += `\\x${hex(code, 2)}`;
    else if (code <= 0xffff) out += `\\u${hex(code, 4)}`;
    else out += `\\U${hex(code, 8)}`;
  }
  return out;
}

type Scalar = string | number | boolean | null;

function isScalar(value: unknown): value is Scalar {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  return value !== null && typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** A scalar as text in a string: null is empty, as a missing optional value reads best. */
function scalarText(value: Scalar): string {
  return value === null ? '' : String(value);
}

/** A JSON value as a YAML flow node whose type is the JSON type: strings quoted, numbers and booleans bare. */
function yamlFlow(value: unknown): string {
  if (typeof value === 'string') return `"${yamlDoubleQuotedBody(value)}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return `[${value.map(yamlFlow).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([key, item]) => `"${yamlDoubleQuotedBody(key)}": ${yamlFlow(item)}`).join(', ')}}`;
}

function hasBreak(text: string): boolean {
  return YAML_BREAK.test(text);
}

function unprintable(text: string, allowBreaks: boolean): boolean {
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (allowBreaks && (code === 0x0a || code === 0x0d || code === 0x85 || code === 0x2028 || code === 0x2029))
      continue;
    if (!isPrintable(code) || code === 0x85 || code === 0x2028 || code === 0x2029) return true;
  }
  return false;
}

// A plain scalar part: characters that mean nothing to YAML wherever they stand inside a word.
const PLAIN_PART = /^[A-Za-z0-9._~/@+=%:-]*$/;
// Its first character, when it begins the scalar: not an indicator (`-`, `?`, `:`, `%`, `@`) nor a document marker.
const PLAIN_START = /^[A-Za-z0-9_/]/;

const QUOTE_HINT = 'put the placeholder inside double quotes ("{{...}}"), where any text is escaped';

/**
 * Writes a variable's value into its slot so that it is read back as exactly that value and nothing else: it never
 * adds a key, an entry or a line to the document around it. Refuses values that cannot be written safely there,
 * with a hint at a slot that can hold them.
 */
export function fillSlot(value: unknown, slot: Slot): FilledSlot {
  if (typeof value === 'string' && hasLoneSurrogate(value)) {
    return { error: 'the value has an unpaired UTF-16 surrogate, which no config can hold' };
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return { error: 'the value is not a finite number' };
  switch (slot.kind) {
    case 'json':
      return { text: JSON.stringify(value) ?? 'null' };
    case 'json-string':
      if (!isScalar(value)) return { error: `the value is ${typeName(value)}, which cannot go inside a string` };
      return { text: JSON.stringify(scalarText(value)).slice(1, -1) };
    case 'double':
      if (!isScalar(value)) return { error: `the value is ${typeName(value)}, which cannot go inside a string` };
      return { text: yamlDoubleQuotedBody(scalarText(value)) };
    case 'single': {
      if (!isScalar(value)) return { error: `the value is ${typeName(value)}, which cannot go inside a string` };
      const text = scalarText(value);
      if (hasBreak(text) || unprintable(text, false)) {
        return {
          error: `the value has a line break or a control character, which single quotes cannot hold; ${QUOTE_HINT}`,
        };
      }
      return { text: text.replaceAll("'", "''") };
    }
    case 'comment': {
      const text = isScalar(value) ? scalarText(value) : JSON.stringify(value);
      if (hasBreak(text) || unprintable(text, false)) {
        return { error: 'the value has a line break or a control character, which would end the comment' };
      }
      return { text };
    }
    case 'block': {
      if (!isScalar(value)) return { error: `the value is ${typeName(value)}, which cannot go inside a block of text` };
      const text = scalarText(value);
      if (unprintable(text, true)) {
        return { error: `the value has a control character, which a block of text cannot hold; ${QUOTE_HINT}` };
      }
      const lines = text.split(YAML_BREAK_ALL);
      // The first line of a block sets its indentation: a value there must not move it.
      if (slot.leading && (/^[ \t]/.test(lines[0]!) || (lines.length > 1 && lines[0]!.trim() === ''))) {
        return {
          error:
            'the value starts with a space, a tab or an empty line, which would change the indentation of the block it begins; put other text before it on its line',
        };
      }
      return { text: lines.join(`\n${' '.repeat(slot.indent)}`) };
    }
    case 'plain': {
      if (slot.whole) return { text: yamlFlow(value) };
      if (!isScalar(value)) return { error: `the value is ${typeName(value)}, which cannot be part of a word` };
      const text = scalarText(value);
      if (!PLAIN_PART.test(text) || text.endsWith(':') || (slot.start && text !== '' && !PLAIN_START.test(text))) {
        return {
          error: `the value ${JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}...` : text)} has characters that mean something to YAML here; ${QUOTE_HINT}`,
        };
      }
      return { text };
    }
  }
}
