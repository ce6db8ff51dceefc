import { goStringFromBytes, goStringToBytes } from './go-text.js';
import { isNilSlice } from './go-value.js';
import type { GoStruct, GoType } from './model.js';

/**
 * github.com/clarketm/json's `Marshal` (compact) or `MarshalIndent(v, "", "  ")` (pretty), which Butane uses for its
 * output: fields in model order, `omitempty` leaving out '' / 0 / false / nil pointers / empty slices and, unlike
 * encoding/json, structs whose fields are all empty; Go's HTML-safe string escaping. No trailing newline.
 */
export function marshalGo(value: unknown, type: GoType, options: { pretty: boolean }): string {
  const out: string[] = [];
  encode(out, value, type, options.pretty ? '\n' : '');
  return out.join('');
}

/** clarketm/json's `isEmptyValue`: what `omitempty` leaves out. */
export function isEmptyGoValue(value: unknown, type: GoType): boolean {
  switch (type.kind) {
    case 'string':
      return value === '' || value === undefined;
    case 'int':
      return value === 0 || value === undefined;
    case 'bool':
      return value !== true;
    case 'pointer':
      return value === undefined || value === null;
    case 'slice':
      return !Array.isArray(value) || value.length === 0;
    case 'struct': {
      if (value === undefined || value === null) return true;
      const o = value as Record<string, unknown>;
      for (const f of type.fields) if (!isEmptyGoValue(o[f.key], f.type)) return false;
      return true;
    }
  }
}

// `newline` is '' for compact output, else '\n' plus the current indentation.
function encode(out: string[], value: unknown, type: GoType, newline: string): void {
  switch (type.kind) {
    case 'string':
      out.push(goJsonString(typeof value === 'string' ? value : ''));
      return;
    case 'int':
      out.push(formatInt(typeof value === 'number' ? value : 0));
      return;
    case 'bool':
      out.push(value === true ? 'true' : 'false');
      return;
    case 'pointer':
      if (value === undefined || value === null) out.push('null');
      else encode(out, value, type.elem, newline);
      return;
    case 'slice': {
      if (!Array.isArray(value) || isNilSlice(value)) {
        out.push('null');
        return;
      }
      if (value.length === 0) {
        out.push('[]');
        return;
      }
      const inner = newline === '' ? '' : `${newline}  `;
      out.push('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) out.push(',');
        out.push(inner);
        encode(out, value[i], type.elem, inner);
      }
      out.push(newline, ']');
      return;
    }
    case 'struct': {
      const o = (value ?? {}) as Record<string, unknown>;
      const inner = newline === '' ? '' : `${newline}  `;
      let first = true;
      const keys = quotedKeys(type);
      for (let i = 0; i < type.fields.length; i++) {
        const f = type.fields[i]!;
        const v = o[f.key];
        if (f.omitempty && isEmptyGoValue(v, f.type)) continue;
        out.push(first ? '{' : ',', inner, keys[i]!, newline === '' ? ':' : ': ');
        first = false;
        encode(out, v, f.type, inner);
      }
      out.push(first ? '{}' : `${newline}}`);
      return;
    }
  }
}

const keyCache = new WeakMap<GoStruct, readonly string[]>();

/** The JSON-quoted name of each field of a struct, quoted once per struct type. */
function quotedKeys(type: GoStruct): readonly string[] {
  let keys = keyCache.get(type);
  if (keys === undefined) {
    keys = type.fields.map((f) => goJsonString(f.key));
    keyCache.set(type, keys);
  }
  return keys;
}

function formatInt(n: number): string {
  if (!Number.isFinite(n)) return '0';
  const t = Math.trunc(n);
  // Below 2^53 a number prints as its digits (and -0 as "0"); past it JavaScript turns to exponents, BigInt does not.
  return Number.isSafeInteger(t) ? String(t) : BigInt(t).toString();
}

const hex = '0123456789abcdef';

/** A Go string as encoding/json writes it with HTML escaping (see go-text.ts for how invalid bytes are held). */
export function goJsonString(s: string): string {
  // Escaped bytes next to each other may spell a valid character in Go: go through the bytes then.
  const text = /[\udc80-\udcff]/.test(s) ? goStringFromBytes(goStringToBytes(s)) : s;
  return quoteCanonical(text);
}

/** Characters that quoteCanonical escapes or has to look at (surrogates: pairs pass, lone ones become U+FFFD). */
const NEEDS_CARE = /["\\<>&\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

function quoteCanonical(s: string): string {
  if (!NEEDS_CARE.test(s)) return `"${s}"`;
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x80) {
      if (c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x3c && c !== 0x3e && c !== 0x26) continue;
      if (c === 0x22) esc = '\\"';
      else if (c === 0x5c) esc = '\\\\';
      else if (c === 0x0a) esc = '\\n';
      else if (c === 0x0d) esc = '\\r';
      else if (c === 0x09) esc = '\\t';
      else esc = `\\u00${hex[c >> 4]}${hex[c & 0xf]}`;
    } else if (c === 0x2028 || c === 0x2029) {
      esc = `\\u202${hex[c & 0xf]}`;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && isLowSurrogate(s.charCodeAt(i + 1))) {
      i++;
      continue;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      // A lone surrogate stands for an invalid byte (or cannot be encoded in UTF-8 at all).
      esc = '\\ufffd';
    } else {
      continue;
    }
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  return `${out + s.slice(start)}"`;
}

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
