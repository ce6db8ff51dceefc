import type { Kysely, Migration } from 'kysely';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * Indexes for the numbers a grant decision reads, so that counting recent grants, updates in progress and
 * finished updates to a version touches those rows only, not every instance of the group. Each ends with the last
 * check, which every count also filters on, so the counts read the index alone.
 */
export function rolloutIndexesMigration(): Migration {
  return {
    async up(db: AnyDb) {
      await db.schema
        .createIndex('instance_application_group_granted')
        .on('instance_application')
        .columns(['group_id', 'last_update_granted_ts', 'last_check_for_updates'])
        .execute();
      await db.schema
        .createIndex('instance_application_group_in_progress')
        .on('instance_application')
        .columns(['group_id', 'update_in_progress', 'last_update_granted_ts', 'last_check_for_updates'])
        .execute();
      await db.schema
        .createIndex('instance_application_group_update_version')
        .on('instance_application')
        .columns(['group_id', 'last_update_version', 'update_in_progress', 'last_check_for_updates'])
        .execute();
    },
  };
}
