import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.js';
import { normalizeAppId } from './app-ids.js';
import { goTime } from './nebraska-json.js';
import { groupInput, packageInput } from './request-inputs.js';

function fields(work: () => unknown): string[] {
  try {
    work();
  } catch (error) {
    if (error instanceof InvalidInputError) return error.fields.map((field) => field.path);
    throw error;
  }
  return [];
}

describe('request inputs', () => {
  it("reads Nebraska's groupConfig: empty strings mean none, missing keys stay unchanged", () => {
    expect(
      groupInput(
        { name: 'g', channel_id: '', policy_timezone: '', track: '', policy_updates_enabled: false },
        'create',
      ),
    ).toEqual({ name: 'g', channelId: null, policyTimezone: null, policyUpdatesEnabled: false });
    expect(groupInput({ policy_max_updates_per_period: 3 }, 'update')).toEqual({ policyMaxUpdatesPerPeriod: 3 });
  });

  it('names every bad field, nested ones by their JSON path', () => {
    expect(fields(() => groupInput({}, 'create'))).toEqual(['name']);
    // Sorted: the order follows the reading order, which is no contract.
    expect(
      fields(() =>
        packageInput(
          {
            version: 1,
            url: null,
            arch: 'x',
            flatcar_action: { sha256: 5 },
            extra_files: [{ name: 'a' }, 'b', { hash: 1 }],
          },
          'create',
        ),
      ).sort(),
    ).toEqual([
      'arch',
      'extra_files.1',
      'extra_files.2.hash',
      'extra_files.2.name',
      'flatcar_action.sha256',
      'url',
      'version',
    ]);
  });

  it("reads Nebraska's packageConfig keys", () => {
    expect(
      packageInput(
        {
          application_id: 'ignored',
          version: '1.2.3',
          url: 'https://x/',
          filename: 'u.gz',
          size: '',
          hash: 'aGFzaA==',
          channels_blacklist: null,
          flatcar_action: { id: 'old', sha256: 'c2hh' },
          extra_files: [{ id: 4, name: 'oem.gz', size: '1', hash: 'h', hash256: 'h2' }],
        },
        'create',
      ),
    ).toEqual({
      version: '1.2.3',
      url: 'https://x/',
      filename: 'u.gz',
      size: null,
      hash: 'aGFzaA==',
      channelsBlacklist: [],
      flatcarAction: { sha256: 'c2hh' },
      extraFiles: [{ id: 4, name: 'oem.gz', size: '1', hash: 'h', hash256: 'h2' }],
    });
  });
});

describe('app ids', () => {
  it('accepts ids bare, in braces and in any case', () => {
    for (const id of [
      'e96281a6-d1af-4bde-9a0a-97b76e56dc57',
      '{E96281A6-D1AF-4BDE-9A0A-97B76E56DC57}',
      ' {e96281a6-d1af-4bde-9a0a-97b76e56dc57} ',
    ]) {
      expect(normalizeAppId(id)).toBe('e96281a6-d1af-4bde-9a0a-97b76e56dc57');
    }
    expect(normalizeAppId('io.example.Product')).toBe('io.example.Product');
  });
});

describe('goTime', () => {
  it("writes times as Go's encoding/json does, without trailing zeros in the fraction", () => {
    expect(goTime(new Date('2024-01-02T03:04:05.000Z'))).toBe('2024-01-02T03:04:05Z');
    expect(goTime(new Date('2024-01-02T03:04:05.120Z'))).toBe('2024-01-02T03:04:05.12Z');
    expect(goTime(new Date('2024-01-02T03:04:05.007Z'))).toBe('2024-01-02T03:04:05.007Z');
  });
});
