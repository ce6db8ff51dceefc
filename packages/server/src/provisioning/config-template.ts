import type { Report } from '@ballast/config';
import { fillSlot } from './slot-value.js';
import { jsonSlots, MARK, type Slot, yamlSlots } from './template-slots.js';

// A small, safe subset of Go's text/template, which matchbox users write their templates in: `{{.a.b}}` values,
// `{{if}}`/`{{else if}}`/`{{else}}`/`{{end}}`, `{{range}}` (with `{{.}}` for the item and `$` for the top),
// `{{/* comments */}}`, `{{"literal"}}` and the `{{-`/`-}}` trim markers. Nothing else: no functions, no pipelines,
// no variables, so a template can only read data. Every value is escaped for the YAML or JSON spot it lands in.

/** How a template failed; tests and clients match on the code. */
export type TemplateCode =
  | 'TEMPLATE_SYNTAX'
  | 'TEMPLATE_MISSING_VARIABLE'
  | 'TEMPLATE_TYPE'
  | 'TEMPLATE_UNSAFE_VALUE'
  | 'TEMPLATE_TOO_LARGE';

/** A dotted name: `.a.b` (from the current item) or `$.a.b` (from the top). */
interface VariablePath {
  readonly root: boolean;
  readonly keys: readonly string[];
  readonly text: string;
}

type TemplateNode =
  | { readonly kind: 'text'; readonly text: string; readonly offset: number }
  | { readonly kind: 'value'; readonly path: VariablePath; readonly offset: number }
  | {
      readonly kind: 'if';
      readonly path: VariablePath;
      readonly offset: number;
      readonly body: TemplateNode[];
      otherwise: TemplateNode[];
    }
  | {
      readonly kind: 'range';
      readonly path: VariablePath;
      readonly offset: number;
      readonly body: TemplateNode[];
      otherwise: TemplateNode[];
    };

/** A parsed template. */
export interface ConfigTemplate {
  readonly source: string;
  readonly nodes: readonly TemplateNode[];
}

/** What rendering needs to stay bounded, whatever the template and its data. */
export interface TemplateLimits {
  /** Largest rendered text, in UTF-16 units. */
  readonly maxOutput: number;
  /** Most nodes visited (a `range` in a `range` over long lists can loop long without writing anything). */
  readonly maxSteps: number;
}

/** The limits the server renders with. */
export const DEFAULT_TEMPLATE_LIMITS: TemplateLimits = { maxOutput: 4 * 1024 * 1024, maxSteps: 1_000_000 };

const MAX_DEPTH = 32;

/** Maps positions in a text to 1-based line and column. */
export class LineIndex {
  // Found on first use: most templates parse and render without a report that needs a position.
  private lineStarts: number[] | undefined;

  constructor(private readonly text: string) {}

  private starts(): number[] {
    if (this.lineStarts === undefined) {
      this.lineStarts = [0];
      for (let i = 0; i < this.text.length; i += 1) if (this.text[i] === '\n') this.lineStarts.push(i + 1);
    }
    return this.lineStarts;
  }

  /** The line and column of an offset. */
  at(offset: number): { line: number; column: number } {
    const starts = this.starts();
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low]! + 1 };
  }

  /** The offset of a line and column, or undefined past the last line. */
  offset(position: { line: number; column: number }): number | undefined {
    const start = this.starts()[position.line - 1];
    return start === undefined ? undefined : start + Math.max(0, position.column - 1);
  }
}

function report(code: TemplateCode, message: string, where: { line: number; column: number }): Report {
  return { severity: 'error', code, message, path: [], line: where.line, column: where.column };
}

const PATH = /^(\$)?((?:\.[A-Za-z_][A-Za-z0-9_]*)+|\.)?$/;

function parsePath(text: string): VariablePath | undefined {
  const match = PATH.exec(text);
  if (!match || text === '') return undefined;
  const keys = match[2] === undefined || match[2] === '.' ? [] : match[2].slice(1).split('.');
  return { root: match[1] === '$', keys, text };
}

interface Action {
  readonly text: string;
  readonly offset: number;
  readonly trimLeft: boolean;
  readonly trimRight: boolean;
  readonly end: number;
}

const TRIM = /[ \t\r\n]/;

