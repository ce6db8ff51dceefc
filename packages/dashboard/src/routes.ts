// The dashboard's places as URL fragments (`#/apps/APP/groups/GROUP?status=3`), so every view and every filter of
// the instance list can be bookmarked and shared, and the server only ever serves `/` and `/assets/`.
import { DURATIONS, type Duration } from './api-types.js';

/** How the instance list is searched. */
export type SearchFilter = 'All' | 'alias' | 'id' | 'ip';
/** What the instance list is sorted by. */
export type SortBy = 'alias' | 'ip' | 'lastCheck';

/** The instance list's filters, sort and page. */
export interface InstanceFilters {
  /** An instance status code, or 0 for any. */
  readonly status: number;
  /** A version, or '' for any. */
  readonly version: string;
  readonly searchFilter: SearchFilter;
  readonly searchValue: string;
  readonly sortBy: SortBy;
  readonly sortOrder: 'asc' | 'desc';
  readonly page: number;
  readonly perPage: number;
  /** Instances seen within this time; also the span of the timelines. */
  readonly duration: Duration;
}

/** The filters of a list nobody has narrowed yet (Nebraska's defaults: one day, sorted by alias). */
export const DEFAULT_FILTERS: InstanceFilters = {
  status: 0,
  version: '',
  searchFilter: 'All',
  searchValue: '',
  sortBy: 'alias',
  sortOrder: 'asc',
  page: 1,
  perPage: 10,
  duration: '1d',
};

/** Page sizes offered. */
export const PAGE_SIZES: readonly number[] = [10, 25, 50, 100];

/** A place in the dashboard. */
export type Route =
  | { readonly view: 'overview' }
  | { readonly view: 'group'; readonly appId: string; readonly groupId: string; readonly filters: InstanceFilters }
  | { readonly view: 'instance'; readonly appId: string; readonly groupId: string; readonly instanceId: string }
  | { readonly view: 'packages'; readonly appId: string }
  | { readonly view: 'activity'; readonly page: number }
  | { readonly view: 'not-found'; readonly hash: string };

const SEARCH_FILTERS: readonly SearchFilter[] = ['All', 'alias', 'id', 'ip'];
const SORTS: readonly SortBy[] = ['alias', 'ip', 'lastCheck'];

function wholeNumber(text: string | null, fallback: number, range: { min: number; max: number }): number {
  if (text === null || !/^\d+$/.test(text)) return fallback;
  const value = Number(text);
  return value < range.min || value > range.max ? fallback : value;
}

/** Reads the filters from a fragment's query; anything unknown or out of range falls back to the default. */
export function filtersFromParams(params: URLSearchParams): InstanceFilters {
  const d = DEFAULT_FILTERS;
  const searchFilter = params.get('search_in') as SearchFilter | null;
  const sortBy = params.get('sort') as SortBy | null;
  const duration = params.get('duration') as Duration | null;
  return {
    status: wholeNumber(params.get('status'), d.status, { min: 0, max: 8 }),
    version: params.get('version') ?? d.version,
    searchFilter: searchFilter && SEARCH_FILTERS.includes(searchFilter) ? searchFilter : d.searchFilter,
    searchValue: params.get('search') ?? d.searchValue,
    sortBy: sortBy && SORTS.includes(sortBy) ? sortBy : d.sortBy,
    sortOrder: params.get('order') === 'desc' ? 'desc' : d.sortOrder,
    page: wholeNumber(params.get('page'), d.page, { min: 1, max: Number.MAX_SAFE_INTEGER }),
    perPage: wholeNumber(params.get('perpage'), d.perPage, { min: 1, max: 1000 }),
    duration: duration && DURATIONS.includes(duration) ? duration : d.duration,
  };
}

/** The fragment query of filters: only what differs from the defaults, in a fixed order. */
export function filtersToParams(filters: InstanceFilters): URLSearchParams {
  const params = new URLSearchParams();
  const d = DEFAULT_FILTERS;
  if (filters.status !== d.status) params.set('status', String(filters.status));
  if (filters.version !== d.version) params.set('version', filters.version);
  if (filters.searchValue !== d.searchValue) {
    params.set('search', filters.searchValue);
    if (filters.searchFilter !== d.searchFilter) params.set('search_in', filters.searchFilter);
  }
  if (filters.sortBy !== d.sortBy) params.set('sort', filters.sortBy);
  if (filters.sortOrder !== d.sortOrder) params.set('order', filters.sortOrder);
  if (filters.duration !== d.duration) params.set('duration', filters.duration);
  if (filters.perPage !== d.perPage) params.set('perpage', String(filters.perPage));
  if (filters.page !== d.page) params.set('page', String(filters.page));
  return params;
}

const SORT_FILTER: Readonly<Record<SortBy, string>> = { alias: '0', ip: '1', lastCheck: '2' };

/** The filters as Nebraska's instance list query (`status`, `sortFilter`, `sortOrder` 0 ascending, ...). */
export function instanceQueryParams(filters: InstanceFilters): Record<string, string | number | undefined> {
  return {
    status: filters.status === 0 ? undefined : filters.status,
    version: filters.version || undefined,
    searchFilter: filters.searchValue ? filters.searchFilter : undefined,
    searchValue: filters.searchValue || undefined,
    sortFilter: SORT_FILTER[filters.sortBy],
    sortOrder: filters.sortOrder === 'asc' ? '0' : '1',
    page: filters.page,
    perpage: filters.perPage,
    duration: filters.duration,
  };
}

function segment(text: string): string {
  return encodeURIComponent(text);
}

/** Reads a location fragment (`#/...`) into a route. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#/, '');
  const q = text.indexOf('?');
  const path = q < 0 ? text : text.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : text.slice(q + 1));
  let parts: string[];
  try {
    parts = path
      .split('/')
      .filter((part) => part !== '')
      .map(decodeURIComponent);
  } catch {
    return { view: 'not-found', hash };
  }
  const [first, appId, kind, groupId, sub, instanceId] = parts;
  if (parts.length === 0) return { view: 'overview' };
  if (first === 'activity' && parts.length === 1) {
    return { view: 'activity', page: wholeNumber(params.get('page'), 1, { min: 1, max: Number.MAX_SAFE_INTEGER }) };
  }
  if (first === 'apps' && appId !== undefined) {
    if (kind === 'packages' && parts.length === 3) return { view: 'packages', appId };
    if (kind === 'groups' && groupId !== undefined) {
      if (parts.length === 4) return { view: 'group', appId, groupId, filters: filtersFromParams(params) };
      if (sub === 'instances' && instanceId !== undefined && parts.length === 6) {
        return { view: 'instance', appId, groupId, instanceId };
      }
    }
  }
  return { view: 'not-found', hash };
}

/** The fragment of a route, `#/...`. */
export function routeHash(route: Route): string {
  switch (route.view) {
    case 'overview':
      return '#/';
    case 'activity':
      return route.page === 1 ? '#/activity' : `#/activity?page=${route.page}`;
    case 'packages':
      return `#/apps/${segment(route.appId)}/packages`;
    case 'group': {
      const query = filtersToParams(route.filters).toString();
      return `#/apps/${segment(route.appId)}/groups/${segment(route.groupId)}${query ? `?${query}` : ''}`;
    }
    case 'instance':
      return `#/apps/${segment(route.appId)}/groups/${segment(route.groupId)}/instances/${segment(route.instanceId)}`;
    case 'not-found':
      return route.hash;
  }
}
