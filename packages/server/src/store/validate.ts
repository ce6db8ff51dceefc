import { type InvalidField, InvalidInputError } from '../errors.js';
import { parseInterval } from './interval.js';
import { Arch, PackageType } from './model.js';
import type { ChannelInput, GroupInput, PackageInput } from './store.js';
import { isValidVersion } from './version.js';

// Field checks shared by both dialects. Paths are the Nebraska JSON keys, so the HTTP layer's 400 names the field
// the client sent.

const WINDOW = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)\s+([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** Whether `text` is a maintenance window such as `Sat 02:00-06:00` (an end before the start runs past midnight). */
export function isMaintenanceWindow(text: string): boolean {
  const match = WINDOW.exec(text);
  return match !== null && !(match[4] === '24' && match[5] !== '00');
}

/** Whether `zone` is an IANA time zone this Node.js knows. */
export function isTimeZone(zone: string): boolean {
  if (zone === '') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function isShare(value: number): boolean {
  return Number.isFinite(value) && value > 0 && value <= 1;
}

/** Throws InvalidInputError when any field was bad. */
export function throwIfInvalid(fields: readonly InvalidField[]): void {
  if (fields.length > 0) throw new InvalidInputError(fields);
}

function checkName(fields: InvalidField[], path: string, value: string | undefined): void {
  if (value !== undefined && value.trim() === '') fields.push({ path, message: 'Must not be empty' });
}

/** Checks the fields of a group as it will be stored (input merged over the current group). */
export function groupFieldErrors(group: Required<Omit<GroupInput, 'id' | 'track' | 'channelId'>>): InvalidField[] {
  const fields: InvalidField[] = [];
  checkName(fields, 'name', group.name);
  if (parseInterval(group.policyPeriodInterval) === undefined) {
    fields.push({ path: 'policy_period_interval', message: `Not an interval: ${group.policyPeriodInterval}` });
  }
  if (parseInterval(group.policyUpdateTimeout) === undefined) {
    fields.push({ path: 'policy_update_timeout', message: `Not an interval: ${group.policyUpdateTimeout}` });
  }
  if (!Number.isInteger(group.policyMaxUpdatesPerPeriod) || group.policyMaxUpdatesPerPeriod < 1) {
    fields.push({ path: 'policy_max_updates_per_period', message: 'Must be a whole number of at least 1' });
  }
  if (group.policyTimezone !== null && !isTimeZone(group.policyTimezone)) {
    fields.push({ path: 'policy_timezone', message: `Unknown time zone: ${group.policyTimezone}` });
  } else if (group.policyOfficeHours && group.policyTimezone === null) {
    fields.push({ path: 'policy_timezone', message: 'Office hours need a time zone' });
  }
  group.maintenanceWindows.forEach((window, index) => {
    if (!isMaintenanceWindow(window)) {
      fields.push({
        path: `maintenance_windows.${index}`,
        message: `Not a weekly window like "Sat 02:00-06:00": ${window}`,
      });
    }
  });
  if (group.failureHaltThreshold !== null && !isShare(group.failureHaltThreshold)) {
    fields.push({ path: 'failure_halt_threshold', message: 'Must be a share above 0 and at most 1' });
  }
  if (group.canarySuccessShare !== null && !isShare(group.canarySuccessShare)) {
    fields.push({ path: 'canary_success_share', message: 'Must be a share above 0 and at most 1' });
  }
  if (group.canaryGroupId !== null && group.canarySuccessShare === null) {
    fields.push({ path: 'canary_success_share', message: 'A canary group needs a success share' });
  }
  return fields;
}

/** Checks a channel's own fields. */
export function channelFieldErrors(input: Partial<ChannelInput>): InvalidField[] {
  const fields: InvalidField[] = [];
  checkName(fields, 'name', input.name);
  if (input.arch !== undefined && !Object.values(Arch).includes(input.arch)) {
    fields.push({ path: 'arch', message: `Unknown architecture: ${input.arch}` });
  }
  return fields;
}

/** Checks a package's own fields (references are checked against the database by the store). */
export function packageFieldErrors(input: Partial<PackageInput>): InvalidField[] {
  const fields: InvalidField[] = [];
  if (input.version !== undefined && !isValidVersion(input.version)) {
    fields.push({ path: 'version', message: `Not a semantic version: ${input.version}` });
  }
  if (input.type !== undefined && !Object.values(PackageType).includes(input.type)) {
    fields.push({ path: 'type', message: `Unknown package type: ${input.type}` });
  }
  if (input.arch !== undefined && !Object.values(Arch).includes(input.arch)) {
    fields.push({ path: 'arch', message: `Unknown architecture: ${input.arch}` });
  }
  if (input.size !== undefined && input.size !== null && !/^\d+$/.test(input.size)) {
    fields.push({ path: 'size', message: 'Must be a number of bytes' });
  }
  if (input.flatcarAction && input.flatcarAction.sha256.trim() === '') {
    fields.push({ path: 'flatcar_action.sha256', message: 'Must not be empty' });
  }
  input.extraFiles?.forEach((file, index) => {
    if (file.name.trim() === '') fields.push({ path: `extra_files.${index}.name`, message: 'Must not be empty' });
  });
  return fields;
}
