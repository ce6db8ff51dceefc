import { EventResult, EventType } from '@ballast/omaha';
import { InstanceStatus } from './model.js';

/**
 * The status an Omaha event moves an instance to, as Nebraska's `triggerEventConsequences` does: a failed result is
 * an error whatever the step; update complete with success-reboot completes the update; download started, download
 * finished and installed with success mark the step. Other events change no status (null).
 */
export function statusForEvent(type: number, result: number): InstanceStatus | null {
  if (result === EventResult.Error) return InstanceStatus.Error;
  if (type === EventType.UpdateComplete && result === EventResult.SuccessReboot) return InstanceStatus.Complete;
  if (result !== EventResult.Success) return null;
  switch (type) {
    case EventType.UpdateDownloadStarted:
      return InstanceStatus.Downloading;
    case EventType.UpdateDownloadFinished:
      return InstanceStatus.Downloaded;
    case EventType.UpdateInstalled:
      return InstanceStatus.Installed;
    default:
      return null;
  }
}
