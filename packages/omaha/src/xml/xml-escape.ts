// Values that need no escaping at all (the common case: ids, versions, URLs) are returned as they are.
const plainUpdateEngine = /^[\x20-\x21\x23-\x25\x27-\x3b\x3d\x3f-\x7f]*$/;
const plainGo = /^[\x20\x21\x23-\x25\x28-\x3b\x3d\x3f-\x7f\u0080-\ud7ff\ue000-\ufffd]*$/;

/**
 * Escapes an attribute value the way update_engine does (libxml2's `xmlEncodeEntitiesReentrant` with no document):
 * `<`, `>` and `&` as entities, every non-ASCII character as an upper-case hexadecimal reference (`Ω` → `&#x3A9;`),
 * carriage return as `&#13;`, tab and newline as they are, and other control characters dropped. One deliberate
 * difference: libxml2 leaves `"` alone, which breaks the document update_engine sends; we write `&quot;`.
 */
export function escapeUpdateEngine(value: string): string {
  if (plainUpdateEngine.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x3c) out += '&lt;';
    else if (c === 0x3e) out += '&gt;';
    else if (c === 0x26) out += '&amp;';
    else if (c === 0x22) out += '&quot;';
    else if ((c >= 0x20 && c < 0x80) || c === 0x0a || c === 0x09) out += value[i];
    else if (c === 0x0d) out += '&#13;';
    else if (c >= 0x80) {
      let cp = value.codePointAt(i)!;
      if (cp > 0xffff) i++;
      else if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd; // a lone surrogate has no UTF-8 form
      out += `&#x${cp.toString(16).toUpperCase()};`;
    }
    // Other C0 controls are not XML characters; libxml2 drops them silently, and so do we.
  }
  return out;
}

/**
 * Escapes an attribute value the way Go's encoding/xml does (and so Nebraska, go-omaha and every Go client):
 * `"` `'` `&` `<` `>` as `&#34;` `&#39;` `&amp;` `&lt;` `&gt;`, tab, newline and carriage return as `&#x9;` `&#xA;`
 * `&#xD;`, non-ASCII characters as they are, and anything that is not an XML character as U+FFFD.
 */
export function escapeGo(value: string): string {
  if (plainGo.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    switch (c) {
      case 0x22:
        out += '&#34;';
        continue;
      case 0x27:
        out += '&#39;';
        continue;
      case 0x26:
        out += '&amp;';
        continue;
      case 0x3c:
        out += '&lt;';
        continue;
      case 0x3e:
        out += '&gt;';
        continue;
      case 0x09:
        out += '&#x9;';
        continue;
      case 0x0a:
        out += '&#xA;';
        continue;
      case 0x0d:
        out += '&#xD;';
        continue;
    }
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += value[i]! + value[i + 1]!;
        i++;
      } else out += '\ufffd';
    } else if (c < 0x20 || (c >= 0xdc00 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) {
      out += '\ufffd';
    } else out += value[i];
  }
  return out;
}
