import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so a change needs no build before `vitest`.
    alias: {
      '@ballast/config': src('config'),
      '@ballast/omaha': src('omaha'),
      '@ballast/disk': src('disk'),
      '@ballast/server': src('server'),
      '@ballast/provision': src('provision'),
      '@ballast/agent': src('agent'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/setup/property-seed.ts'],
    testTimeout: 30_000,
    pool: 'forks',
  },
});
