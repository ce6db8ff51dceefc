import { translateButane } from '@ballast/config';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseConfigTemplate, renderConfigTemplate, type TemplateLimits } from './config-template.js';

function render(
  source: string,
  data: Record<string, unknown>,
  options: { format?: 'yaml' | 'json'; limits?: TemplateLimits } = {},
) {
  const parsed = parseConfigTemplate(source);
  if (!parsed.template) return { text: undefined, reports: parsed.reports };
  const { rendered, reports } = renderConfigTemplate(parsed.template, {
    data,
    format: options.format ?? 'yaml',
    ...(options.limits && { limits: options.limits }),
  });
  return { text: rendered?.text, reports, rendered };
}

function text(source: string, data: Record<string, unknown>, format: 'yaml' | 'json' = 'yaml'): string {
  const result = render(source, data, { format });
  expect(result.reports).toEqual([]);
  return result.text!;
}

function codes(source: string, data: Record<string, unknown> = {}) {
  return render(source, data).reports.map((r) => [r.code, r.line, r.column]);
}

/** Translates Butane and returns the Ignition config as data, failing on any error. */
function ignition(butane: string): Record<string, unknown> {
  const result = translateButane(butane);
  expect(
    result.reports.filter((r) => r.severity === 'error'),
    butane,
  ).toEqual([]);
  return JSON.parse(result.json!) as Record<string, unknown>;
}

function dataUrlText(url: string): string {
  const comma = url.indexOf(',');
  const body = url.slice(comma + 1);
  return url.slice(0, comma).endsWith(';base64')
    ? Buffer.from(body, 'base64').toString('utf8')
    : decodeURIComponent(body);
}

const HEAD = 'variant: flatcar\nversion: 1.0.0\n';

/** A Butane config whose only user's gecos is written by `line`, e.g. `gecos: {{.v}}`. */
function gecosTemplate(line: string): string {
  return `${HEAD}passwd:\n  users:\n    - name: core\n      ${line}\n`;
}

function gecosConfig(gecos: string) {
  return { ignition: { version: '3.3.0' }, passwd: { users: [{ gecos, name: 'core' }] } };
}

describe('parseConfigTemplate', () => {
  it('reports syntax errors with their line and column', () => {
    expect(codes('a: 1\nb: {{.x')).toEqual([['TEMPLATE_SYNTAX', 2, 4]]);
    expect(codes('a: {{ printf "%s" .x }}')).toEqual([['TEMPLATE_SYNTAX', 1, 4]]);
    expect(codes('a: {{ .x | upper }}')).toEqual([['TEMPLATE_SYNTAX', 1, 4]]);
    expect(codes('a: {{ call .f }}')).toEqual([['TEMPLATE_SYNTAX', 1, 4]]);
    expect(codes('a: {{ $x := .y }}')).toEqual([['TEMPLATE_SYNTAX', 1, 4]]);
    expect(codes('\n\n  {{end}}')).toEqual([['TEMPLATE_SYNTAX', 3, 3]]);
    expect(codes('{{if .a}}\n{{range .b}}\n{{end}}')).toEqual([['TEMPLATE_SYNTAX', 1, 1]]);
    expect(codes('{{if .a}}{{else}}{{else}}{{end}}')).toEqual([['TEMPLATE_SYNTAX', 1, 18]]);
    expect(codes('{{range .a}}{{else if .b}}{{end}}')).toEqual([['TEMPLATE_SYNTAX', 1, 13]]);
    expect(codes('{{if}}{{end}}')).toEqual([['TEMPLATE_SYNTAX', 1, 1]]);
    expect(codes('{{/* not closed }}')).toEqual([['TEMPLATE_SYNTAX', 1, 1]]);
    expect(codes('a\u0000')).toEqual([['TEMPLATE_SYNTAX', 1, 2]]);
    expect(codes(`${'{{if .a}}'.repeat(40)}${'{{end}}'.repeat(40)}`)[0]?.[0]).toBe('TEMPLATE_SYNTAX');
  });
});