/** Finds the `}}` that closes an action opened at `from`, stepping over string literals and comments. */
function closeOf(source: string, from: number): number {
  let i = from;
  while (i < source.length) {
    if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) return -1;
      i = end + 2;
      continue;
    }
    const c = source[i];
    if (c === '"' || c === '`') {
      i += 1;
      while (i < source.length && source[i] !== c) {
        if (c === '"' && source[i] === '\\') i += 1;
        if (source[i] === '\n' && c === '"') return -1;
        i += 1;
      }
      i += 1;
      continue;
    }
    if (source.startsWith('}}', i)) return i;
    i += 1;
  }
  return -1;
}

/**
 * Parses a template, reporting each syntax error with its line and column. Templates are Butane YAML or Ignition
 * JSON with actions in them; the NUL character is refused (the renderer uses it).
 */
export function parseConfigTemplate(source: string): { template: ConfigTemplate | undefined; reports: Report[] } {
  const lines = new LineIndex(source);
  const reports: Report[] = [];
  const nul = source.indexOf(MARK);
  if (nul >= 0) {
    reports.push(report('TEMPLATE_SYNTAX', 'The template has a NUL character', lines.at(nul)));
    return { template: undefined, reports };
  }
  // Lex into text pieces and actions, applying trim markers to the text around them.
  const pieces: ({ kind: 'text'; text: string; offset: number } | ({ kind: 'action' } & Action))[] = [];
  let pos = 0;
  while (pos <= source.length) {
    const open = source.indexOf('{{', pos);
    const textEnd = open < 0 ? source.length : open;
    if (textEnd > pos) pieces.push({ kind: 'text', text: source.slice(pos, textEnd), offset: pos });
    if (open < 0) break;
    let inner = open + 2;
    const trimLeft = source[inner] === '-' && TRIM.test(source[inner + 1] ?? '');
    if (trimLeft) inner += 2;
    const close = closeOf(source, inner);
    if (close < 0) {
      reports.push(report('TEMPLATE_SYNTAX', 'The action is not closed with }}', lines.at(open)));
      return { template: undefined, reports };
    }
    const trimRight = source[close - 1] === '-' && close - 2 >= inner && TRIM.test(source[close - 2]!);
    const text = source.slice(inner, trimRight ? close - 1 : close).trim();
    pieces.push({ kind: 'action', text, offset: open, trimLeft, trimRight, end: close + 2 });
    pos = close + 2;
  }
  for (const [index, piece] of pieces.entries()) {
    if (piece.kind !== 'action') continue;
    const before = pieces[index - 1];
    if (piece.trimLeft && before?.kind === 'text') before.text = before.text.replace(/[ \t\r\n]+$/, '');
    const after = pieces[index + 1];
    if (piece.trimRight && after?.kind === 'text') {
      const trimmed = after.text.replace(/^[ \t\r\n]+/, '');
      after.offset += after.text.length - trimmed.length;
      after.text = trimmed;
    }
  }

  // Build the tree.
  type Open = Extract<TemplateNode, { kind: 'if' | 'range' }> & { inElse: boolean; chained: number };
  const root: TemplateNode[] = [];
  const stack: Open[] = [];
  const target = (): TemplateNode[] => {
    const top = stack.at(-1);
    if (!top) return root;
    if (top.inElse) return top.otherwise;
    return top.body;
  };
  const openBlock = (kind: 'if' | 'range', path: VariablePath, offset: number, chained: number) => {
    if (stack.length >= MAX_DEPTH) {
      reports.push(report('TEMPLATE_SYNTAX', `More than ${MAX_DEPTH} nested {{if}} and {{range}}`, lines.at(offset)));
      return false;
    }
    const node: Open = { kind, path, offset, body: [], otherwise: [], inElse: false, chained };
    target().push(node);
    stack.push(node);
    return true;
  };
  for (const piece of pieces) {
    if (piece.kind === 'text') {
      if (piece.text !== '') target().push({ kind: 'text', text: piece.text, offset: piece.offset });
      continue;
    }
    const where = lines.at(piece.offset);
    const { text } = piece;
    if (text.startsWith('/*')) {
      if (!text.endsWith('*/')) reports.push(report('TEMPLATE_SYNTAX', 'A comment must end with */ before }}', where));
      continue;
    }
    if (text.startsWith('"') || text.startsWith('`')) {
      let literal: unknown;
      try {
        literal = text.startsWith('`') && text.endsWith('`') && text.length >= 2 ? text.slice(1, -1) : JSON.parse(text);
      } catch {
        literal = undefined;
      }
      if (typeof literal !== 'string' || literal.includes(MARK)) {
        reports.push(report('TEMPLATE_SYNTAX', `Malformed string literal ${text}`, where));
      } else {
        target().push({ kind: 'text', text: literal, offset: piece.offset });
      }
      continue;
    }
    const [word, ...rest] = text.split(/\s+/);
    const argument = rest.join(' ');
    if (word === 'if' || word === 'range') {
      const path = parsePath(argument);
      if (!path) {
        reports.push(
          report('TEMPLATE_SYNTAX', `{{${word}}} takes one variable such as .name or $.name, got "${argument}"`, where),
        );
        return { template: undefined, reports };
      }
      if (!openBlock(word, path, piece.offset, 0)) return { template: undefined, reports };
      continue;
    }
    if (word === 'else') {
      const top = stack.at(-1);
      if (!top || top.inElse) {
        reports.push(report('TEMPLATE_SYNTAX', '{{else}} without an {{if}} or {{range}} to belong to', where));
        return { template: undefined, reports };
      }
      top.inElse = true;
      if (argument === '') continue;
      const [elseWord, ...elseRest] = rest;
      const path = parsePath(elseRest.join(' '));
      if (elseWord !== 'if' || !path || top.kind !== 'if') {
        reports.push(report('TEMPLATE_SYNTAX', `Unsupported {{else ${argument}}}; only {{else if .name}}`, where));
        return { template: undefined, reports };
      }
      // `else if` is an `if` inside the else branch that the same {{end}} closes.
      if (!openBlock('if', path, piece.offset, top.chained + 1)) return { template: undefined, reports };
      continue;
    }
    if (word === 'end') {
      if (argument !== '') reports.push(report('TEMPLATE_SYNTAX', '{{end}} takes nothing', where));
      const top = stack.pop();
      if (!top) {
        reports.push(report('TEMPLATE_SYNTAX', '{{end}} without an {{if}} or {{range}} to close', where));
        return { template: undefined, reports };
      }
      for (let chained = top.chained; chained > 0; chained -= 1) stack.pop();
      continue;
    }
    const path = rest.length === 0 ? parsePath(word ?? '') : undefined;
    if (!path) {
      reports.push(
        report(
          'TEMPLATE_SYNTAX',
          `Unsupported action {{${text}}}: templates allow {{.name}}, {{$.name}}, {{if .name}}, {{else}}, {{range .name}}, {{end}}, {{"text"}} and {{/* comments */}}`,
          where,
        ),
      );
      continue;
    }
    target().push({ kind: 'value', path, offset: piece.offset });
  }
  const unclosed = stack.find((node) => node.chained === 0) ?? stack[0];
  if (unclosed) {
    reports.push(
      report('TEMPLATE_SYNTAX', `{{${unclosed.kind}}} is never closed with {{end}}`, lines.at(unclosed.offset)),
    );
  }
  return reports.length > 0 ? { template: undefined, reports } : { template: { source, nodes: root }, reports };
}

