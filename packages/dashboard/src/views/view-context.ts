import type { ApiClient, Session } from '../api-client.js';
import type { Route } from '../routes.js';

/** What every view gets from the shell. */
export interface ViewContext {
  readonly client: ApiClient;
  readonly session: Session;
  /** Goes to a route (a new history entry). */
  navigate(route: Route): void;
  /** Says something in the shell's live region: `error` as an alert, `info` politely. */
  notify(message: string, kind?: 'info' | 'error'): void;
  /** Reports a failed read as the shell reports any failure: a token the server no longer accepts signs out. */
  fail(error: unknown): void;
  /** Runs a write; reports its failure (403 for a viewer, say) instead of throwing, and says whether it worked. */
  act(label: string, action: () => Promise<unknown>): Promise<boolean>;
  now(): Date;
}

/** A rendered view; `update` takes a new route of the same place without rebuilding (filters of a list). */
export interface View {
  readonly element: HTMLElement;
  /** The view's title, for the document title. */
  readonly title: string;
  update?(route: Route): Promise<boolean>;
}

/** Whether the signed-in role may change things. */
export function canWrite(context: ViewContext): boolean {
  return context.session.role === 'admin';
}
