import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openSqliteStore } from './sqlite.js';
import { storeContract } from './store.contract.js';

const dir = mkdtempSync(join(tmpdir(), 'ballast-store-'));
let files = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeContract('sqlite', {
  // A file rather than :memory:, so the database can be opened again as a second process would.
  open: async (clock) => {
    files += 1;
    const path = join(dir, `store-${files}.db`);
    return { store: await openSqliteStore(path, { clock }), openAnother: (c) => openSqliteStore(path, { clock: c }) };
  },
  concurrentStores: false,
});
