import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FILTERS,
  filtersFromParams,
  type InstanceFilters,
  instanceQueryParams,
  parseRoute,
  type Route,
  routeHash,
} from './routes.js';

describe('routes', () => {
  it('reads the places of the dashboard from the URL fragment', () => {
    expect(parseRoute('')).toEqual({ view: 'overview' });
    expect(parseRoute('#/')).toEqual({ view: 'overview' });
    expect(parseRoute('#/activity?page=3')).toEqual({ view: 'activity', page: 3 });
    expect(parseRoute('#/apps/%7Be96%7D/packages')).toEqual({ view: 'packages', appId: '{e96}' });
    expect(parseRoute('#/apps/a/groups/g?status=3&version=1.2.3&search=web%201&search_in=alias')).toEqual({
      view: 'group',
      appId: 'a',
      groupId: 'g',
      filters: { ...DEFAULT_FILTERS, status: 3, version: '1.2.3', searchValue: 'web 1', searchFilter: 'alias' },
    });
    expect(parseRoute('#/apps/a/groups/g/instances/m%2F1')).toEqual({
      view: 'instance',
      appId: 'a',
      groupId: 'g',
      instanceId: 'm/1',
    });
    expect(parseRoute('#/nowhere').view).toBe('not-found');
    expect(parseRoute('#/apps/%E0%A4%A/packages').view).toBe('not-found');
  });

  it('falls back to the defaults for filters it cannot read', () => {
    const params = new URLSearchParams('status=9&sort=size&order=up&page=0&perpage=x&duration=2d&search_in=mac');
    expect(filtersFromParams(params)).toEqual(DEFAULT_FILTERS);
  });

  it('writes a route that reads back as the same route', () => {
    const filters: fc.Arbitrary<InstanceFilters> = fc.record({
      status: fc.integer({ min: 0, max: 8 }),
      version: fc.string({ maxLength: 12 }),
      searchFilter: fc.constantFrom('All', 'alias', 'id', 'ip'),
      searchValue: fc.string({ maxLength: 12 }),
      sortBy: fc.constantFrom('alias', 'ip', 'lastCheck'),
      sortOrder: fc.constantFrom('asc', 'desc'),
      page: fc.integer({ min: 1, max: 500 }),
      perPage: fc.integer({ min: 1, max: 1000 }),
      duration: fc.constantFrom('1h', '1d', '7d', '30d'),
    });
    const id = fc.string({ minLength: 1, maxLength: 20 });
    const route: fc.Arbitrary<Route> = fc.oneof(
      fc.constant({ view: 'overview' as const }),
      fc.record({ view: fc.constant('activity' as const), page: fc.integer({ min: 1, max: 99 }) }),
      fc.record({ view: fc.constant('packages' as const), appId: id }),
      fc.record({ view: fc.constant('group' as const), appId: id, groupId: id, filters }),
      fc.record({ view: fc.constant('instance' as const), appId: id, groupId: id, instanceId: id }),
    );
    fc.assert(
      fc.property(route, (original) => {
        const read = parseRoute(routeHash(original));
        // The search field only matters with a search value, so it is not kept without one.
        if (original.view === 'group' && original.filters.searchValue === '') {
          expect(read).toEqual({ ...original, filters: { ...original.filters, searchFilter: 'All' } });
        } else {
          expect(read).toEqual(original);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("asks for instances with Nebraska's query parameters", () => {
    expect(instanceQueryParams(DEFAULT_FILTERS)).toEqual({
      status: undefined,
      version: undefined,
      searchFilter: undefined,
      searchValue: undefined,
      sortFilter: '0',
      sortOrder: '0',
      page: 1,
      perpage: 10,
      duration: '1d',
    });
    expect(
      instanceQueryParams({
        ...DEFAULT_FILTERS,
        status: 3,
        version: '1.0.0',
        searchFilter: 'ip',
        searchValue: '10.0',
        sortBy: 'lastCheck',
        sortOrder: 'desc',
        page: 2,
        perPage: 25,
        duration: '7d',
      }),
    ).toEqual({
      status: 3,
      version: '1.0.0',
      searchFilter: 'ip',
      searchValue: '10.0',
      sortFilter: '2',
      sortOrder: '1',
      page: 2,
      perpage: 25,
      duration: '7d',
    });
  });
});
