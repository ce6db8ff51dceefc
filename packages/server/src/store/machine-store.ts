import { createHash } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { ConflictError, invalidField, NotFoundError } from '../errors.js';
import { toDate } from './rows.js';
import type { Database, MachineGroupTable, MachineProfileTable } from './schema.js';
import { isForeignKeyViolation, uniquely } from './sql-errors.js';
import type {
  MachineGroup,
  MachineGroupInput,
  MachineProfile,
  MachineProfileInput,
  NetBoot,
  Saved,
  SaveMode,
} from './store.js';
import { throwIfInvalid } from './validate.js';

/**
 * Machine profiles and groups (provisioning, as matchbox has them) in the store's database: the part of the store
 * that `/ignition` and `/ipxe` read and `ballast provision profile|group` writes.
 */
export class MachineStore {
  constructor(
    private readonly db: Kysely<Database>,
    private readonly now: () => Date,
  ) {}

  async listProfiles(): Promise<MachineProfile[]> {
    const rows = await this.db.selectFrom('machine_profile').selectAll().orderBy('id').execute();
    return rows.map(toMachineProfile);
  }

  async getProfile(profileId: string): Promise<MachineProfile> {
    const row = await this.db.selectFrom('machine_profile').selectAll().where('id', '=', profileId).executeTakeFirst();
    if (!row) throw new NotFoundError('Machine profile', profileId);
    return toMachineProfile(row);
  }

  async saveProfile(input: MachineProfileInput, mode: SaveMode): Promise<Saved<MachineProfile>> {
    throwIfInvalid(machineIdErrors(input.id));
    const format = input.configFormat ?? 'butane';
    if (format !== 'butane' && format !== 'ignition') throw invalidField('config_format', 'Must be butane or ignition');
    return this.db.transaction().execute(async (trx) => {
      const now = this.now();
      const existing = await trx
        .selectFrom('machine_profile')
        .select('id')
        .where('id', '=', input.id)
        .executeTakeFirst();
      if (existing && mode === 'create') {
        throw new ConflictError(`Machine profile ${input.id} exists already`, 'DUPLICATE_ID');
      }
      const values = {
        name: input.name ?? input.id,
        config_format: format,
        config: input.config,
        boot: input.boot ? JSON.stringify(input.boot) : null,
        updated_ts: now,
      };
      if (existing) {
        await trx.updateTable('machine_profile').set(values).where('id', '=', input.id).execute();
      } else {
        await uniquely(
          () =>
            trx
              .insertInto('machine_profile')
              .values({ id: input.id, ...values, created_ts: now })
              .execute(),
          `Machine profile ${input.id} exists already`,
          'DUPLICATE_ID',
        );
      }
      const row = await trx
        .selectFrom('machine_profile')
        .selectAll()
        .where('id', '=', input.id)
        .executeTakeFirstOrThrow();
      return { value: toMachineProfile(row), created: !existing };
    });
  }

  async deleteProfile(profileId: string): Promise<void> {
    const users = await this.db
      .selectFrom('machine_group')
      .select('id')
      .where('profile_id', '=', profileId)
      .orderBy('id')
      .execute();
    const inUse = () =>
      new ConflictError(
        `Machine profile ${profileId} is used by group${users.length === 1 ? '' : 's'} ${users.map((u) => u.id).join(', ') || '(another)'}`,
        'PROFILE_IN_USE',
      );
    if (users.length > 0) throw inUse();
    let result: { numDeletedRows: bigint };
    try {
      result = await this.db.deleteFrom('machine_profile').where('id', '=', profileId).executeTakeFirst();
    } catch (error) {
      // A group created between the check and the delete.
      if (isForeignKeyViolation(error)) throw inUse();
      throw error;
    }
    if (result.numDeletedRows === 0n) throw new NotFoundError('Machine profile', profileId);
  }

  async listGroups(): Promise<MachineGroup[]> {
    const rows = await this.db.selectFrom('machine_group').selectAll().orderBy('id').execute();
    return rows.map(toMachineGroup);
  }

