import { describe, expect, it } from 'vitest';
import { Router } from './router.js';

const noop = () => {};

function routes() {
  return new Router()
    .add('GET', '/api/apps', 'read', noop)
    .add('POST', '/api/apps', 'write', noop)
    .add('GET', '/api/apps/:appId', 'read', noop)
    .add('GET', '/api/apps/:appId/groups/:groupId', 'read', noop)
    .add('GET', '/api/apps/:appId/groups/:groupId/instances', 'read', noop)
    .add('GET', '/api/apps/special', 'read', noop)
    .add('GET', '/flatcar/*path', 'public', noop)
    .add('POST', '/v1/update/', 'public', noop);
}

describe('Router', () => {
  it('matches static segments before parameters and decodes parameters once', () => {
    const router = routes();
    const special = router.match('GET', '/api/apps/special');
    expect(special && 'route' in special && special.route.pattern).toBe('/api/apps/special');
    const braced = router.match('GET', '/api/apps/%7BE96281A6%7D/groups/g%2F1');
    expect(braced).toMatchObject({ params: { appId: '{E96281A6}', groupId: 'g/1' } });
  });

  it('keeps an encoded slash inside one segment and a wildcard takes the rest raw', () => {
    const router = routes();
    expect(router.match('GET', '/api/apps/a%2Fb/groups/c')).toMatchObject({ params: { appId: 'a/b', groupId: 'c' } });
    expect(router.match('GET', '/flatcar/1.0/%2e%2e/x')).toMatchObject({ params: { path: '1.0/%2e%2e/x' } });
  });

  it('answers the allowed methods for a known path, HEAD with GET', () => {
    const router = routes();
    expect(router.match('DELETE', '/api/apps')).toEqual({ allowed: ['GET', 'POST', 'HEAD'] });
    expect(router.match('HEAD', '/api/apps')).toMatchObject({ route: { method: 'GET' } });
  });

  it('finds nothing for unknown paths, empty parameters and a trailing slash it does not know', () => {
    const router = routes();
    expect(router.match('GET', '/api/nothing')).toBeUndefined();
    expect(router.match('GET', '/api/apps//groups/x')).toBeUndefined();
    expect(router.match('GET', '/flatcar/')).toBeUndefined();
    expect(router.match('POST', '/v1/update')).toBeUndefined();
    expect(router.match('GET', '/api/apps/x/groups/y/')).toBeUndefined();
  });

  it('keeps a malformed escape as sent', () => {
    expect(routes().match('GET', '/api/apps/%E0%A4%A')).toMatchObject({ params: { appId: '%E0%A4%A' } });
  });

  it('finds a static path as the trie does, whichever was registered first', () => {
    const router = new Router()
      .add('GET', '/api/apps/special', 'read', noop)
      .add('POST', '/api/apps/:appId', 'write', noop)
      .add('GET', '/api/apps/:appId', 'read', noop);
    // The static path answers for its own methods only, as its trie node does.
    expect(router.match('POST', '/api/apps/special')).toEqual({ allowed: ['GET', 'HEAD'] });
    expect(router.match('GET', '/api/apps/special')).toMatchObject({ route: { pattern: '/api/apps/special' } });
    router.add('DELETE', '/api/apps/special', 'write', noop);
    expect(router.match('DELETE', '/api/apps/special')).toMatchObject({ route: { method: 'DELETE' }, params: {} });
    expect(router.match('HEAD', '/v1/update/')).toBeUndefined();
  });

  it('refuses a route registered twice', () => {
    expect(() => routes().add('GET', '/api/apps', 'read', noop)).toThrow(/twice/);
  });
});
