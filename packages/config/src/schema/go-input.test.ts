import { describe, expect, expectTypeOf, it } from 'vitest';
import { Config } from '../../test/reference/yaml/test-types.js';
import { fromInput, type GoInput, isGoValue } from './go-input.js';
import { isNilSlice } from './go-value.js';
import type { GoValue } from './model.js';

describe('GoInput and fromInput', () => {
  it('types a hand-written config with every field optional', () => {
    const c: GoInput<typeof Config> = {
      version: '1.1.0',
      storage: { files: [{ path: '/etc/motd', mode: 0o644, contents: { inline: 'hi' } }] },
    };
    // @ts-expect-error: no such field
    const typo: GoInput<typeof Config> = { storage: { filez: [] } };
    // @ts-expect-error: a mode is a number
    const wrong: GoInput<typeof Config> = { storage: { files: [{ path: '/a', mode: '0644' }] } };
    expect([c, typo, wrong]).toHaveLength(3);
  });

  it('fills every missing field with its Go zero value', () => {
    const v = fromInput({ storage: { files: [{ path: '/a', mode: 0o644 }] } }, Config);
    expectTypeOf(v).toEqualTypeOf<GoValue<typeof Config>>();
    expect(v).toEqual({
      version: '',
      variant: '',
      storage: {
        files: [
          {
            path: '/a',
            overwrite: undefined,
            contents: { source: undefined, inline: undefined, verification: { hash: undefined } },
            mode: 420,
          },
        ],
        raid: [],
      },
      flag: false,
      count: 0,
      names: [],
    });
    expect(isNilSlice(v.names)).toBe(true);
  });

  it('keeps a written empty list as an empty (not nil) slice and a null pointer as nil', () => {
    const v = fromInput({ names: [], storage: { files: [{ overwrite: null }] } }, Config);
    expect(isNilSlice(v.names)).toBe(false);
    expect(v.storage.files[0]?.overwrite).toBeUndefined();
  });
});

describe('isGoValue', () => {
  const complete = fromInput({ version: '1.1.0', storage: { files: [{ path: '/a', mode: 0o644 }] } }, Config);

  it('accepts what fromInput makes, which fromInput then copies unchanged', () => {
    expect(isGoValue(complete, Config)).toBe(true);
    expect(fromInput(complete as GoInput<typeof Config>, Config)).toEqual(complete);
  });

  it('rejects what fromInput would change: missing fields, null, fractions, other kinds', () => {
    const files = (complete.storage as { files: Record<string, unknown>[] }).files;
    const file = files[0]!;
    const withFile = (f: Record<string, unknown>) => ({ ...complete, storage: { ...complete.storage, files: [f] } });
    const { path: _path, ...noPath } = file;
    expect(isGoValue(withFile(noPath), Config)).toBe(false);
    expect(isGoValue(withFile({ ...file, mode: null }), Config)).toBe(false);
    expect(isGoValue(withFile({ ...file, mode: 1.5 }), Config)).toBe(false);
    expect(isGoValue(withFile({ ...file, path: 7 }), Config)).toBe(false);
    expect(isGoValue({ ...complete, storage: { ...complete.storage, files: {} } }, Config)).toBe(false);
    expect(isGoValue(withFile({ ...file, extra: 'kept' }), Config)).toBe(true);
  });
});