  async getGroup(groupId: string): Promise<MachineGroup> {
    const row = await this.db.selectFrom('machine_group').selectAll().where('id', '=', groupId).executeTakeFirst();
    if (!row) throw new NotFoundError('Machine group', groupId);
    return toMachineGroup(row);
  }

  async saveGroup(input: MachineGroupInput, mode: SaveMode): Promise<Saved<MachineGroup>> {
    throwIfInvalid(machineIdErrors(input.id));
    const selector = input.selector ?? {};
    const key = selectorKey(selector);
    return this.db.transaction().execute(async (trx) => {
      const now = this.now();
      const profile = await trx
        .selectFrom('machine_profile')
        .select('id')
        .where('id', '=', input.profileId)
        .executeTakeFirst();
      if (!profile) throw invalidField('profile', `No machine profile ${input.profileId}`);
      const existing = await trx.selectFrom('machine_group').select('id').where('id', '=', input.id).executeTakeFirst();
      if (existing && mode === 'create') {
        throw new ConflictError(`Machine group ${input.id} exists already`, 'DUPLICATE_ID');
      }
      const twin = await trx
        .selectFrom('machine_group')
        .select('id')
        .where('selector_key', '=', key)
        .where('id', '!=', input.id)
        .executeTakeFirst();
      if (twin) {
        throw new ConflictError(
          `Machine group ${twin.id} has the same selector${Object.keys(selector).length === 0 ? ' (none: the default group)' : ''}; a machine could not tell them apart`,
          'DUPLICATE_SELECTOR',
        );
      }
      const values = {
        name: input.name ?? input.id,
        profile_id: input.profileId,
        selector: JSON.stringify(selector),
        selector_key: key,
        metadata: JSON.stringify(input.metadata ?? {}),
        updated_ts: now,
      };
      await uniquely<unknown>(
        () =>
          existing
            ? trx.updateTable('machine_group').set(values).where('id', '=', input.id).execute()
            : trx
                .insertInto('machine_group')
                .values({ id: input.id, ...values, created_ts: now })
                .execute(),
        `Machine group ${input.id} or another group with its selector was saved at the same time`,
        'DUPLICATE_SELECTOR',
      );
      const row = await trx
        .selectFrom('machine_group')
        .selectAll()
        .where('id', '=', input.id)
        .executeTakeFirstOrThrow();
      return { value: toMachineGroup(row), created: !existing };
    });
  }

  async deleteGroup(groupId: string): Promise<void> {
    const result = await this.db.deleteFrom('machine_group').where('id', '=', groupId).executeTakeFirst();
    if (result.numDeletedRows === 0n) throw new NotFoundError('Machine group', groupId);
  }
}

/** Ids of machine profiles and groups: they appear in URLs, logs and file names, so keep them plain. */
const MACHINE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

function machineIdErrors(id: string): { path: string; message: string }[] {
  return MACHINE_ID.test(id)
    ? []
    : [
        {
          path: 'id',
          message: 'Must be 1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit',
        },
      ];
}

/** The same for every spelling of one selector: its entries sorted by label, hashed. */
function selectorKey(selector: Readonly<Record<string, string>>): string {
  const canonical = JSON.stringify(Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256').update(canonical, 'utf8').digest('hex');
}

function toMachineProfile(row: Selectable<MachineProfileTable>): MachineProfile {
  return {
    id: row.id,
    name: row.name,
    configFormat: row.config_format === 'ignition' ? 'ignition' : 'butane',
    config: row.config,
    boot: row.boot === null ? null : (JSON.parse(row.boot) as NetBoot),
    createdAt: toDate(row.created_ts),
    updatedAt: toDate(row.updated_ts),
  };
}

function toMachineGroup(row: Selectable<MachineGroupTable>): MachineGroup {
  return {
    id: row.id,
    name: row.name,
    profileId: row.profile_id,
    selector: JSON.parse(row.selector) as Record<string, string>,
    metadata: JSON.parse(row.metadata) as Record<string, unknown>,
    createdAt: toDate(row.created_ts),
    updatedAt: toDate(row.updated_ts),
  };
}
