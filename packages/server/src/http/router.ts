import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from './logger.js';

/** HTTP methods the router dispatches. */
export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE';

/** Who made the request, once authenticated. */
export interface Principal {
  readonly role: 'admin' | 'viewer';
  /** The token's id, or `anonymous` with `--auth none`. */
  readonly tokenId: string;
}

/** Everything a route handler gets. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** Decoded path parameters, by the names in the route pattern. */
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The route pattern that matched, e.g. `/api/apps/:appId`; metrics label requests with it. */
  readonly route: string;
  readonly log: Logger;
  principal: Principal | undefined;
}

/** A matched request's {@link RequestContext}; its query string is parsed on first use. */
export class MatchedRequest implements RequestContext {
  principal: Principal | undefined = undefined;
  private parsedQuery: URLSearchParams | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly params: Readonly<Record<string, string>>,
    readonly route: string,
    readonly log: Logger,
    /** The request target's part after `?`, empty when there is none. */
    private readonly search: string,
  ) {}

  get query(): URLSearchParams {
    // The Omaha endpoint, most of the traffic, never reads it.
    this.parsedQuery ??= new URLSearchParams(this.search);
    return this.parsedQuery;
  }
}

/** A route handler: writes the response itself, or throws an error for the error handler. */
export type Handler = (context: RequestContext) => Promise<void> | void;

/** What a route allows without authentication, and what role it needs otherwise. */
export type Access = 'public' | 'read' | 'write';

/** One registered route. */
export interface Route {
  readonly method: Method;
  readonly pattern: string;
  readonly access: Access;
  readonly handler: Handler;
}

/** A matched route with its path parameters. */
export interface Match {
  readonly route: Route;
  readonly params: Record<string, string>;
}

interface Node {
  readonly children: Map<string, Node>;
  param?: { readonly name: string; readonly node: Node };
  /** `*rest`: matches the remaining segments (one or more). */
  wildcard?: { readonly name: string; readonly routes: Map<Method, Route> };
  readonly routes: Map<Method, Route>;
}

function newNode(): Node {
  return { children: new Map(), routes: new Map() };
}

function segments(path: string): string[] {
  return path.split('/').slice(1);
}

/**
 * A small segment-trie router: static segments, `:name` parameters and a trailing `*name` wildcard. Static
 * segments win over parameters. Segments are matched raw and decoded once matched, so `%7B...%7D` and `{...}`
 * both reach a handler as `{...}` while an encoded slash never splits a segment.
 */
export class Router {
  private readonly root = newNode();
  private readonly all: Route[] = [];
  /** The routes of each path without parameters, for a lookup without walking the trie (the Omaha endpoint's). */
  private readonly exact = new Map<string, Map<Method, Route>>();

  /** Registers a route; a pattern that is registered twice for one method is a programming error. */
  add(method: Method, pattern: string, access: Access, handler: Handler): this {
    let node = this.root;
    let target: Map<Method, Route> | undefined;
    const parts = segments(pattern);
    for (const [index, part] of parts.entries()) {
      if (part.startsWith('*')) {
        if (index !== parts.length - 1) throw new Error(`Wildcard must come last: ${pattern}`);
        node.wildcard ??= { name: part.slice(1), routes: new Map() };
        target = node.wildcard.routes;
        break;
      }
      if (part.startsWith(':')) {
        node.param ??= { name: part.slice(1), node: newNode() };
        if (node.param.name !== part.slice(1)) throw new Error(`Conflicting parameter names at ${pattern}`);
        node = node.param.node;
      } else {
        let child = node.children.get(part);
        if (!child) {
          child = newNode();
          node.children.set(part, child);
        }
        node = child;
      }
    }
    const wildcard = target !== undefined;
    target ??= node.routes;
    if (target.has(method)) throw new Error(`Route registered twice: ${method} ${pattern}`);
    const route: Route = { method, pattern, access, handler };
    target.set(method, route);
    // The trie's node for a static path: a static segment wins over a parameter, so the trie would end up here too.
    if (!wildcard && !parts.some((part) => part.startsWith(':'))) this.exact.set(pattern, target);
    this.all.push(route);
    return this;
  }

  /** Every registered route, in registration order. */
  routes(): readonly Route[] {
    return this.all;
  }

  /**
   * Finds the route for a method and a raw (still percent-encoded) path. Returns the methods the path allows
   * when it exists for other methods only, and undefined when nothing matches the path.
   */
  match(method: string, rawPath: string): Match | { readonly allowed: readonly Method[] } | undefined {
    const params: Record<string, string> = {};
    const routes = this.exact.get(rawPath) ?? this.find(this.root, segments(rawPath), 0, params);
    if (!routes) return undefined;
    const route = routes.get(method as Method) ?? (method === 'HEAD' ? routes.get('GET') : undefined);
    if (!route) {
      const allowed = [...routes.keys()];
      if (allowed.includes('GET') && !allowed.includes('HEAD')) allowed.push('HEAD');
      return { allowed };
    }
    return { route, params };
  }

  private find(
    node: Node,
    parts: readonly string[],
    index: number,
    params: Record<string, string>,
  ): Map<Method, Route> | undefined {
    if (index === parts.length) return node.routes.size > 0 ? node.routes : undefined;
    const part = parts[index]!;
    const child = node.children.get(part);
    if (child) {
      const found = this.find(child, parts, index + 1, params);
      if (found) return found;
    }
    if (node.param && part !== '') {
      const found = this.find(node.param.node, parts, index + 1, params);
      if (found) {
        params[node.param.name] = decodeSegment(part);
        return found;
      }
    }
    if (node.wildcard && part !== '') {
      params[node.wildcard.name] = parts.slice(index).join('/');
      return node.wildcard.routes;
    }
    return undefined;
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    // A malformed escape is kept as sent; the handler then finds nothing under that name.
    return segment;
  }
}
