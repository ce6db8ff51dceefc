// Names and short texts for the numbers the API writes (statuses, architectures, activity classes), and the few
// formats every view shares. Every state is said in words, so nothing depends on telling colours apart.
import type { ActivityJson, GroupJson, InstanceJson } from './api-types.js';

/** Instance statuses as Nebraska numbers them, with the names its UI shows. */
export const INSTANCE_STATUSES: readonly { readonly code: number; readonly name: string }[] = [
  { code: 1, name: 'Undefined' },
  { code: 2, name: 'Update granted' },
  { code: 3, name: 'Error' },
  { code: 4, name: 'Complete' },
  { code: 5, name: 'Installed' },
  { code: 6, name: 'Downloaded' },
  { code: 7, name: 'Downloading' },
  { code: 8, name: 'On hold' },
];

/** The name of an instance status code; null (none recorded yet) reads as Undefined, as in Nebraska. */
export function statusName(code: number | null): string {
  if (code === null) return 'Undefined';
  return INSTANCE_STATUSES.find((status) => status.code === code)?.name ?? `Status ${code}`;
}

const ARCHES: Readonly<Record<number, string>> = { 0: 'all', 1: 'amd64', 2: 'arm64', 3: 'x86' };

/** The name of a package or channel architecture code. */
export function archName(code: number): string {
  return ARCHES[code] ?? `arch ${code}`;
}

const SEVERITIES: Readonly<Record<number, string>> = { 1: 'Success', 2: 'Info', 3: 'Warning', 4: 'Error' };

/** The name of an activity severity. */
export function severityName(code: number): string {
  return SEVERITIES[code] ?? `Severity ${code}`;
}

/** One sentence for an activity entry. */
export function activityText(entry: ActivityJson): string {
  const group = entry.group_name ?? 'a group';
  const version = entry.version;
  switch (entry.class) {
    case 1:
      return `No package found for group ${group}`;
    case 2:
      return `Rollout of ${version} started in group ${group}`;
    case 3:
      return `Rollout of ${version} finished in group ${group}`;
    case 4:
      return `Rollout of ${version} failed in group ${group}`;
    case 5:
      return `Instance ${entry.instance_id ?? ''} failed to update to ${version} in group ${group}`.replace('  ', ' ');
    case 6:
      return `Channel ${entry.channel_name ?? ''} now points at ${version}`.replace('  ', ' ');
    case 100:
      return `Group ${group} paused (${version})`;
    case 101:
      return `Group ${group} resumed (${version})`;
    case 102:
      return `Group ${group} waits for its canary group to complete ${version}`;
    default:
      return `Activity ${entry.class} in ${entry.application_name}${entry.group_name ? ` / ${group}` : ''}`;
  }
}

/** What an instance is called: its alias, or its machine id when it has none. */
export function instanceName(instance: InstanceJson): string {
  return instance.alias || instance.id;
}

/** Whether a group is paused, and why, in words. */
export function pauseState(group: GroupJson): { readonly paused: boolean; readonly text: string } {
  if (group.policy_updates_enabled) return { paused: false, text: 'Updates enabled' };
  return { paused: true, text: group.paused_reason ? `Paused: ${group.paused_reason}` : 'Paused: updates disabled' };
}

/** The group's rollout policy in a few words, e.g. "5 per 15 minutes, safe mode, office hours (Europe/Berlin)". */
export function policySummary(group: GroupJson): string {
  const parts: string[] = [];
  const max = group.policy_max_updates_per_period;
  parts.push(max >= 900_000 ? 'no rate limit' : `${max} per ${group.policy_period_interval}`);
  parts.push(`timeout ${group.policy_update_timeout}`);
  if (group.policy_safe_mode) parts.push('safe mode');
  if (group.policy_office_hours) parts.push(`office hours (${group.policy_timezone ?? 'no time zone'})`);
  if (group.maintenance_windows && group.maintenance_windows.length > 0) {
    parts.push(`windows ${group.maintenance_windows.join(', ')}`);
  }
  if (group.failure_halt_threshold != null) parts.push(`halt at ${percent(group.failure_halt_threshold)} failed`);
  if (group.canary_group_id) parts.push(`canary gate ${percent(group.canary_success_share ?? 0)}`);
  return parts.join(', ');
}

/** A share between 0 and 1 as a whole percentage ("50%"), one decimal below 10%. */
export function percent(share: number): string {
  const value = share * 100;
  if (value > 0 && value < 10 && !Number.isInteger(value)) return `${value.toFixed(1)}%`;
  return `${Math.round(value)}%`;
}

/** How long ago a time was, in the largest whole unit ("3 min ago", "2 d ago"); "just now" under a minute. */
export function ago(time: string | Date, now: Date): string {
  const then = typeof time === 'string' ? new Date(time) : time;
  const seconds = Math.round((now.getTime() - then.getTime()) / 1000);
  if (Number.isNaN(seconds)) return '';
  if (seconds < 60) return seconds < -60 ? 'in the future' : 'just now';
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} d ago`;
}

/** A time as `YYYY-MM-DD HH:MM` UTC: the same on every operator's screen. */
export function utcTime(time: string | Date): string {
  const date = typeof time === 'string' ? new Date(time) : time;
  if (Number.isNaN(date.getTime())) return String(time);
  return `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A byte count as B, KiB, MiB or GiB. */
export function bytes(size: string | number | null): string {
  if (size === null || size === '') return '';
  let value = Number(size);
  if (!Number.isFinite(value)) return String(size);
  for (const unit of ['B', 'KiB', 'MiB', 'GiB']) {
    if (value < 1024 || unit === 'GiB') return unit === 'B' ? `${value} B` : `${value.toFixed(1)} ${unit}`;
    value /= 1024;
  }
  return String(size);
}