describe('renderConfigTemplate', () => {
  it('substitutes variables, nested ones, the top with $ and the current item with a dot', () => {
    expect(text('a: {{.a}}\nb: {{.b.c}}\nc: {{$.a}}', { a: 'x', b: { c: 7 } })).toBe('a: "x"\nb: 7\nc: "x"');
    expect(text('{{range .list}}- {{.}} of {{$.n}}\n{{end}}', { list: ['a', 'b'], n: 'n' })).toBe(
      '- a of n\n- b of n\n',
    );
  });

  it('keeps if, else if, else, range, range-else, comments, literals and trim markers as Go does', () => {
    const source =
      '{{- /* a comment */ -}}\n{{if .a}}A{{else if .b}}B{{else}}C{{end}}\n{{range .none}}x{{else}}empty{{end}}\n{{"{{.not}}"}}\n{{- range .m }}\n  {{.}}\n{{- end }}';
    expect(text(source, { a: false, b: 'yes', m: { z: 1, a: 2 } })).toBe('B\nempty\n{{.not}}\n  2\n  1');
    expect(text('{{if .a}}A{{else if .b}}B{{else}}C{{end}}', { a: 0, b: '' })).toBe('C');
    expect(text('{{if .missing}}A{{else}}C{{end}}{{range .missing}}x{{end}}', {})).toBe('C');
    // Go's truthiness: empty lists and objects are false.
    expect(text('{{if .l}}l{{end}}{{if .o}}o{{end}}{{if .z}}z{{end}}', { l: [], o: {}, z: 0 })).toBe('');
  });

  it('fails on a missing variable, naming it, at its line and column', () => {
    const result = render('a: 1\nb: {{.etcd.name}}', { etcd: {} });
    expect(result.reports).toEqual([
      expect.objectContaining({ code: 'TEMPLATE_MISSING_VARIABLE', line: 2, column: 4 }),
    ]);
    expect(result.reports[0]!.message).toContain('.etcd.name');
    // Lookups never reach JavaScript's own properties.
    expect(render('{{.constructor}}{{.toString}}', {}).reports[0]?.code).toBe('TEMPLATE_MISSING_VARIABLE');
    expect(render('{{range .s}}{{end}}', { s: 'text' }).reports[0]?.code).toBe('TEMPLATE_TYPE');
  });

  it('never evaluates template syntax that comes in through a value', () => {
    const butane = text(gecosTemplate('gecos: {{.v}}'), { v: '{{.secret}} {{end}}', secret: 'no' });
    expect(ignition(butane)).toEqual(gecosConfig('{{.secret}} {{end}}'));
  });

  it('keeps the JSON type of a whole value: strings quoted, numbers and booleans bare, lists and objects as flow', () => {
    expect(
      text('a: {{.s}}\nb: {{.n}}\nc: {{.t}}\nd: {{.z}}\ne: {{.l}}\nf: {{.o}}', {
        s: '0644',
        n: 420,
        t: true,
        z: null,
        l: ['a', 1],
        o: { k: 'v' },
      }),
    ).toBe('a: "0644"\nb: 420\nc: true\nd: null\ne: ["a", 1]\nf: {"k": "v"}');
    const config = ignition(
      `${HEAD}passwd:\n  users:\n    - name: core\n      ssh_authorized_keys: {{.keys}}\n      groups: {{.groups}}\n`.replace(
        /\{\{\.(\w+)\}\}/g,
        (_, name: string) => text(`{{.${name}}}`, { keys: ['ssh-ed25519 AAAA a@b', 'x: y'], groups: ['wheel'] }),
      ),
    );
    expect(config).toEqual({
      ignition: { version: '3.3.0' },
      passwd: { users: [{ groups: ['wheel'], name: 'core', sshAuthorizedKeys: ['ssh-ed25519 AAAA a@b', 'x: y'] }] },
    });
  });

  it('writes hostile values so Butane reads back exactly the value, and nothing more', () => {
    const hostile = 'x\npasswd:\n  users:\n    - name: evil\n#"\'\\ {{.v}} ---\r\n...\u2028: [a, b]';
    for (const line of ['gecos: {{.v}}', 'gecos: "{{.v}}"', 'gecos: "pre {{.v}} post"']) {
      const expected = line.includes('pre') ? `pre ${hostile} post` : hostile;
      expect(ignition(text(gecosTemplate(line), { v: hostile })), line).toEqual(gecosConfig(expected));
    }
    // Single quotes, comments and parts of plain words cannot hold it: an error says where to put it instead.
    for (const line of ["gecos: '{{.v}}'", 'gecos: user-{{.v}}', 'gecos: x # {{.v}}', 'gecos: {{.v}}-x']) {
      const result = render(gecosTemplate(line), { v: hostile });
      expect(
        result.reports.map((r) => r.code),
        line,
      ).toEqual(['TEMPLATE_UNSAFE_VALUE']);
      expect(result.reports[0]).toMatchObject({ line: 6, column: line.indexOf('{{') + 7 });
    }
    // Safe words go into plain words and single quotes as they are.
    expect(ignition(text(gecosTemplate("gecos: 'it''s {{.v}}'"), { v: "o'k" }))).toEqual(gecosConfig("it's o'k"));
    expect(ignition(text(gecosTemplate('gecos: node-{{.v}}.example.com'), { v: '52:54:00:aa' }))).toEqual(
      gecosConfig('node-52:54:00:aa.example.com'),
    );
  });

  it('indents a multi-line value into a block of text so it stays inside it', () => {
    const source = `${HEAD}storage:\n  files:\n    - path: /etc/motd\n      contents:\n        inline: |\n          Welcome to {{.name}}\n          {{.body}}\n          end\n`;
    const body = 'line 1\n  indented\nstorage:\n  files: []\n\ttab';
    const config = ignition(text(source, { name: 'node1\nx: y', body }));
    const files = (config.storage as { files: { contents: { source: string } }[] }).files;
    expect(files).toHaveLength(1);
    expect(dataUrlText(files[0]!.contents.source)).toBe(`Welcome to node1\nx: y\n${body}\nend\n`);
    // A value that begins a block may not start with a space or an empty line: it would move the block's indentation.
    for (const value of [' indented', '\nx', '  \nx']) {
      const result = render(`${HEAD}a: |\n  {{.v}}\n  b\n`, { v: value });
      expect(
        result.reports.map((r) => r.code),
        JSON.stringify(value),
      ).toEqual(['TEMPLATE_UNSAFE_VALUE']);
    }
    expect(render(`${HEAD}a: |\n  {{.v}}\n`, { v: 'bell\u0007' }).reports[0]?.code).toBe('TEMPLATE_UNSAFE_VALUE');
    expect(render(`${HEAD}a: |\n  {{.v}}\n`, { v: ['list'] }).reports[0]?.code).toBe('TEMPLATE_UNSAFE_VALUE');
  });

  it('escapes values in Ignition JSON: inside strings as string text, elsewhere as JSON', () => {
    const source =
      '{"ignition": {"version": "3.3.0"}, "passwd": {"users": [{"name": "{{.name}}", "groups": {{.groups}}}]}}';
    const out = text(source, { name: 'a"b\\c\n', groups: ['x", "y'] }, 'json');
    expect(JSON.parse(out)).toEqual({
      ignition: { version: '3.3.0' },
      passwd: { users: [{ name: 'a"b\\c\n', groups: ['x", "y'] }] },
    });
    expect(render('{"a": "{{.o}}"}', { o: {} }, { format: 'json' }).reports[0]?.code).toBe('TEMPLATE_UNSAFE_VALUE');
  });

  it('stops templates that would render too much or loop too long', () => {
    const list = Array.from({ length: 200 }, (_, i) => i);
    const limits = { maxOutput: 10_000, maxSteps: 20_000 };
    expect(render('{{range .l}}{{range $.l}}x{{end}}{{end}}', { l: list }, { limits }).reports[0]?.code).toBe(
      'TEMPLATE_TOO_LARGE',
    );
    expect(
      render('{{range .l}}{{range $.l}}{{range $.l}}{{end}}{{end}}{{end}}', { l: list }, { limits }).reports[0]?.code,
    ).toBe('TEMPLATE_TOO_LARGE');
    expect(render('{{.big}}', { big: 'x'.repeat(20_000) }, { limits }).reports[0]?.code).toBe('TEMPLATE_TOO_LARGE');
  });

  it('maps positions in the rendered text back to the template', () => {
    const result = render('a: 1\n{{if .x}}\nb: {{.v}}\n{{end}}\nc: 3', { x: true, v: 'multi\nline' });
    expect(result.text).toBe('a: 1\n\nb: "multi\\nline"\n\nc: 3');
    const rendered = result.rendered!;
    expect(rendered.sourcePosition({ line: 1, column: 1 })).toEqual({ line: 1, column: 1 });
    expect(rendered.sourcePosition({ line: 3, column: 1 })).toEqual({ line: 3, column: 1 });
    expect(rendered.sourcePosition({ line: 3, column: 8 })).toEqual({ line: 3, column: 4 });
    expect(rendered.sourcePosition({ line: 5, column: 4 })).toEqual({ line: 5, column: 4 });
    expect(rendered.sourcePosition({ line: 9, column: 1 })).toBeUndefined();
  });
});

