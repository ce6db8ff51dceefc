import { type Kysely, type Migration, sql } from 'kysely';
import type { StoreDialect } from './migrations.js';

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

/**
 * Machine provisioning, as matchbox keeps it: profiles (a Butane or Ignition template and network boot settings)
 * and groups (a selector over machine labels, the profile it picks and the metadata that fills the template).
 */
export function provisioningMigration(dialect: StoreDialect): Migration {
  const timestamp = dialect === 'postgres' ? sql`timestamptz` : sql`integer`;
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('machine_profile')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('config_format', 'text', (c) => c.notNull().check(sql`config_format in ('butane', 'ignition')`))
        .addColumn('config', 'text', (c) => c.notNull())
        // JSON {kernel, initrd, args}, or null for a profile that is never network booted.
        .addColumn('boot', 'text')
        .addColumn('created_ts', timestamp, (c) => c.notNull())
        .addColumn('updated_ts', timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('machine_group')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        // A profile in use cannot be deleted: a machine would boot into a 404.
        .addColumn('profile_id', 'text', (c) => c.notNull().references('machine_profile.id').onDelete('restrict'))
        // JSON object of label to value, normalised (MAC addresses lower-case with colons).
        .addColumn('selector', 'text', (c) => c.notNull())
        // SHA-256 of the canonical selector: two groups with the same selector would make matching a coin toss.
        .addColumn('selector_key', 'text', (c) => c.notNull().unique())
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('created_ts', timestamp, (c) => c.notNull())
        .addColumn('updated_ts', timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('machine_group_profile').on('machine_group').column('profile_id').execute();
    },
  };
}
