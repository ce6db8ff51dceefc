import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { main } from '../main.js';
import { captureIo } from '../test-io.js';

async function schema(version: string): Promise<object> {
  const io = captureIo();
  expect(await main(['config', 'schema', '--version', version], io)).toBe(0);
  return JSON.parse(io.out());
}

const caddy = parse(readFileSync(new URL('../../../../examples/caddy/caddy.bu', import.meta.url), 'utf8'));

describe('ballast config schema', () => {
  it.each(['1.0.0', '1.1.0'])(
    'accepts the Caddy example and rejects unknown keys and other versions (%s)',
    async (v) => {
      const validate = new Ajv({ strict: false }).compile(await schema(v));
      const example = { ...caddy, version: v };
      expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
      expect(validate({ ...example, storage: { files: [{ path: '/a', contnets: {} }] } })).toBe(false);
      expect(validate({ ...example, version: '9.9.9' })).toBe(false);
      expect(validate({ ...example, variant: 'fcos' })).toBe(false);
    },
  );

  it('knows the 1.1.0-only fields', async () => {
    const v10 = new Ajv({ strict: false }).compile(await schema('1.0.0'));
    const v11 = new Ajv({ strict: false }).compile(await schema('1.1.0'));
    const config = (version: string) => ({
      variant: 'flatcar',
      version,
      systemd: { units: [{ name: 'a.service', contents_local: 'a.service' }] },
    });
    expect(v10(config('1.0.0'))).toBe(false);
    expect(v11(config('1.1.0'))).toBe(true);
  });

  it('refuses an unknown version', async () => {
    expect(await main(['config', 'schema', '--version', '2.0.0'], captureIo())).toBe(2);
  });
});
