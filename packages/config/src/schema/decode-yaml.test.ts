import { describe, expect, it } from 'vitest';
import { Config } from '../../test/reference/yaml/test-types.js';
import { decodeYaml, yamlErrorText } from './decode-yaml.js';

describe('decodeYaml', () => {
  it('decodes into the zero-filled Go value and reports unused keys at the key', () => {
    const d = decodeYaml(
      'version: 1.1.0\nstorage:\n  files:\n    - path: /a\n      mode: 0644\n      bogus: 1\n',
      Config,
    );
    expect(d.value?.storage.files[0]).toEqual({
      path: '/a',
      overwrite: undefined,
      contents: { source: undefined, inline: undefined, verification: { hash: undefined } },
      mode: 0o644,
    });
    expect(d.value?.variant).toBe('');
    expect(d.reports).toEqual([
      {
        severity: 'warning',
        code: 'UNUSED_KEY',
        message: 'Unused key bogus',
        path: ['storage', 'files', 0, 'bogus'],
        line: 6,
        column: 7,
      },
    ]);
    expect(d.positions.position(['storage', 'files', 0, 'path'])).toEqual({ line: 4, column: 13 });
    // Below a missing node, the deepest node present answers.
    expect(d.positions.position(['storage', 'files', 0, 'contents', 'source'])).toEqual({ line: 4, column: 7 });
  });

  it('collects type errors as yaml.v3 words them', () => {
    const d = decodeYaml('storage:\n  files: abc\nversion: [1]\ncount: x\n', Config);
    expect(d.value).toBeUndefined();
    expect(yamlErrorText(d.reports)).toBe(
      'yaml: unmarshal errors:\n  line 2: cannot unmarshal !!str `abc` into []v0_5.File\n  line 3: cannot unmarshal !!seq into string\n  line 4: cannot unmarshal !!str `x` into int',
    );
  });
});
