/** Stable codes for everything that can be wrong with a disk, its table or a request; tests match on these. */
export type DiskErrorCode =
  // Where the table lives.
  | 'IMAGE_NOT_FOUND'
  | 'IMAGE_EXISTS'
  | 'IO_ERROR'
  | 'DISK_TOO_SMALL'
  | 'UNSUPPORTED_SECTOR_SIZE'
  // One copy of the table.
  | 'NO_PROTECTIVE_MBR'
  | 'BAD_SIGNATURE'
  | 'BAD_REVISION'
  | 'BAD_HEADER_SIZE'
  | 'HEADER_CRC_MISMATCH'
  | 'BAD_RESERVED'
  | 'BAD_HEADER_LBA'
  | 'BAD_ENTRY_SIZE'
  | 'BAD_ENTRY_COUNT'
  | 'ENTRIES_OUT_OF_RANGE'
  | 'BAD_USABLE_RANGE'
  | 'ENTRIES_CRC_MISMATCH'
  | 'PARTITION_OUT_OF_RANGE'
  | 'PARTITION_OVERLAP'
  | 'DUPLICATE_GUID'
  | 'BAD_LABEL'
  | 'BAD_GUID'
  | 'LBA_TOO_LARGE'
  // Both copies together.
  | 'NOT_GPT'
  | 'NO_VALID_GPT'
  | 'PRIMARY_INVALID'
  | 'BACKUP_INVALID'
  | 'BACKUP_OUT_OF_SYNC'
  | 'BACKUP_NOT_AT_END'
  // Requests against the slot rules.
  | 'PARTITION_NOT_FOUND'
  | 'NOT_A_USR_SLOT'
  | 'VALUE_OUT_OF_RANGE'
  | 'NO_BOOTABLE_SLOT';

/** One finding about a disk: which copy of the table it concerns (`where`) and what is wrong with it. */
export interface DiskReport {
  readonly severity: 'error' | 'warning';
  readonly code: DiskErrorCode;
  /** Capitalised, no trailing period; names the LBA or partition it is about. */
  readonly message: string;
  /** `mbr`, `primary`, `backup`, `partition 3`, ... */
  readonly where: string;
}

/** An error raised at the I/O edge of the disk package; `code` is stable, `message` says where and why. */
export class DiskError extends Error {
  override readonly name = 'DiskError';
  constructor(
    readonly code: DiskErrorCode,
    message: string,
    /** The findings that led to the error, e.g. why each copy of the table was rejected. */
    readonly reports: readonly DiskReport[] = [],
  ) {
    super(message);
  }
}

/** Builds an error-severity report. */
export function error(code: DiskErrorCode, where: string, message: string): DiskReport {
  return { severity: 'error', code, where, message };
}

/** Builds a warning-severity report. */
export function warning(code: DiskErrorCode, where: string, message: string): DiskReport {
  return { severity: 'warning', code, where, message };
}
