// The built agent package, for tests that run it in processes of their own: the fault-injection suite kills those
// with SIGKILL, so they must run the compiled code users run.
import { join } from 'node:path';
import { ensureBuilt } from '../../../test/helpers/ensure-built.js';

const root = new URL('../../../', import.meta.url).pathname;
/** The built package entry the child processes import. */
export const builtAgent = join(root, 'packages/agent/dist/index.js');

/** Builds the project when a source is newer than the last build. */
export const ensureAgentBuilt = ensureBuilt;
