import { describe, expect, it } from 'vitest';
import { compareVersions, isValidVersion } from './version.js';

describe('versions', () => {
  it('orders by semver precedence, as the semver 2.0.0 specification lists it', () => {
    // The precedence examples of semver.org, items 11.2 and 11.4.
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '2.0.0',
      '2.1.0',
      '2.1.1',
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(Math.sign(compareVersions(ordered[i]!, ordered[j]!)), `${ordered[i]} vs ${ordered[j]}`).toBe(
          Math.sign(i - j),
        );
      }
    }
    expect(compareVersions('3815.2.0', '3815.10.0')).toBeLessThan(0);
    expect(compareVersions('1.0.0+build.1', '1.0.0+build.2')).toBe(0);
    expect(compareVersions('garbage', '0.0.1')).toBeLessThan(0);
  });

  it('accepts semantic versions only', () => {
    expect(['3815.2.0', '1.0.0-rc.1+build.5', '0.0.0'].every(isValidVersion)).toBe(true);
    expect(['1.0', 'v1.0.0', '01.0.0', '1.0.0-', ''].some(isValidVersion)).toBe(false);
  });
});