/** One piece of the rendered text and where it came from in the template. */
interface Segment {
  /** Offset in the rendered text. */
  readonly out: number;
  /** Offset in the template: the text's own position, or the action's for a value. */
  readonly source: number;
  readonly value: boolean;
}

/** A rendered template: the text, and a map back to the template for reports on the text. */
export interface RenderedTemplate {
  readonly text: string;
  /** Where in the template a position of the rendered text comes from. */
  sourcePosition(position: { line: number; column: number }): { line: number; column: number } | undefined;
}

class RenderError extends Error {
  constructor(readonly report: Report) {
    super(report.message);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (isObject(value)) return Object.keys(value).length > 0;
  return value !== undefined && value !== null && value !== false && value !== 0 && value !== '';
}

/**
 * Renders a template with data (matchbox's variables: group metadata, selectors, `request`) as Butane YAML or
 * Ignition JSON. A missing variable is an error, as matchbox's `missingkey=error`, except in `{{if}}` and
 * `{{range}}`, where it reads as empty. Each value is escaped for where it lands (see slot-value.ts).
 */
export function renderConfigTemplate(
  template: ConfigTemplate,
  options: {
    readonly data: Readonly<Record<string, unknown>>;
    readonly format: 'yaml' | 'json';
    readonly limits?: TemplateLimits;
  },
): { rendered: RenderedTemplate | undefined; reports: Report[] } {
  const limits = options.limits ?? DEFAULT_TEMPLATE_LIMITS;
  const lines = new LineIndex(template.source);
  // The rendered text in pieces: template text, or a MARK standing for the next of `values`.
  const pieces: { readonly text: string; readonly source: number; readonly value: boolean }[] = [];
  const values: { value: unknown; offset: number; path: string }[] = [];
  let length = 0;
  let steps = 0;
  const fail = (code: TemplateCode, message: string, offset: number): never => {
    throw new RenderError(report(code, message, lines.at(offset)));
  };
  const emit = (text: string, source: number, value: boolean) => {
    length += text.length;
    if (length > limits.maxOutput) {
      fail('TEMPLATE_TOO_LARGE', `The rendered config is longer than ${limits.maxOutput} characters`, source);
    }
    pieces.push({ text, source, value });
  };
  const lookup = (path: VariablePath, dot: unknown): { found: boolean; value: unknown } => {
    let current: unknown = path.root ? options.data : dot;
    for (const key of path.keys) {
      if (!isObject(current) || !Object.hasOwn(current, key)) return { found: false, value: undefined };
      current = current[key];
    }
    return { found: true, value: current };
  };
  const walk = (nodes: readonly TemplateNode[], dot: unknown) => {
    for (const node of nodes) {
      steps += 1;
      if (steps > limits.maxSteps)
        fail('TEMPLATE_TOO_LARGE', `Rendering takes more than ${limits.maxSteps} steps`, node.offset);
      switch (node.kind) {
        case 'text':
          emit(node.text, node.offset, false);
          break;
        case 'value': {
          const found = lookup(node.path, dot);
          if (!found.found) {
            fail(
              'TEMPLATE_MISSING_VARIABLE',
              `{{${node.path.text}}}: no such variable in the group's metadata, selector or request`,
              node.offset,
            );
          }
          values.push({ value: found.value, offset: node.offset, path: node.path.text });
          emit(MARK, node.offset, true);
          break;
        }
        case 'if':
          walk(truthy(lookup(node.path, dot).value) ? node.body : node.otherwise, dot);
          break;
        case 'range': {
          const { value } = lookup(node.path, dot);
          let items: unknown[];
          if (Array.isArray(value)) items = value;
          else if (isObject(value))
            items = Object.keys(value)
              .sort()
              .map((key) => value[key]);
          else if (value === undefined || value === null) items = [];
          else {
            return fail(
              'TEMPLATE_TYPE',
              `{{range ${node.path.text}}}: cannot range over a ${typeof value}`,
              node.offset,
            );
          }
          if (items.length === 0) walk(node.otherwise, dot);
          for (const item of items) walk(node.body, item);
          break;
        }
      }
    }
  };
  try {
    walk(template.nodes, options.data);
  } catch (error) {
    if (error instanceof RenderError) return { rendered: undefined, reports: [error.report] };
    throw error;
  }

  // Fill every value into its slot, now that the text around it is known.
  const skeleton = pieces.map((piece) => piece.text).join('');
  const slots: Slot[] = options.format === 'yaml' ? yamlSlots(skeleton) : jsonSlots(skeleton);
  const reports: Report[] = [];
  const filled: string[] = [];
  for (const [index, entry] of values.entries()) {
    const slot = slots[index];
    const result = slot ? fillSlot(entry.value, slot) : { error: 'internal: no slot for this value' };
    if ('error' in result) {
      reports.push(report('TEMPLATE_UNSAFE_VALUE', `{{${entry.path}}}: ${result.error}`, lines.at(entry.offset)));
      filled.push('');
    } else {
      filled.push(result.text);
    }
  }
  if (reports.length > 0) return { rendered: undefined, reports };
  let out = '';
  let valueIndex = 0;
  const segments: Segment[] = [];
  for (const piece of pieces) {
    segments.push({ out: out.length, source: piece.source, value: piece.value });
    out += piece.value ? filled[valueIndex++]! : piece.text;
  }
  if (out.length > limits.maxOutput) {
    const report_ = report('TEMPLATE_TOO_LARGE', `The rendered config is longer than ${limits.maxOutput} characters`, {
      line: 1,
      column: 1,
    });
    return { rendered: undefined, reports: [report_] };
  }
  const outLines = new LineIndex(out);
  const text = out;
  return {
    rendered: {
      text,
      sourcePosition(position) {
        const offset = outLines.offset(position);
        if (offset === undefined || offset > text.length) return undefined;
        let low = 0;
        let high = segments.length - 1;
        if (high < 0) return undefined;
        while (low < high) {
          const mid = (low + high + 1) >> 1;
          if (segments[mid]!.out <= offset) low = mid;
          else high = mid - 1;
        }
        const segment = segments[low]!;
        return lines.at(segment.value ? segment.source : segment.source + (offset - segment.out));
      },
    },
    reports: [],
  };
}
