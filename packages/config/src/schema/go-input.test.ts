import { describe, expect, expectTypeOf, it } from 'vitest';
import { Config } from '../../test/reference/yaml/test-types.js';
import { fromInput, type GoInput } from './go-input.js';
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
