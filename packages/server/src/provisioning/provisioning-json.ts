import type { MachineGroup, MachineProfile } from '../store/index.js';
import type { MachineConfigReport } from './render-machine-config.js';

/** A machine profile as the REST API writes it (snake_case, as the rest of the API). */
export function machineProfileJson(profile: MachineProfile) {
  return {
    id: profile.id,
    name: profile.name,
    config_format: profile.configFormat,
    config: profile.config,
    boot: profile.boot && {
      kernel: profile.boot.kernel,
      initrd: [...profile.boot.initrd],
      args: [...profile.boot.args],
    },
    created_ts: profile.createdAt.toISOString(),
    updated_ts: profile.updatedAt.toISOString(),
  };
}

/** A machine group as the REST API writes it; `profile` is the profile's id, as in matchbox's groups. */
export function machineGroupJson(group: MachineGroup) {
  return {
    id: group.id,
    name: group.name,
    profile: group.profileId,
    selector: group.selector,
    metadata: group.metadata,
    created_ts: group.createdAt.toISOString(),
    updated_ts: group.updatedAt.toISOString(),
  };
}

/** A config report as the API writes it. */
export function configReportJson(report: MachineConfigReport) {
  return {
    severity: report.severity,
    code: report.code,
    message: report.message,
    path: report.path,
    ...(report.line !== undefined && { line: report.line }),
    ...(report.column !== undefined && { column: report.column }),
    ...(report.templateLine !== undefined && { template_line: report.templateLine }),
    ...(report.templateColumn !== undefined && { template_column: report.templateColumn }),
  };
}
