// The parts of Go's net/url that decide whether Ignition accepts a URL: url.Parse's failures (Go 1.19) and the
// query parsing behind URL.Query().

/** What url.Parse yields, as far as Ignition looks at it. */
export interface GoUrl {
  /** Lower-cased. */
  readonly scheme: string;
  readonly opaque: string;
  readonly rawQuery: string;
}

type EscapeMode = 'path' | 'host' | 'zone' | 'userPassword' | 'queryComponent' | 'fragment';

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
const unhex = (c: number): number => (c <= 57 ? c - 48 : c <= 70 ? c - 55 : c - 87);
const isAlnum = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

// shouldEscape for the host and zone modes, the only ones where unescape consults it.
function hostShouldEscape(c: number): boolean {
  if (isAlnum(c)) return false;
  return !'-_.~!$&\'()*+,;=:[]<>"'.includes(String.fromCharCode(c));
}

/** Go's unescape(s, mode) on UTF-8 bytes: true when the escapes are well formed for the mode. */
function unescapeOk(bytes: Uint8Array, mode: EscapeMode): boolean {
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i] as number;
    if (c === 0x25) {
      const a = bytes[i + 1];
      const b = bytes[i + 2];
      if (i + 2 >= bytes.length || a === undefined || b === undefined || !isHex(a) || !isHex(b)) return false;
      const isPercent25 = a === 0x32 && b === 0x35;
      if (mode === 'host' && unhex(a) < 8 && !isPercent25) return false;
      if (mode === 'zone') {
        const v = (unhex(a) << 4) | unhex(b);
        if (!isPercent25 && v !== 0x20 && hostShouldEscape(v)) return false;
      }
      i += 3;
    } else {
      if ((mode === 'host' || mode === 'zone') && c < 0x80 && hostShouldEscape(c)) return false;
      i++;
    }
  }
  return true;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function unescapeString(s: string, mode: EscapeMode): boolean {
  return unescapeOk(encoder.encode(s), mode);
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  return port.startsWith(':') && /^[0-9]*$/.test(port.slice(1));
}

function parseHostOk(host: string): boolean {
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return false;
    if (!validOptionalPort(host.slice(close + 1))) return false;
    const zone = host.slice(0, close).indexOf('%25');
    if (zone >= 0) {
      return (
        unescapeString(host.slice(0, zone), 'host') &&
        unescapeString(host.slice(zone, close), 'zone') &&
        unescapeString(host.slice(close), 'host')
      );
    }
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0 && !validOptionalPort(host.slice(colon))) return false;
  }
  return unescapeString(host, 'host');
}

function validUserinfo(userinfo: string): boolean {
  for (const ch of userinfo) {
    const c = ch.codePointAt(0) as number;
    if (c < 0x80 && isAlnum(c)) continue;
    if ("-._:~!$&'()*+,;=%@".includes(ch)) continue;
    return false;
  }
  return true;
}

function parseAuthorityOk(authority: string): boolean {
  const at = authority.lastIndexOf('@');
  if (!parseHostOk(at < 0 ? authority : authority.slice(at + 1))) return false;
  if (at < 0) return true;
  const userinfo = authority.slice(0, at);
  if (!validUserinfo(userinfo)) return false;
  const colon = userinfo.indexOf(':');
  if (colon < 0) return unescapeString(userinfo, 'userPassword');
  return (
    unescapeString(userinfo.slice(0, colon), 'userPassword') &&
    unescapeString(userinfo.slice(colon + 1), 'userPassword')
  );
}

// getScheme: a scheme is letters first, then letters, digits, '+', '-' or '.', up to the first ':'.
function getScheme(raw: string): { scheme: string; rest: string } | undefined {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122)) continue;
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
      if (i === 0) return { scheme: '', rest: raw };
      continue;
    }
    if (c === 58) {
      if (i === 0) return undefined; // missing protocol scheme
      return { scheme: raw.slice(0, i), rest: raw.slice(i + 1) };
    }
    return { scheme: '', rest: raw };
  }
  return { scheme: '', rest: raw };
}

/** url.Parse: the parsed URL, or undefined where Go returns an error. */
export function parseGoUrl(raw: string): GoUrl | undefined {
  const hash = raw.indexOf('#');
  const withoutFragment = hash < 0 ? raw : raw.slice(0, hash);
  const fragment = hash < 0 ? '' : raw.slice(hash + 1);
  const url = parseWithoutFragment(withoutFragment);
  if (url === undefined) return undefined;
  if (fragment !== '' && !unescapeString(fragment, 'fragment')) return undefined;
  return url;
}

function parseWithoutFragment(raw: string): GoUrl | undefined {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) return undefined; // invalid control character in URL
  }
  if (raw === '*') return { scheme: '', opaque: '', rawQuery: '' };
  const schemed = getScheme(raw);
  if (schemed === undefined) return undefined;
  const scheme = schemed.scheme.toLowerCase();
  let rest = schemed.rest;
  let rawQuery = '';
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (scheme !== '') return { scheme, opaque: rest, rawQuery };
    const slash = rest.indexOf('/');
    const segment = slash < 0 ? rest : rest.slice(0, slash);
    if (segment.includes(':')) return undefined; // first path segment in URL cannot contain colon
  }
  if ((scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    if (!parseAuthorityOk(authority)) return undefined;
  }
  if (!unescapeString(rest, 'path')) return undefined;
  return { scheme, opaque: '', rawQuery };
}

/** QueryUnescape: '+' becomes a space; undefined on a malformed escape. */
function queryUnescape(s: string): string | undefined {
  const bytes = encoder.encode(s);
  const out: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i] as number;
    if (c === 0x25) {
      const a = bytes[i + 1];
      const b = bytes[i + 2];
      if (a === undefined || b === undefined || !isHex(a) || !isHex(b)) return undefined;
      out.push((unhex(a) << 4) | unhex(b));
      i += 3;
    } else {
      out.push(c === 0x2b ? 0x20 : c);
      i++;
    }
  }
  return decoder.decode(Uint8Array.from(out));
}

/** URL.Query(): the values of each key, skipping the pairs Go's ParseQuery rejects. */
export function goQuery(rawQuery: string): Map<string, string[]> {
  const values = new Map<string, string[]>();
  for (const pair of rawQuery === '' ? [] : rawQuery.split('&')) {
    if (pair.includes(';') || pair === '') continue;
    const eq = pair.indexOf('=');
    const key = queryUnescape(eq < 0 ? pair : pair.slice(0, eq));
    const value = queryUnescape(eq < 0 ? '' : pair.slice(eq + 1));
    if (key === undefined || value === undefined) continue;
    values.set(key, [...(values.get(key) ?? []), value]);
  }
  return values;
}
