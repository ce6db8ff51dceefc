/** Stable codes for everything the agent can refuse or fail at; tests match on these, never on messages. */
export type AgentErrorCode =
  // Configuration and the node's files.
  | 'CONFIG_INVALID'
  | 'RELEASE_UNKNOWN'
  | 'PUBLIC_KEY_INVALID'
  | 'STATE_INVALID'
  | 'AGENT_BUSY'
  // Finding the slots.
  | 'BOOTED_SLOT_UNKNOWN'
  | 'BOOTED_SLOT_NOT_FOUND'
  | 'NO_OTHER_SLOT'
  | 'DISK_NOT_FOUND'
  | 'ROLLBACK_UNAVAILABLE'
  // Payloads: each also has the update_engine code it is reported with (see `PayloadError`).
  | 'PAYLOAD_TOO_LARGE'
  | 'PAYLOAD_TRANSFER_FAILED'
  | 'PAYLOAD_SIZE_MISMATCH'
  | 'PAYLOAD_HASH_MISMATCH'
  | 'PAYLOAD_SIGNATURE_MISSING'
  | 'PAYLOAD_SIGNATURE_INVALID'
  | 'PAYLOAD_WRITE_FAILED'
  | 'PAYLOAD_READBACK_MISMATCH'
  | 'SLOT_UPDATE_FAILED'
  // Rebooting.
  | 'REBOOT_FAILED'
  | 'LOCK_UNAVAILABLE';

/** An error of the agent: a stable `code`, and a message that says where and why. */
export class AgentError extends Error {
  override readonly name = 'AgentError';
  constructor(
    readonly code: AgentErrorCode,
    message: string,
    /** update_engine's ActionExitCode this failure is reported to the update server with, when it is reported. */
    readonly exitCode?: number,
  ) {
    super(message);
  }
}
