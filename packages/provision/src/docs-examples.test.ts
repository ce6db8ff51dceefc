import { readFileSync } from 'node:fs';
import { lstat, readFile, readlink, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apply } from './apply.js';
import { makeBaseRoot, tempDir } from './reference-ignition.test-helper.js';
import { parseConfigText } from './render-config.js';

// Every `<!-- example: NAME -->` config in docs/provision.md is applied here, so the documentation cannot rot.
const doc = readFileSync(new URL('../../../docs/provision.md', import.meta.url), 'utf8');
const examples = [...doc.matchAll(/<!-- example: ([\w-]+) -->\n```json\n([\s\S]*?)\n```/g)].map((m) => ({
  name: m[1] as string,
  text: m[2] as string,
}));

const checks: Record<string, (root: string) => Promise<void>> = {
  'admin-and-service': async (root) => {
    expect(await readFile(join(root, 'etc/hostname'), 'utf8')).toBe('node-1\n');
    expect(await readFile(join(root, 'etc/systemd/system-preset/20-ignition.preset'), 'utf8')).toBe(
      'enable hello.service\n',
    );
    expect(await readlink(join(root, 'etc/systemd/system/locksmithd.service'))).toBe('/dev/null');
    expect(await readFile(join(root, 'home/core/.ssh/authorized_keys.d/ignition'), 'utf8')).toContain('admin@');
  },
  merge: async (root) => {
    expect((await lstat(join(root, 'opt/base'))).mode & 0o777).toBe(0o755);
    expect(await readlink(join(root, 'opt/current'))).toBe('/opt/base');
  },
};

describe('docs/provision.md examples', () => {
  it('has the examples this test checks', () => {
    expect(examples.map((e) => e.name).sort()).toEqual(Object.keys(checks).sort());
  });
  for (const example of examples) {
    it(`applies ${example.name}`, async () => {
      const root = await tempDir('docs');
      try {
        await makeBaseRoot(root);
        await apply(parseConfigText(example.text), { root, bootId: 'docs' });
        await checks[example.name]?.(root);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  }
});
