import { describe, expect, it } from 'vitest';
import { parseIgnition } from './parse-ignition.js';

// Each expectation below was checked against Debian's ignition-validate (Ignition 2.14).
const line = (r: {
  severity: string;
  path: readonly (string | number)[];
  line?: number;
  column?: number;
  message: string;
}) => `${r.severity} at ${['$', ...r.path].join('.')}, line ${r.line} col ${r.column}: ${r.message}`;

describe('parseIgnition', () => {
  it('reports rule violations, duplicates and unused keys in Ignition order with positions', () => {
    const result = parseIgnition(
      '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"foo","mode":4095,"bogus":1},{"path":"foo"}]}}',
    );
    expect(result.version).toBe('3.3.0');
    expect(result.reports.map(line)).toEqual([
      'error at $.storage.files.0.path, line 1 col 61: path not absolute',
      'warning at $.storage.files.0.mode, line 1 col 74: setuid/setgid/sticky bits are not supported in spec versions older than 3.4.0',
      'error at $.storage.files.1.path, line 1 col 98: path not absolute',
      'error at $.storage.files.1, line 1 col 91: duplicate entry defined',
      'warning at $.storage.files.0.bogus, line 1 col 79: Unused key bogus',
    ]);
    expect(result.config).toBeUndefined();
    expect(result.error).toBe('config is not valid');
  });

  it('gives Go decoding errors with their byte offsets', () => {
    const r = parseIgnition('{"ignition":{"version":"3.0.0"},"storage":{"files":[{"path":"/a","mode":1.5}]}}');
    expect(r.reports.map((x) => [x.message, x.line, x.column])).toEqual([
      ['json: cannot unmarshal number 1.5 into Go struct field File.storage.files.mode of type int', 1, 76],
    ]);
    expect(parseIgnition('{"ignition":{"version":3}}').reports[0]?.message).toBe(
      'json: cannot unmarshal number into Go struct field .Ignition.Version of type string',
    );
    expect(parseIgnition('[]').reports.map((x) => [x.message, x.line, x.column])).toEqual([
      ['json: cannot unmarshal array into Go value of type util.versionStub', 1, 2],
    ]);
    expect(parseIgnition('{').reports.map((x) => [x.message, x.line, x.column])).toEqual([
      ['unexpected end of JSON input', 0, 0],
    ]);
    const deep = `{"ignition":{"version":"3.3.0"},"x":${'['.repeat(10001)}${']'.repeat(10001)}}`;
    expect(parseIgnition(deep).reports.map((x) => [x.message, x.line, x.column])).toEqual([
      ["invalid character '[' exceeded max depth", 1, 10037],
    ]);
  });

  it('decodes a repeated list over what the earlier one left, as Go slices keep their capacity', () => {
    // The third `files` reuses the second element of the first (the second `files` only shortened the list).
    const r = parseIgnition(
      '{"ignition":{"version":"3.3.0"},"storage":{"files":[{"path":"/a"},{"path":"/b","mode":99999},{"path":"/c"}],"files":[{"path":"/d"}],"files":[{"path":"/e"},{"path":"/f"}]}}',
    );
    expect(r.reports.map(line)).toEqual([
      'error at $.storage.files.1.mode, line 1 col 157: illegal file mode',
      'warning at $.storage.files.1.mode, line 1 col 157: setuid/setgid/sticky bits are not supported in spec versions older than 3.4.0',
    ]);
  });

  it('detects versions as go-semver and Ignition do', () => {
    expect(parseIgnition('').error).toBe('not a config (empty)');
    expect(parseIgnition('{}').error).toBe("invalid config version (couldn't parse)");
    expect(parseIgnition('{"ignition":{"version":"abc"}}').error).toBe("invalid config version (couldn't parse)");
    for (const v of ['2.2.0', '3.5.0', '3.0.0-experimental', '1.0.0', '3.0.1']) {
      expect(parseIgnition(`{"ignition":{"version":"${v}"}}`).error).toBe('unsupported config version');
    }
    for (const v of ['03.0.0', '3.0.0-', '3.0.0+']) {
      const r = parseIgnition(`{"ignition":{"version":"${v}"}}`);
      expect(r.version).toBe('3.0.0');
      expect(r.reports).toEqual([]);
    }
    expect(parseIgnition('{"Ignition":{"VERSION":"3.0.0"}}').reports.map(line)).toEqual([
      'warning at $.Ignition, line 1 col 2: Unused key Ignition',
    ]);
  });

  it('lists unused keys object by object from the top, as Ignition walks the config', () => {
    const r = parseIgnition('{"ignition":{"version":"3.3.0"},"storage":{"y":1,"files":[{"path":"/a","z":2}]},"x":1}');
    expect(r.reports.map(line)).toEqual([
      'warning at $.x, line 1 col 81: Unused key x',
      'warning at $.storage.y, line 1 col 44: Unused key y',
      'warning at $.storage.files.0.z, line 1 col 72: Unused key z',
    ]);
  });

  it('gives no positions and no unused keys when a number overflows a float64, as vcontext then has no tree', () => {
    const r = parseIgnition('{"ignition":{"version":"3.3.0"},"x":1e400,"storage":{"files":[{"path":"rel"}]}}');
    expect(r.reports).toEqual([
      {
        severity: 'error',
        code: 'PATH_NOT_ABSOLUTE',
        message: 'path not absolute',
        path: ['storage', 'files', 0, 'path'],
      },
    ]);
  });

  it('warns where the source does not have the shape of the Go value', () => {
    expect(parseIgnition('{"ignition":{"version":"3.0.0"},"storage":{"files":[null]}}').reports.map(line)).toEqual([
      'error at $.storage.files.0.path, line 1 col 53: path not specified',
      'warning at $.storage.files.0, line 1 col 53: context tree does not match content tree at $.storage.files.0. Line and column reporting may be inconsistent. Unused keys may not be reported.',
    ]);
  });
});
