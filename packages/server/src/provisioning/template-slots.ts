// Where each substituted value lands in the rendered text, so it can be escaped for that spot. The template is
// rendered first with one MARK per value; these scanners then read the rendered text as YAML (or JSON) would and
// say, for each MARK in order, what kind of scalar it sits in. Values are escaped so that they never add a line
// break outside a block scalar, which keeps the line structure scanned here the structure of the final text.

/** Stands for one substituted value in the rendered text; templates may not contain it. */
export const MARK = '\u0000';

/** Where a value lands. */
export type Slot =
  /** A plain (unquoted) YAML scalar: `whole` when the value is the entire scalar, `start` when it begins one. */
  | { readonly kind: 'plain'; readonly whole: boolean; readonly start: boolean; readonly flow: boolean }
  | { readonly kind: 'double' }
  | { readonly kind: 'single' }
  | { readonly kind: 'comment' }
  /** Inside a `|` or `>` block scalar, on a line indented by `indent` spaces; `leading` on its first content line. */
  | { readonly kind: 'block'; readonly indent: number; readonly leading: boolean }
  | { readonly kind: 'json-string' }
  | { readonly kind: 'json' };

/** Line breaks as yaml.v3 reads them. */
export const YAML_BREAK = /\r\n|[\n\r\u0085\u2028\u2029]/;

function isBlank(c: string | undefined): boolean {
  return c === undefined || c === ' ' || c === '\t';
}

/** Whether `c` is one of the characters that separate entries in a `[...]` or `{...}` collection. */
function isFlowIndicator(c: string | undefined): boolean {
  return c !== undefined && ',[]{}'.includes(c);
}

/** Whether the character at `at` is a `:` that ends a key: followed by a blank, or in a collection by an indicator. */
function isValueColon(line: string, at: number, flow: number): boolean {
  return line[at] === ':' && (isBlank(line[at + 1]) || (flow > 0 && isFlowIndicator(line[at + 1])));
}

function leadingSpaces(line: string): number {
  let n = 0;
  while (line[n] === ' ') n += 1;
  return n;
}

interface YamlState {
  quote: '' | '"' | "'";
  flow: number;
}

/** Whether a MARK at `at` is a scalar on its own: only blanks follow it before the end, a comment or an indicator. */
function isWhole(line: string, at: number, flow: number): boolean {
  let i = at;
  while (line[i] === ' ' || line[i] === '\t') i += 1;
  const c = line[i];
  if (c === undefined) return true;
  if (c === '#' && i > at) return true;
  if (isValueColon(line, i, flow)) return true;
  return flow > 0 && (c === ',' || c === ']' || c === '}');
}

/**
 * Scans one line outside block scalars; returns the indentation of the node that owns a block scalar whose header
 * ends this line, if any.
 */
function scanLine(line: string, state: YamlState, slots: Slot[]): number | undefined {
  let i = 0;
  // The column of the node a `|` or `>` on this line would belong to: the key before it, or the `-` of an entry.
  let owner = -1;
  let plain = false;
  if (state.quote === '') {
    i = leadingSpaces(line);
    if (state.flow === 0 && i === 0 && (line.startsWith('---') || line.startsWith('...')) && isBlank(line[3])) {
      i = 3;
    }
  }
  while (i < line.length) {
    const c = line[i]!;
    if (state.quote === '"') {
      if (c === MARK) slots.push({ kind: 'double' });
      if (c === '\\') i += 1;
      else if (c === '"') state.quote = '';
      i += 1;
      continue;
    }
    if (state.quote === "'") {
      if (c === MARK) slots.push({ kind: 'single' });
      if (c === "'") {
        if (line[i + 1] === "'") i += 1;
        else state.quote = '';
      }
      i += 1;
      continue;
    }
    if (c === ' ' || c === '\t') {
      i += 1;
      continue;
    }
    if (c === '#' && (i === 0 || isBlank(line[i - 1]))) {
      for (let j = i; j < line.length; j += 1) if (line[j] === MARK) slots.push({ kind: 'comment' });
      return undefined;
    }
    if (plain) {
      if (isValueColon(line, i, state.flow)) {
        plain = false;
        i += 1;
        continue;
      }
      if (!(state.flow > 0 && isFlowIndicator(c))) {
        if (c === MARK) slots.push({ kind: 'plain', whole: false, start: false, flow: state.flow > 0 });
        i += 1;
        continue;
      }
      plain = false;
    }
    if (c === MARK) {
      const whole = isWhole(line, i + 1, state.flow);
      slots.push({ kind: 'plain', whole, start: true, flow: state.flow > 0 });
      owner = i;
      plain = !whole;
      i += 1;
      continue;
    }
    if (c === '"' || c === "'") {
      state.quote = c;
      owner = i;
      i += 1;
      continue;
    }
    if ((c === '-' || c === '?' || c === ':') && isBlank(line[i + 1])) {
      if (c === '-') owner = i;
      i += 1;
      continue;
    }
    if ((c === '|' || c === '>') && state.flow === 0) {
      let j = i + 1;
      while (j < line.length && /[0-9+-]/.test(line[j]!)) j += 1;
      for (let k = j; k < line.length; k += 1) if (line[k] === MARK) slots.push({ kind: 'comment' });
      return owner;
    }
    if (c === '[' || c === '{') {
      state.flow += 1;
      i += 1;
      continue;
    }
    if (c === ']' || c === '}') {
      state.flow = Math.max(0, state.flow - 1);
      i += 1;
      continue;
    }
    if (c === ',' && state.flow > 0) {
      i += 1;
      continue;
    }
    if (c === '&' || c === '!' || c === '*') {
      // Anchors, tags and aliases are one word; a MARK inside one still counts as a plain scalar part.
      while (i < line.length && !isBlank(line[i]) && !(state.flow > 0 && isFlowIndicator(line[i]))) {
        if (line[i] === MARK) slots.push({ kind: 'plain', whole: false, start: false, flow: state.flow > 0 });
        i += 1;
      }
      continue;
    }
    plain = true;
    owner = i;
    i += 1;
  }
  return undefined;
}

/** The slot of every MARK in a YAML text, in order. */
export function yamlSlots(text: string): Slot[] {
  const slots: Slot[] = [];
  const state: YamlState = { quote: '', flow: 0 };
  let block: { parent: number; indent: number | undefined; seen: boolean } | undefined;
  let pending: number | undefined;
  for (const line of text.split(YAML_BREAK)) {
    if (pending !== undefined) {
      block = { parent: pending, indent: undefined, seen: false };
      pending = undefined;
    }
    if (block) {
      const indent = leadingSpaces(line);
      const rest = line.slice(indent);
      if (!rest.includes(MARK) && /^[ \t]*$/.test(rest)) continue;
      if (block.indent === undefined && indent > block.parent) block.indent = indent;
      if (block.indent !== undefined && indent >= block.indent) {
        const leading = !block.seen;
        block.seen = true;
        for (let i = 0; i < line.length; i += 1) {
          if (line[i] === MARK) slots.push({ kind: 'block', indent, leading: leading && i === indent });
        }
        continue;
      }
      block = undefined;
    }
    pending = scanLine(line, state, slots);
  }
  return slots;
}

/** The slot of every MARK in a JSON text, in order: inside a string or not. */
export function jsonSlots(text: string): Slot[] {
  const slots: Slot[] = [];
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === MARK) slots.push({ kind: inString ? 'json-string' : 'json' });
    else if (inString && c === '\\') i += 1;
    else if (c === '"') inString = !inString;
  }
  return slots;
}
