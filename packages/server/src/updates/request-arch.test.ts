import { describe, expect, it } from 'vitest';
import { Arch } from '../store/index.js';
import { normalizeAppId, requestArch, requestTrack } from './request-arch.js';

const app = (fields: { board?: string; track?: string } = {}) => ({ appId: 'x', events: [], ...fields });

describe('requestArch', () => {
  it.each([
    [{ board: 'amd64-usr' }, undefined, Arch.AMD64],
    [{ board: 'arm64-usr' }, { arch: 'x64' }, Arch.AArch64],
    [{}, { arch: 'x64' }, Arch.AMD64],
    [{}, { arch: 'arm' }, Arch.AArch64],
    [{}, { arch: 'x86' }, Arch.X86],
    [{}, { arch: 'aarch64' }, Arch.AArch64],
    [{}, { arch: 'amd64' }, Arch.AMD64],
    [{}, { arch: 'all' }, Arch.All],
    [{ board: 'riscv-usr' }, { arch: 'arm64' }, Arch.AMD64],
    [{}, undefined, Arch.AMD64],
  ])('board %o and os %o: %i', (fields, os, arch) => {
    expect(requestArch(os, app(fields))).toBe(arch);
  });
});

describe('requestTrack', () => {
  it("turns CoreOS's hard-coded group ids into tracks and keeps anything else", () => {
    expect(requestTrack(app({ track: '9a2deb70-37be-4026-853f-bfdd6b347bbe' }))).toBe('stable');
    expect(requestTrack(app({ track: 'b4b2fa22-c1ea-498c-a8ac-c1dc0b1d7c17' }))).toBe('edge');
    expect(requestTrack(app({ track: 'beta' }))).toBe('beta');
    expect(requestTrack(app({ track: 'constructor' }))).toBe('constructor');
    expect(requestTrack(app())).toBe('');
  });
});

describe('normalizeAppId', () => {
  it('drops braces and spaces and lowers the case, as GetAppID', () => {
    expect(normalizeAppId('{E96281A6-d1af-4bde-9a0a-97b76e56dc57}')).toBe('e96281a6-d1af-4bde-9a0a-97b76e56dc57');
    expect(normalizeAppId('  { io.Example.App }  ')).toBe('io.example.app');
    expect(normalizeAppId('{}')).toBe('{}');
    expect(normalizeAppId('{x')).toBe('{x');
  });
});
