import { describe, expect, it } from 'vitest';
import type { MachineGroup } from '../store/index.js';
import { selectMachineGroup, selectorMatches } from './select-machine-group.js';

function group(id: string, selector: Record<string, string>): MachineGroup {
  const at = new Date(0);
  return { id, name: id, profileId: 'p', selector, metadata: {}, createdAt: at, updatedAt: at };
}

describe('selectorMatches', () => {
  it("needs every selector label and allows more labels (matchbox's TestGroupMatches)", () => {
    expect(selectorMatches({ a: 'b' }, { a: 'b' })).toBe(true);
    expect(selectorMatches({ a: 'c' }, { a: 'b' })).toBe(false);
    expect(selectorMatches({ uuid: 'a' }, { uuid: 'a', mac: 'b' })).toBe(true);
    expect(selectorMatches({ uuid: 'a', mac: 'b' }, { uuid: 'a' })).toBe(false);
    expect(selectorMatches({}, {})).toBe(true);
    expect(selectorMatches({ toString: 'x' }, {})).toBe(false);
  });
});

describe('selectMachineGroup', () => {
  const node1 = group('node1', { mac: '52:54:00:89:d8:10' });
  const euRack = group('eu-rack3', { region: 'eu', rack: '3' });
  const eu = group('eu', { region: 'eu' });
  const fallback = group('default', {});

  it('picks the group with the most selector labels, and the default group when nothing else matches', () => {
    const groups = [fallback, eu, euRack, node1];
    expect(selectMachineGroup(groups, { region: 'eu', rack: '3', mac: '52:54:00:89:d8:10' })?.group.id).toBe(
      'eu-rack3',
    );
    expect(selectMachineGroup(groups, { region: 'eu', rack: '4' })?.group.id).toBe('eu');
    expect(selectMachineGroup(groups, { region: 'us' })?.group.id).toBe('default');
    expect(selectMachineGroup(groups, {})?.group.id).toBe('default');
    expect(selectMachineGroup([eu, node1], { region: 'us' })).toBeUndefined();
  });

  it('lets a group naming the machine win over one naming its place, where matchbox compares selector text', () => {
    // matchbox sorts equally long selectors by their text and takes the last: "region=eu" beats "mac=...".
    const match = selectMachineGroup([eu, node1], { region: 'eu', mac: '52:54:00:89:d8:10' });
    expect(match).toEqual({ group: node1, ties: [] });
  });

  it('breaks remaining ties by id, whatever the order, and names the groups it tied with', () => {
    const rack = group('b-rack', { rack: '3' });
    const zone = group('a-zone', { zone: 'z' });
    for (const groups of [
      [rack, zone],
      [zone, rack],
    ]) {
      expect(selectMachineGroup(groups, { rack: '3', zone: 'z' })).toEqual({ group: zone, ties: ['b-rack'] });
    }
  });
});
