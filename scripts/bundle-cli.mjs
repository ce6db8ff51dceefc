#!/usr/bin/env node
// Bundles the CLI's short-lived commands (butane, ignition) with what they import from the workspace into one
// CommonJS script, packages/cli/dist/bundle/ballast.cjs, that bin/ballast runs with V8's code cache: a few
// milliseconds of start-up instead of loading a hundred modules. Run by `npm run build` after `tsc -b`.
//
// The other commands (server, agent, disk, provision...) are left out: bin/ballast runs them from the compiled
// modules, so they may use anything ES modules offer. Third-party packages stay outside the bundle too. Any warning
// fails the build: a bundled module that needs `import.meta` (which CommonJS lacks) must not ship broken.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const outdir = `${root}packages/cli/dist/bundle`;
/** Command modules that go into the bundle; keep in step with `BUNDLED_COMMANDS` in bin/ballast. */
const bundledCommands = new Set([
  './commands/butane.js',
  './commands/ignition-validate.js',
  './commands/ignition-merge.js',
]);

const leaveOut = {
  name: 'leave-out',
  setup(b) {
    // The modules of the commands bin/ballast does not run from the bundle.
    b.onResolve({ filter: /^\.\/commands\// }, (args) =>
      args.importer.endsWith('/cli/dist/main.js') && !bundledCommands.has(args.path)
        ? { path: args.path, external: true }
        : undefined,
    );
    // Packages from the registry, as installed next to the workspace.
    b.onResolve({ filter: /^[^./]/ }, (args) =>
      args.path.startsWith('@ballast/') ? undefined : { path: args.path, external: true },
    );
  },
};

// Caches compiled from an older bundle must not outlive it.
rmSync(outdir, { recursive: true, force: true });
const result = await build({
  entryPoints: [`${root}packages/cli/dist/main.js`],
  outfile: `${outdir}/ballast.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  plugins: [leaveOut],
  logLevel: 'warning',
  // Input paths in the metafile are relative to the repository, wherever this runs from.
  absWorkingDir: root,
  metafile: true,
});
// bin/ballast judges the bundle fresh by these packages' build info alone.
const bundledPackages = ['cli', 'config'];
const strays = Object.keys(result.metafile.inputs).filter(
  (input) => !bundledPackages.some((name) => input.startsWith(`packages/${name}/dist/`)),
);
if (strays.length > 0) {
  rmSync(outdir, { recursive: true, force: true });
  console.error(`bundle-cli: the CLI bundle would hold code bin/ballast does not watch: ${strays.join(', ')}`);
  process.exit(1);
}
if (result.warnings.length > 0) {
  rmSync(outdir, { recursive: true, force: true });
  console.error('bundle-cli: the CLI bundle has warnings (see above); it was not written');
  process.exit(1);
}
