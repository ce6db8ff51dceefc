import type { MachineGroup } from '../store/index.js';
import { IDENTITY_LABELS } from './machine-labels.js';

/** The group a machine gets, and the other groups that matched it just as specifically. */
export interface GroupMatch {
  readonly group: MachineGroup;
  /** Ids of other groups as specific as the chosen one (they lost on their id); a sign of overlapping selectors. */
  readonly ties: readonly string[];
}

function specificity(group: MachineGroup): [number, number] {
  const keys = Object.keys(group.selector);
  return [keys.length, keys.filter((key) => IDENTITY_LABELS.includes(key)).length];
}

/** Whether every label of the group's selector is the machine's. */
export function selectorMatches(selector: Readonly<Record<string, string>>, labels: Readonly<Record<string, string>>) {
  return Object.entries(selector).every(([key, value]) => Object.hasOwn(labels, key) && labels[key] === value);
}

/**
 * Picks the group for a machine as matchbox does: among the groups whose every selector label the machine has, the
 * one with the most selector labels wins, and a group with no selector is the default. Where matchbox breaks ties by
 * comparing selector text backwards (so `{region: eu}` could beat `{mac: ...}`), a group that names the machine by
 * MAC, UUID, serial or hostname wins over one that names a place, and then the lowest id, reported as a tie.
 */
export function selectMachineGroup(
  groups: readonly MachineGroup[],
  labels: Readonly<Record<string, string>>,
): GroupMatch | undefined {
  const matching = groups.filter((group) => selectorMatches(group.selector, labels));
  if (matching.length === 0) return undefined;
  const ranked = matching
    .map((group) => ({ group, rank: specificity(group) }))
    .sort(
      (a, b) =>
        b.rank[0] - a.rank[0] ||
        b.rank[1] - a.rank[1] ||
        (a.group.id < b.group.id ? -1 : a.group.id > b.group.id ? 1 : 0),
    );
  const best = ranked[0]!;
  const ties = ranked
    .slice(1)
    .filter((entry) => entry.rank[0] === best.rank[0] && entry.rank[1] === best.rank[1])
    .map((entry) => entry.group.id);
  return { group: best.group, ties };
}
