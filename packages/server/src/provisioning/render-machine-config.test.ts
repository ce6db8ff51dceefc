import { translateButane } from '@ballast/config';
import { describe, expect, it } from 'vitest';
import type { MachineGroup, MachineProfile } from '../store/index.js';
import { machineVariables, renderMachineConfig } from './render-machine-config.js';

const at = new Date(0);

function profile(config: string, configFormat: 'butane' | 'ignition' = 'butane'): MachineProfile {
  return { id: 'worker', name: 'worker', configFormat, config, boot: null, createdAt: at, updatedAt: at };
}

const group: MachineGroup = {
  id: 'node1',
  name: 'node1',
  profileId: 'worker',
  selector: { mac: '52:54:00:89:d8:10' },
  metadata: { hostname: 'node1', mac: 'overridden by the selector', keys: ['ssh-ed25519 AAAA'] },
  createdAt: at,
  updatedAt: at,
};

describe('machineVariables', () => {
  it("are matchbox's: metadata, then the selector over it, then the request", () => {
    expect(
      machineVariables({
        group,
        labels: { mac: '52:54:00:89:d8:10', os: 'installed' },
        rawQuery: 'mac=52-54&os=installed',
      }),
    ).toEqual({
      hostname: 'node1',
      mac: '52:54:00:89:d8:10',
      keys: ['ssh-ed25519 AAAA'],
      request: { query: { mac: '52:54:00:89:d8:10', os: 'installed' }, raw_query: 'mac=52-54&os=installed' },
    });
  });
});

describe('renderMachineConfig', () => {
  const variables = machineVariables({ group, labels: { mac: '52:54:00:89:d8:10' }, rawQuery: '' });

  it('translates a rendered Butane template into the Ignition config Butane makes', () => {
    const template =
      'variant: flatcar\nversion: 1.0.0\nstorage:\n  files:\n    - path: /etc/hostname\n      contents:\n        inline: {{.hostname}}\npasswd:\n  users:\n    - name: core\n      ssh_authorized_keys: {{.keys}}\n';
    const byHand = template.replace('{{.hostname}}', 'node1').replace('{{.keys}}', '["ssh-ed25519 AAAA"]');
    expect(renderMachineConfig(profile(template), { variables })).toEqual({
      ok: true,
      ignition: translateButane(byHand).json,
      warnings: [],
    });
  });

  it('reports Butane errors with their path and their line and column in the config and in the template', () => {
    const result = renderMachineConfig(
      profile(
        'variant: flatcar\nversion: 1.0.0\n{{if .hostname}}\nstorage:\n  files:\n    - path: {{.hostname}}\n{{end}}\n',
      ),
      { variables },
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.stage).toBe('config');
    expect(result.reports).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'PATH_NOT_ABSOLUTE',
        path: '$.storage.files.0.path',
        line: 6,
        column: 13,
        templateLine: 6,
        templateColumn: 13,
      }),
    ]);
    expect(result.rendered).toContain('- path: "node1"');
  });

  it('reports template errors at their place in the template', () => {
    const result = renderMachineConfig(profile('variant: flatcar\nversion: 1.0.0\n# {{.nope}}\n'), { variables });
    expect(result).toEqual({
      ok: false,
      stage: 'template',
      reports: [
        expect.objectContaining({ code: 'TEMPLATE_MISSING_VARIABLE', path: '$', line: 3, column: 3, templateLine: 3 }),
      ],
    });
  });

  it('serves an Ignition template as written once Ignition would accept it, and reports why not otherwise', () => {
    const ok = renderMachineConfig(
      profile('{"ignition": {"version": "3.4.0"}, "passwd": {"users": [{"name": "{{.hostname}}"}]}}', 'ignition'),
      { variables },
    );
    expect(ok).toEqual({
      ok: true,
      ignition: '{"ignition": {"version": "3.4.0"}, "passwd": {"users": [{"name": "node1"}]}}',
      warnings: [],
    });
    const bad = renderMachineConfig(
      profile('{"ignition": {"version": "3.4.0"},\n "storage": {"files": [{"path": "{{.hostname}}"}]}}', 'ignition'),
      { variables },
    );
    expect(bad.ok).toBe(false);
    if (bad.ok) return;
    expect(bad.reports[0]).toMatchObject({ code: expect.any(String), path: '$.storage.files.0.path', line: 2 });
  });
});
