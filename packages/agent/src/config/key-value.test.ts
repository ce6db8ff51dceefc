import { describe, expect, it } from 'vitest';
import { parseKeyValue } from './key-value.js';

describe('parseKeyValue', () => {
  it('reads update_engine’s SimpleKeyValueStore test blob the same way', () => {
    // simple_key_value_store_unittest.cc, SimpleTest.
    const blob =
      'A=B\nC=\n=\nFOO=BAR=BAZ\nALIAS=\'my alias\'\nEMPTY=\'\'\nD=""\nTEST="this is a test"\nBAR=BAX\nMISSING=NEWLINE';
    const parts = parseKeyValue(blob);
    expect(parts.size).toBe(10);
    expect(Object.fromEntries(parts)).toEqual({
      A: 'B',
      C: '',
      '': '',
      FOO: 'BAR=BAZ',
      BAR: 'BAX',
      MISSING: 'NEWLINE',
      ALIAS: 'my alias',
      TEST: 'this is a test',
      EMPTY: '',
      D: '',
    });
    expect(parseKeyValue('').size).toBe(0);
  });

  it('trims nothing, strips one pair of matching quotes only, and lets a later line win', () => {
    const parts = parseKeyValue('GROUP = beta\nSERVER="a\'\nX="\'q\'"\nK=1\nK=2\n# C=3\n');
    expect(parts.get('GROUP ')).toBe(' beta');
    expect(parts.get('SERVER')).toBe('"a\'');
    expect(parts.get('X')).toBe("'q'");
    expect(parts.get('K')).toBe('2');
    expect(parts.get('# C')).toBe('3');
  });
});
