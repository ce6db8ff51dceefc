import { describe, expect, it } from 'vitest';
import { UsageError } from '../usage-error.js';
import { parseServerArgs } from './server.js';

describe('ballast server arguments', () => {
  it('defaults to 127.0.0.1:8080, SQLite under ./ballast-data and token auth', () => {
    expect(parseServerArgs([])).toEqual({
      listen: '127.0.0.1:8080',
      db: 'sqlite:./ballast-data/ballast.db',
      auth: 'token',
      trustProxy: false,
      logLevel: 'info',
      shutdownTimeoutMs: 10_000,
    });
  });

  it('reads every flag', () => {
    expect(
      parseServerArgs([
        '--listen',
        '[::1]:0',
        '--db',
        'postgres://u:p@db/ballast',
        '--auth',
        'none',
        '--payloads',
        '/srv/payloads',
        '--omaha-suffix',
        's3cr3t',
        '--trust-proxy',
        '--retention',
        '30d',
        '--instance-cache',
        '500000',
        '--log-level',
        'debug',
        '--shutdown-timeout',
        '2.5',
      ]),
    ).toEqual({
      listen: '[::1]:0',
      db: 'postgres://u:p@db/ballast',
      auth: 'none',
      payloads: '/srv/payloads',
      omahaSuffix: 's3cr3t',
      trustProxy: true,
      retentionMs: 30 * 86_400_000,
      instanceCacheRows: 500_000,
      logLevel: 'debug',
      shutdownTimeoutMs: 2500,
    });
    expect(parseServerArgs(['--help'])).toBeUndefined();
  });

  it.each([
    [['--listen', '8080']],
    [['--listen', 'host:99999999']],
    [['--auth', 'basic']],
    [['--log-level', 'loud']],
    [['--retention', 'forever']],
    [['--instance-cache', 'lots']],
    [['--instance-cache', '-5']],
    [['--omaha-suffix', 'a/b']],
    [['--shutdown-timeout', '-1']],
    [['--unknown']],
    [['extra']],
  ])('refuses %j as a usage error', (args) => {
    expect(() => parseServerArgs(args)).toThrow(UsageError);
  });
});