describe('renderConfigTemplate on any value (property)', () => {
  // Any text, weighted towards what means something to YAML.
  const value = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({
      unit: fc.constantFrom(...'\n\r\t "\'\\#:-[]{},&*!|>%@`?~ab01.\u0085\u2028\u00a0\u0007\ufeff'.split('')),
      maxLength: 30,
    }),
  );

  it('either refuses the value or Butane reads back exactly it, for every kind of spot', () => {
    const lines = [
      'gecos: {{.v}}',
      'gecos: "{{.v}}"',
      'gecos: "a {{.v}} b"',
      "gecos: '{{.v}}'",
      'gecos: x{{.v}}y',
      'gecos: {{.v}}y',
      'gecos: x # {{.v}}',
    ];
    fc.assert(
      fc.property(value, fc.constantFrom(...lines), (v, line) => {
        const result = render(gecosTemplate(line), { v });
        if (result.reports.length > 0) {
          expect(result.reports.map((r) => r.code)).toEqual(['TEMPLATE_UNSAFE_VALUE']);
          return;
        }
        const expected = line.includes('#')
          ? 'x'
          : line
              .replace(/^gecos: /, '')
              .replace(/^["']|["']$/g, '')
              .replace('{{.v}}', v);
        const translated = translateButane(result.text!);
        expect(translated.reports.filter((r) => r.severity === 'error')).toEqual([]);
        expect(JSON.parse(translated.json!)).toEqual(gecosConfig(expected));
      }),
      { numRuns: 300 },
    );
  });

  it('either refuses the value or Butane reads back exactly the list it belongs to, in flow and block lists', () => {
    const cases: [string, (v: string) => string[]][] = [
      ['ssh_authorized_keys: [{{.v}}]', (v) => [v]],
      ['ssh_authorized_keys: [first entry, {{.v}}, last entry]', (v) => ['first entry', v, 'last entry']],
      ['ssh_authorized_keys: ["{{.v}}"]', (v) => [v]],
      ['ssh_authorized_keys: [k{{.v}}]', (v) => [`k${v}`]],
      ['ssh_authorized_keys: {{.list}}', (v) => [v, `${v} 2`]],
      ['ssh_authorized_keys:\n        - {{.v}}\n        - "{{.v}} 2"', (v) => [v, `${v} 2`]],
      ['ssh_authorized_keys: {"{{.v}}": 1}', () => []],
    ];
    fc.assert(
      fc.property(value, fc.integer({ min: 0, max: cases.length - 1 }), (v, index) => {
        const [line, expected] = cases[index]!;
        const result = render(`${HEAD}passwd:\n  users:\n    - name: core\n      ${line}\n`, {
          v,
          list: [v, `${v} 2`],
        });
        if (result.reports.length > 0) {
          expect(result.reports.map((r) => r.code)).toEqual(['TEMPLATE_UNSAFE_VALUE']);
          return;
        }
        const translated = translateButane(result.text!);
        if (line.includes('": 1}')) {
          // A mapping where Butane wants a list: Butane refuses it, and nothing else changed.
          expect(translated.json).toBeUndefined();
          return;
        }
        expect(translated.reports.filter((r) => r.severity === 'error')).toEqual([]);
        expect(JSON.parse(translated.json!)).toEqual({
          ignition: { version: '3.3.0' },
          passwd: { users: [{ name: 'core', sshAuthorizedKeys: expected(v) }] },
        });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a value inside its block of text, whatever lines it has', () => {
    fc.assert(
      fc.property(value, (v) => {
        const result = render(
          `${HEAD}storage:\n  files:\n    - path: /a\n      contents:\n        inline: |\n          {{.v}}\n`,
          {
            v,
          },
        );
        if (result.reports.length > 0) {
          expect(result.reports.map((r) => r.code)).toEqual(['TEMPLATE_UNSAFE_VALUE']);
          return;
        }
        const translated = translateButane(result.text!);
        expect(translated.reports.filter((r) => r.severity === 'error')).toEqual([]);
        const config = JSON.parse(translated.json!) as { storage: { files: { path: string }[] } };
        expect(Object.keys(config)).toEqual(['ignition', 'storage']);
        expect(config.storage.files.map((f) => f.path)).toEqual(['/a']);
      }),
      { numRuns: 300 },
    );
  });
});
