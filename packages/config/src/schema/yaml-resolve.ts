/**
 * How yaml.v3 gives a plain scalar its type (`resolve.go`): the table of special words, then timestamps, Go's
 * `strconv.ParseInt(s, 0, 64)` / `ParseUint` on the text without underscores, YAML-style floats, and `0b` / `0o`
 * prefixes. Values keep Go's int64 / uint64 precision as bigint so the decoder can apply Go's range checks.
 */

import {
  binaryTag,
  boolTag,
  floatTag,
  indicatedString,
  intTag,
  mapTag,
  mergeTag,
  nullTag,
  seqTag,
  shortTag,
  strTag,
  timestampTag,
  type YamlNode,
} from './yaml-node.js';

/** A resolved scalar, as the Go value yaml.v3 would hold. */
export type Resolved =
  | { readonly t: 'null' }
  | { readonly t: 'bool'; readonly v: boolean }
  | { readonly t: 'int'; readonly v: bigint }
  | { readonly t: 'uint'; readonly v: bigint }
  | { readonly t: 'float'; readonly v: number }
  | { readonly t: 'string'; readonly v: string }
  | { readonly t: 'timestamp' };

/** A fatal decoding error (yaml.v3's `failf`): the whole decode stops with this message. */
export class YamlFailure extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

const NULL: Resolved = { t: 'null' };
const words = new Map<string, [string, Resolved]>();
for (const [tag, value, list] of [
  [boolTag, { t: 'bool', v: true }, ['true', 'True', 'TRUE']],
  [boolTag, { t: 'bool', v: false }, ['false', 'False', 'FALSE']],
  [nullTag, NULL, ['', '~', 'null', 'Null', 'NULL']],
  [floatTag, { t: 'float', v: Number.NaN }, ['.nan', '.NaN', '.NAN']],
  [floatTag, { t: 'float', v: Number.POSITIVE_INFINITY }, ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']],
  [floatTag, { t: 'float', v: Number.NEGATIVE_INFINITY }, ['-.inf', '-.Inf', '-.INF']],
  [mergeTag, { t: 'string', v: '<<' }, ['<<']],
] as const) {
  for (const w of list) words.set(w, [tag, value as Resolved]);
}

function hintOf(c: string | undefined): string {
  if (c === undefined) return 'N';
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  return '';
}

function resolvableTag(tag: string): boolean {
  return (
    tag === '' ||
    tag === strTag ||
    tag === boolTag ||
    tag === intTag ||
    tag === floatTag ||
    tag === nullTag ||
    tag === timestampTag
  );
}

const yamlStyleFloat = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const dotFloat = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;
const maxInt64 = (1n << 63n) - 1n;
const maxUint64 = (1n << 64n) - 1n;

/** yaml.v3's `resolve(tag, in)`: the tag a scalar resolves to and its value. */
export function resolve(tagIn: string, text: string): [string, Resolved] {
  const tag = shortTag(tagIn);
  if (!resolvableTag(tag)) return [tag, { t: 'string', v: text }];
  const [rtag, out] = resolvePlain(tag, text);
  if (tag === '' || tag === rtag || tag === strTag || tag === binaryTag) return [rtag, out];
  if (tag === floatTag && rtag === intTag && out.t === 'int') return [floatTag, { t: 'float', v: Number(out.v) }];
  throw new YamlFailure(`yaml: cannot decode ${shortTag(rtag)} \`${text}\` as a ${shortTag(tag)}`);
}

function resolvePlain(tag: string, text: string): [string, Resolved] {
  const hint = hintOf(text[0]);
  if (hint === '' || tag === strTag || tag === binaryTag) return [strTag, { t: 'string', v: text }];
  const word = words.get(text);
  if (word) return word;
  if (hint === '.') {
    if (dotFloat.test(text)) {
      const f = Number(text);
      if (Number.isFinite(f)) return [floatTag, { t: 'float', v: f }];
    }
  } else if (hint === 'D' || hint === 'S') {
    if ((tag === '' || tag === timestampTag) && isTimestamp(text)) return [timestampTag, { t: 'timestamp' }];
    const plain = text.replaceAll('_', '');
    const i = parseInt64(plain);
    if (i !== undefined) return [intTag, { t: 'int', v: i }];
    const u = parseUint64(plain, 0);
    if (u !== undefined) return [intTag, { t: 'uint', v: u }];
    if (yamlStyleFloat.test(plain)) {
      const f = Number(plain);
      if (Number.isFinite(f)) return [floatTag, { t: 'float', v: f }];
    }
    // yaml.v3 then tries 0b and 0o prefixes itself, with a sign allowed after the prefix ("0o-17" is -15).
    if (plain.startsWith('0b') || plain.startsWith('0o')) {
      const base = plain[1] === 'b' ? 2 : 8;
      const i2 = parseInt64(plain.slice(2), base);
      if (i2 !== undefined) return [intTag, { t: 'int', v: i2 }];
      const u2 = parseUint64(plain.slice(2), base);
      if (u2 !== undefined) return [intTag, { t: 'uint', v: u2 }];
    } else if (plain.startsWith('-0b') || plain.startsWith('-0o')) {
      const i2 = parseInt64(`-${plain.slice(3)}`, plain[2] === 'b' ? 2 : 8);
      if (i2 !== undefined) return [intTag, { t: 'int', v: i2 }];
    }
  }
  return [strTag, { t: 'string', v: text }];
}

/** Go's `strconv.ParseUint(s, base, 64)` (base 0: prefixes 0x, 0o, 0b, 0); undefined on any error. */
function parseUint64(s: string, base0: number): bigint | undefined {
  if (s === '') return undefined;
  let base = base0;
  let digits = s;
  if (base === 0) {
    base = 10;
    if (s[0] === '0') {
      const p = s[1]?.toLowerCase();
      if (s.length >= 3 && p === 'b') {
        base = 2;
        digits = s.slice(2);
      } else if (s.length >= 3 && p === 'o') {
        base = 8;
        digits = s.slice(2);
      } else if (s.length >= 3 && p === 'x') {
        base = 16;
        digits = s.slice(2);
      } else {
        base = 8;
        digits = s.slice(1);
      }
    }
  }
  let n = 0n;
  const b = BigInt(base);
  for (const c of digits) {
    const d = digitValue(c);
    if (d >= base) return undefined;
    n = n * b + BigInt(d);
    if (n > maxUint64) return undefined;
  }
  return n;
}

function digitValue(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 122) return lower - 97 + 10;
  return 99;
}

