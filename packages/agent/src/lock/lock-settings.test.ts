import { describe, expect, it } from 'vitest';
import { DEFAULT_ETCD_ENDPOINTS, lockOptionsFrom, lockSettingsFrom, splitEndpoints } from './lock-settings.js';

describe('lock settings as locksmith reads them', () => {
  it('defaults to locksmith’s endpoints and the default group', () => {
    expect(lockSettingsFrom({})).toEqual({
      endpoints: ['http://127.0.0.1:2379', 'http://127.0.0.1:4001'],
      group: '',
      caFile: undefined,
      certFile: undefined,
      keyFile: undefined,
      username: undefined,
      password: undefined,
    });
    expect(DEFAULT_ETCD_ENDPOINTS).toEqual(['http://127.0.0.1:2379', 'http://127.0.0.1:4001']);
  });

  it('reads locksmithd’s variables, and locksmithctl’s with its own prefix', () => {
    const variables = {
      LOCKSMITHD_ENDPOINT: 'https://10.0.0.1:2379, https://10.0.0.2:2379',
      LOCKSMITHD_GROUP: 'lb',
      LOCKSMITHD_ETCD_CAFILE: '/etc/ssl/etcd/ca.pem',
      LOCKSMITHD_ETCD_CERTFILE: '/etc/ssl/etcd/cert.pem',
      LOCKSMITHD_ETCD_KEYFILE: '/etc/ssl/etcd/key.pem',
      LOCKSMITHD_ETCD_USERNAME: 'root',
      LOCKSMITHD_ETCD_PASSWORD: 'pw',
      LOCKSMITHCTL_GROUP: 'db',
      LOCKSMITHCTL_ENDPOINT: '',
    };
    expect(lockSettingsFrom(variables)).toEqual({
      endpoints: ['https://10.0.0.1:2379', 'https://10.0.0.2:2379'],
      group: 'lb',
      caFile: '/etc/ssl/etcd/ca.pem',
      certFile: '/etc/ssl/etcd/cert.pem',
      keyFile: '/etc/ssl/etcd/key.pem',
      username: 'root',
      password: 'pw',
    });
    // An empty variable is unset, as locksmith's flagsFromEnv treats it.
    expect(lockSettingsFrom(variables, 'LOCKSMITHCTL')).toMatchObject({
      endpoints: DEFAULT_ETCD_ENDPOINTS,
      group: 'db',
    });
  });

  it('splits endpoints on commas and trims them', () => {
    expect(splitEndpoints('http://a:2379,http://b:2379 , http://c:2379')).toEqual([
      'http://a:2379',
      'http://b:2379',
      'http://c:2379',
    ]);
  });

  it('passes endpoints, group and user on without TLS when no file is named', async () => {
    expect(await lockOptionsFrom({ endpoints: ['http://a:2379'], group: 'g', username: 'u', password: 'p' })).toEqual({
      endpoints: ['http://a:2379'],
      group: 'g',
      username: 'u',
      password: 'p',
    });
  });
});
