import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildGoReference } from '../../../../test/helpers/go-reference.js';
import { machineLabels, normalizeMac, normalizeSelector } from './machine-labels.js';

let goParseMac: (inputs: readonly string[]) => (string | undefined)[];

beforeAll(async () => {
  const binary = await buildGoReference(new URL('./parse-mac.reference.go', import.meta.url).pathname);
  goParseMac = (inputs) =>
    execFileSync(binary, { input: `${inputs.join('\n')}\n` })
      .toString()
      .trimEnd()
      .split('\n')
      .map((line) => (line.startsWith('ok ') ? line.slice(3) : undefined));
}, 120_000);

describe('normalizeMac', () => {
  it("reads every form Go's net.ParseMAC reads, as it does, and bare hex digits besides", () => {
    const samples = [
      '52:54:00:89:d8:10',
      '52-DA-00-89-D8-10',
      '5254.0089.d810',
      '02:00:5e:10:00:00:00:01',
      '00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01',
      '0000.0000.fe80.0000.0000.0000.0200.5e10.0000.0001',
      '52:54:00:89:d8',
      '52:54-00:89:d8:10',
      '5:54:00:89:d8:10',
      '52:54:00:89:d8:1g',
      ' 52:54:00:89:d8:10',
      '525400.89d810',
      '',
      'not-a-mac',
    ];
    const go = goParseMac(samples);
    for (const [index, sample] of samples.entries()) {
      if (go[index] !== undefined) expect(normalizeMac(sample), sample).toBe(go[index]);
    }
    expect(normalizeMac('5254008AD810')).toBe('52:54:00:8a:d8:10');
    expect(normalizeMac('52:54:00:89:d8')).toBeUndefined();
    expect(normalizeMac('52:54-00:89:d8:10')).toBeUndefined();
    expect(normalizeMac('not-a-mac')).toBeUndefined();
  });

  it('agrees with Go on random candidates (property)', () => {
    const candidate = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFg:-.'.split('')), maxLength: 60 });
    const inputs = fc.sample(candidate, 300).concat(
      fc
        .sample(
          fc
            .constantFrom(6, 8, 20)
            .chain((n) =>
              fc.tuple(
                fc.array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n }),
                fc.constantFrom(':', '-', '.'),
              ),
            ),
          300,
        )
        .map(([bytes, sep]) => {
          const hex = bytes.map((b) => b.toString(16).padStart(2, '0'));
          if (sep !== '.') return hex.join(sep);
          const groups: string[] = [];
          for (let i = 0; i < hex.length; i += 2) groups.push(`${hex[i]}${hex[i + 1]}`);
          return groups.join('.');
        }),
    );
    const go = goParseMac(inputs);
    for (const [index, input] of inputs.entries()) {
      const ours = normalizeMac(input);
      if (go[index] !== undefined) expect(ours, input).toBe(go[index]);
      else if (!/^[0-9A-Fa-f]+$/.test(input)) expect(ours, input).toBeUndefined();
    }
  });
});

describe('machineLabels', () => {
  it('normalises as matchbox does: MAC lower-case with colons, label names lower-cased, first value kept', () => {
    const { labels, errors } = machineLabels(
      new URLSearchParams(
        'MAC=52-54-00-89-D8-10&UUID=A1B2C3D4-0000-0000-0000-000000000000&hostname=&os=installed&os=other&Region=EU',
      ),
    );
    expect(errors).toEqual([]);
    expect(labels).toEqual({
      mac: '52:54:00:89:d8:10',
      uuid: 'a1b2c3d4-0000-0000-0000-000000000000',
      os: 'installed',
      region: 'EU',
    });
  });

  it('refuses an unreadable MAC address instead of ignoring it, and oversized queries', () => {
    expect(machineLabels(new URLSearchParams('mac=not-a-mac')).errors).toEqual([
      { path: 'mac', message: expect.stringContaining('Not a MAC address') },
    ]);
    expect(machineLabels(new URLSearchParams(`x=${'a'.repeat(2000)}`)).errors[0]?.path).toBe('x');
    const many = new URLSearchParams(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v']));
    expect(machineLabels(many).errors).toHaveLength(1);
  });
});

describe('normalizeSelector', () => {
  it('normalises MAC addresses and names each bad label', () => {
    expect(normalizeSelector({ mac: '52-54-00-89-D8-10', rack: '3' })).toEqual({
      selector: { mac: '52:54:00:89:d8:10', rack: '3' },
      errors: [],
    });
    const { errors } = normalizeSelector({
      MAC: 'x',
      mac: 'nope',
      request: 'a',
      rack: 3,
      os: '',
      'a-b': 'c',
      zone: 'a\nb',
    });
    expect(errors.map((e) => e.path)).toEqual([
      'selector.MAC',
      'selector.mac',
      'selector.request',
      'selector.rack',
      'selector.os',
      'selector.a-b',
      'selector.zone',
    ]);
  });
});