/** Go's `strconv.ParseInt(s, base, 64)` (base 0 by default); undefined on any error. */
function parseInt64(s: string, base = 0): bigint | undefined {
  if (s === '') return undefined;
  let neg = false;
  let rest = s;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    rest = s.slice(1);
  }
  const u = parseUint64(rest, base);
  if (u === undefined) return undefined;
  if (!neg && u > maxInt64) return undefined;
  if (neg && u > maxInt64 + 1n) return undefined;
  return neg ? -u : u;
}

/** yaml.v3's `ShortTag()` of a node. */
export function nodeShortTag(n: YamlNode): string {
  if (indicatedString(n)) return strTag;
  if (n.tag === '' || n.tag === '!') {
    switch (n.kind) {
      case 'mapping':
        return mapTag;
      case 'sequence':
        return seqTag;
      case 'alias':
        return n.alias ? nodeShortTag(n.alias) : '';
      case 'scalar':
        return resolve('', n.value)[0];
      default:
        return '';
    }
  }
  return shortTag(n.tag);
}

const daysIn = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

// The four layouts yaml.v3 tries with Go's time.Parse: "2006-1-2T15:4:5.999999999Z07:00" (also with "t"),
// "2006-1-2 15:4:5.999999999" and "2006-1-2". Go reads "1", "2", "15", "4", "5" as one or two digits.
const timestampLayouts = [
  /^(\d{4})-(\d\d?)-(\d\d?)[Tt](\d\d?):(\d\d?):(\d\d?)(?:[.,]\d+)?(Z|[+-]\d\d:\d\d)$/,
  /^(\d{4})-(\d\d?)-(\d\d?) (\d\d?):(\d\d?):(\d\d?)(?:[.,]\d+)?$/,
  /^(\d{4})-(\d\d?)-(\d\d?)$/,
];

/** Whether yaml.v3's `parseTimestamp` accepts the text. */
export function isTimestamp(s: string): boolean {
  if (!/^\d{4}-/.test(s)) return false;
  for (const layout of timestampLayouts) {
    const m = layout.exec(s);
    if (!m) continue;
    if (!validDate(m)) continue;
    if (m[4] !== undefined) {
      if (Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) continue;
    }
    const zone = m[7];
    if (zone !== undefined && zone !== 'Z') {
      if (Number(zone.slice(1, 3)) > 24 || Number(zone.slice(4, 6)) > 60) continue;
    }
    return true;
  }
  return false;
}

function validDate(m: RegExpExecArray): boolean {
  // A greedy two-digit month or day that leaves no separator fails the layout, as in Go.
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12) return false;
  let max = daysIn[month - 1]!;
  if (month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) max = 29;
  return day >= 1 && day <= max;
}
