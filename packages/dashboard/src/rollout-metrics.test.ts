import { MetricsRegistry } from '@ballast/server';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText, rolloutStates } from './rollout-metrics.js';

// The text comes from the server's own registry, so the parser is checked against what /metrics really writes.
async function serverText(groups: readonly { id: string; name: string; version: string | null; paused: boolean }[]) {
  const registry = new MetricsRegistry();
  const rollout = registry.gauge('ballast_rollout_instances', 'help', [
    'app_id',
    'group_id',
    'group',
    'track',
    'version',
    'state',
  ]);
  const enabled = registry.gauge('ballast_group_updates_enabled', 'help', ['app_id', 'group_id', 'group', 'track']);
  for (const [index, group] of groups.entries()) {
    const labels = { app_id: 'app', group_id: group.id, group: group.name, track: 'stable' };
    enabled.set(labels, group.paused ? 0 : 1);
    if (group.version === null) continue;
    const states = ['granted', 'in_progress', 'complete', 'failed', 'timed_out'];
    for (const [offset, state] of states.entries()) {
      rollout.set({ ...labels, version: group.version, state }, index * 10 + offset);
    }
  }
  return (await registry.render()).text;
}

describe('rollout metrics', () => {
  it("reads each group's rollout and pause state from the server's gauges", async () => {
    const text = await serverText([
      { id: 'g1', name: 'Stable "prod"\nline\\two', version: '3374.2.0', paused: false },
      { id: 'g2', name: 'Beta', version: '3400.0.0', paused: true },
      { id: 'g3', name: 'Empty', version: null, paused: false },
    ]);
    const states = rolloutStates(text);
    expect(states.get('g1')).toEqual({
      groupId: 'g1',
      version: '3374.2.0',
      granted: 0,
      inProgress: 1,
      complete: 2,
      failed: 3,
      timedOut: 4,
      paused: false,
    });
    expect(states.get('g2')).toMatchObject({ version: '3400.0.0', granted: 10, timedOut: 14, paused: true });
    expect(states.get('g3')).toMatchObject({ version: null, granted: 0, paused: false });
  });

  it('reads back any label value the server escapes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 30 }), fc.string({ maxLength: 20 }), async (name, version) => {
        const registry = new MetricsRegistry();
        registry.gauge('m', 'help', ['group', 'version']).set({ group: name, version }, 7);
        const samples = parsePrometheusText((await registry.render()).text);
        expect(samples).toEqual([{ name: 'm', labels: { group: name, version }, value: 7 }]);
      }),
      { numRuns: 200 },
    );
  });

  it('skips comments, blank and malformed lines, and reads samples without labels', () => {
    const samples = parsePrometheusText('# HELP x y\n\nbroken{a="1" 2\nup 1\nnan_metric NaN\n');
    expect(samples.map((sample) => [sample.name, sample.value])).toEqual([
      ['up', 1],
      ['nan_metric', Number.NaN],
    ]);
  });
});
