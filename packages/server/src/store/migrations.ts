import { type Kysely, type Migration, type MigrationProvider, sql } from 'kysely';
import type { Clock } from './clock.js';
import { Arch, FLATCAR_APP_ID } from './model.js';
import { provisioningMigration } from './provisioning-migration.js';
import { rolloutIndexesMigration } from './rollout-indexes-migration.js';

/** The SQL dialects the store runs on. */
export type StoreDialect = 'sqlite' | 'postgres';

// Migrations are written once for both dialects; only column types differ. They never change once released: a
// schema change is a new entry, and Kysely's Migrator runs each exactly once per database (under an advisory lock on
// PostgreSQL, so replicas starting together do not race).

// biome-ignore lint/suspicious/noExplicitAny: migrations must not depend on today's schema types
type AnyDb = Kysely<any>;

function types(dialect: StoreDialect) {
  const pg = dialect === 'postgres';
  return {
    timestamp: pg ? sql`timestamptz` : sql`integer`,
    bool: pg ? sql`boolean` : sql`integer`,
    real: pg ? sql`double precision` : sql`real`,
  };
}

async function addSerialTable(db: AnyDb, dialect: StoreDialect, table: string) {
  const builder = db.schema.createTable(table);
  return dialect === 'postgres'
    ? builder.addColumn('id', 'bigserial', (c) => c.primaryKey())
    : builder.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

function schemaMigration(dialect: StoreDialect): Migration {
  const t = types(dialect);
  return {
    async up(db: AnyDb) {
      await db.schema
        .createTable('application')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull().unique())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('product_id', 'text', (c) => c.unique())
        .addColumn('created_ts', t.timestamp, (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('package')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('application_id', 'text', (c) => c.notNull().references('application.id').onDelete('cascade'))
        .addColumn('type', 'integer', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('arch', 'integer', (c) => c.notNull())
        .addColumn('url', 'text', (c) => c.notNull())
        .addColumn('filename', 'text')
        .addColumn('description', 'text')
        .addColumn('size', 'text')
        .addColumn('hash', 'text')
        .addColumn('hash_sha256', 'text')
        .addColumn('created_ts', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('package_version_arch_unique', ['application_id', 'version', 'arch'])
        .execute();

      await db.schema
        .createTable('flatcar_action')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('package_id', 'text', (c) => c.notNull().unique().references('package.id').onDelete('cascade'))
        .addColumn('event', 'text', (c) => c.notNull())
        .addColumn('chromeos_version', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('needs_admin', t.bool, (c) => c.notNull())
        .addColumn('is_delta', t.bool, (c) => c.notNull())
        .addColumn('disable_payload_backoff', t.bool, (c) => c.notNull())
        .addColumn('metadata_signature_rsa', 'text', (c) => c.notNull())
        .addColumn('metadata_size', 'text', (c) => c.notNull())
        .addColumn('deadline', 'text', (c) => c.notNull())
        .addColumn('created_ts', t.timestamp, (c) => c.notNull())
        .execute();

      await (await addSerialTable(db, dialect, 'package_file'))
        .addColumn('package_id', 'text', (c) => c.notNull().references('package.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('size', 'text')
        .addColumn('hash', 'text')
        .addColumn('hash256', 'text')
        .addColumn('created_ts', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('package_file_package').on('package_file').column('package_id').execute();

      await db.schema
        .createTable('channel')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('application_id', 'text', (c) => c.notNull().references('application.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('color', 'text', (c) => c.notNull())
        .addColumn('arch', 'integer', (c) => c.notNull())
        .addColumn('package_id', 'text', (c) => c.references('package.id').onDelete('set null'))
        .addColumn('allow_downgrade', t.bool, (c) => c.notNull())
        .addColumn('created_ts', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('channel_name_arch_unique', ['application_id', 'name', 'arch'])
        .execute();
      await db.schema.createIndex('channel_package').on('channel').column('package_id').execute();

      await db.schema
        .createTable('package_channel_blacklist')
        .addColumn('package_id', 'text', (c) => c.notNull().references('package.id').onDelete('cascade'))
        .addColumn('channel_id', 'text', (c) => c.notNull().references('channel.id').onDelete('cascade'))
        .addPrimaryKeyConstraint('package_channel_blacklist_pk', ['package_id', 'channel_id'])
        .execute();
      await db.schema
        .createIndex('package_channel_blacklist_channel')
        .on('package_channel_blacklist')
        .column('channel_id')
        .execute();

      await db.schema
        .createTable('groups')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('application_id', 'text', (c) => c.notNull().references('application.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('description', 'text', (c) => c.notNull())
        .addColumn('track', 'text', (c) => c.notNull())
        .addColumn('channel_id', 'text', (c) => c.references('channel.id').onDelete('set null'))
        .addColumn('rollout_in_progress', t.bool, (c) => c.notNull())
        .addColumn('policy_updates_enabled', t.bool, (c) => c.notNull())
        .addColumn('policy_safe_mode', t.bool, (c) => c.notNull())
        .addColumn('policy_office_hours', t.bool, (c) => c.notNull())
        .addColumn('policy_timezone', 'text')
        .addColumn('policy_period_interval', 'text', (c) => c.notNull())
        .addColumn('policy_max_updates_per_period', 'integer', (c) => c.notNull())
        .addColumn('policy_update_timeout', 'text', (c) => c.notNull())
        .addColumn('maintenance_windows', 'text', (c) => c.notNull())
        .addColumn('failure_halt_threshold', t.real)
        .addColumn('canary_group_id', 'text', (c) => c.references('groups.id').onDelete('set null'))
        .addColumn('canary_success_share', t.real)
        .addColumn('paused_reason', 'text')
        .addColumn('paused_ts', t.timestamp)
        .addColumn('resumed_ts', t.timestamp)
        .addColumn('created_ts', t.timestamp, (c) => c.notNull())
        .addUniqueConstraint('groups_name_unique', ['application_id', 'name'])
        .execute();
      await db.schema.createIndex('groups_track').on('groups').columns(['application_id', 'track']).execute();
      await db.schema.createIndex('groups_channel').on('groups').column('channel_id').execute();
      await db.schema.createIndex('groups_canary').on('groups').column('canary_group_id').execute();

      await db.schema
        .createTable('instance')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('ip', 'text', (c) => c.notNull())
        .addColumn('alias', 'text', (c) => c.notNull())
        .addColumn('oem', 'text', (c) => c.notNull())
        .addColumn('oem_version', 'text', (c) => c.notNull())
        .addColumn('aleph_version', 'text', (c) => c.notNull())
        .addColumn('created_ts', t.timestamp, (c) => c.notNull())
        .addColumn('last_seen_ts', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('instance_last_seen').on('instance').column('last_seen_ts').execute();

      await db.schema
        .createTable('instance_application')
        .addColumn('instance_id', 'text', (c) => c.notNull().references('instance.id').onDelete('cascade'))
        .addColumn('application_id', 'text', (c) => c.notNull().references('application.id').onDelete('cascade'))
        .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('set null'))
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('status', 'integer')
        .addColumn('created_ts', t.timestamp, (c) => c.notNull())
        .addColumn('last_check_for_updates', t.timestamp, (c) => c.notNull())
        .addColumn('last_update_granted_ts', t.timestamp)
        .addColumn('last_update_version', 'text')
        .addColumn('update_in_progress', t.bool, (c) => c.notNull())
        .addPrimaryKeyConstraint('instance_application_pk', ['instance_id', 'application_id'])
        .execute();
      await db.schema
        .createIndex('instance_application_group_check')
        .on('instance_application')
        .columns(['group_id', 'last_check_for_updates'])
        .execute();
      await db.schema
        .createIndex('instance_application_app_check')
        .on('instance_application')
        .columns(['application_id', 'last_check_for_updates'])
        .execute();

      await (await addSerialTable(db, dialect, 'instance_status_history'))
        .addColumn('instance_id', 'text', (c) => c.notNull().references('instance.id').onDelete('cascade'))
        .addColumn('application_id', 'text', (c) => c.notNull().references('application.id').onDelete('cascade'))
        .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
        .addColumn('status', 'integer', (c) => c.notNull())
        .addColumn('version', 'text')
        .addColumn('created_ts', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('instance_status_history_instance')
        .on('instance_status_history')
        .columns(['instance_id', 'application_id', 'created_ts'])
        .execute();
      await db.schema
        .createIndex('instance_status_history_group')
        .on('instance_status_history')
        .columns(['group_id', 'created_ts'])
        .execute();

      await (await addSerialTable(db, dialect, 'event'))
        .addColumn('instance_id', 'text', (c) => c.notNull().references('instance.id').onDelete('cascade'))
        .addColumn('application_id', 'text', (c) => c.notNull().references('application.id').onDelete('cascade'))
        .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('set null'))
        .addColumn('type', 'integer', (c) => c.notNull())
        .addColumn('result', 'integer', (c) => c.notNull())
        .addColumn('previous_version', 'text')
        .addColumn('error_code', 'text')
        .addColumn('created_ts', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('event_instance')
        .on('event')
        .columns(['instance_id', 'application_id', 'created_ts'])
        .execute();
      await db.schema.createIndex('event_group').on('event').column('group_id').execute();

      await (await addSerialTable(db, dialect, 'activity'))
        .addColumn('application_id', 'text', (c) => c.notNull().references('application.id').onDelete('cascade'))
        .addColumn('group_id', 'text', (c) => c.references('groups.id').onDelete('cascade'))
        .addColumn('channel_id', 'text', (c) => c.references('channel.id').onDelete('cascade'))
        .addColumn('instance_id', 'text', (c) => c.references('instance.id').onDelete('cascade'))
        .addColumn('class', 'integer', (c) => c.notNull())
        .addColumn('severity', 'integer', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('created_ts', t.timestamp, (c) => c.notNull())
        .execute();
      await db.schema.createIndex('activity_created').on('activity').column('created_ts').execute();
      await db.schema.createIndex('activity_group').on('activity').column('group_id').execute();
      await db.schema.createIndex('activity_channel').on('activity').column('channel_id').execute();
      await db.schema.createIndex('activity_instance').on('activity').column('instance_id').execute();

      await db.schema
        .createTable('api_token')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('admin', 'viewer')`))
        .addColumn('token_hash', 'text', (c) => c.notNull().unique())
        .addColumn('created_ts', t.timestamp, (c) => c.notNull())
        .addColumn('last_used_ts', t.timestamp)
        .execute();
    },
  };
}

interface SeedTrack {
  readonly track: string;
  readonly name: string;
  readonly description: string;
  readonly channels: Readonly<Record<'amd64' | 'arm', { channelId: string; groupId: string; color: string }>>;
}

// Alpha, beta and stable keep Nebraska's ids so scripts written against a Nebraska keep working; LTS is ours.
const SEED_TRACKS: readonly SeedTrack[] = [
  {
    track: 'alpha',
    name: 'Alpha',
    description: 'Tracks current development work and is released frequently',
    channels: {
      amd64: {
        channelId: 'a87a03ad-4984-47a1-8dc4-3507bae91ee1',
        groupId: '5b810680-e36a-4879-b98a-4f989e80b899',
        color: '#1fbb86',
      },
      arm: {
        channelId: 'def12ce0-3ba4-4649-b290-8843f3b455eb',
        groupId: 'e641708d-fb48-4260-8bdf-ba2074a1147a',
        color: '#1fa2bb',
      },
    },
  },
  {
    track: 'beta',
    name: 'Beta',
    description: 'Promoted alpha releases, to catch bugs specific to your configuration',
    channels: {
      amd64: {
        channelId: '128b8c29-5058-4643-8e67-a1a0e3c641c9',
        groupId: '3fe10490-dd73-4b49-b72a-28ac19acfcdc',
        color: '#fc7f33',
      },
      arm: {
        channelId: 'cf20698b-1f19-43d6-b6f6-d15c796cb217',
        groupId: 'd112ec01-ba34-4a9e-9d4b-9814a685f266',
        color: '#fce433',
      },
    },
  },
  {
    track: 'stable',
    name: 'Stable',
    description: 'For production clusters',
    channels: {
      amd64: {
        channelId: 'e06064ad-4414-4904-9a6e-fd465593d1b2',
        groupId: '9a2deb70-37be-4026-853f-bfdd6b347bbe',
        color: '#14b9d6',
      },
      arm: {
        channelId: '5dfe7b12-c94a-470d-a2b6-2eae78c5c9f5',
        groupId: '11a585f6-9418-4df0-8863-78b2fd3240f8',
        color: '#1458d6',
      },
    },
  },
  {
    track: 'lts',
    name: 'LTS',
    description: 'Long-term support releases for production clusters',
    channels: {
      amd64: {
        channelId: '3a8f1d2e-6c4b-4f7a-9e21-b5d0c7a4e8f3',
        groupId: 'c4d8e2f1-5a3b-4c9e-8d7f-2b1a6e0c9f34',
        color: '#7b5ea7',
      },
      arm: {
        channelId: '7b2e9c14-0d5a-4e63-a8f7-1c9b3e6d2a50',
        groupId: '9e0f3b7a-2c6d-4a18-b5e4-7d3c1f8a2b69',
        color: '#a78bd4',
      },
    },
  },
];

/** The ids of the seeded Flatcar channels and groups, by track and architecture. */
export const SEEDED_FLATCAR = Object.fromEntries(SEED_TRACKS.map((seed) => [seed.track, seed.channels])) as Readonly<
  Record<string, SeedTrack['channels']>
>;

function seedMigration(clock: Clock): Migration {
  return {
    async up(db: AnyDb) {
      // Only a fresh database gets the Flatcar application: one whose operator deleted it keeps it deleted.
      const existing = await db.selectFrom('application').select('id').limit(1).executeTakeFirst();
      if (existing) return;
      const now = clock.now();
      // Lists show the newest group first; a millisecond apart, the groups list as alpha, beta, stable, lts.
      let order = 0;
      await db
        .insertInto('application')
        .values({
          id: FLATCAR_APP_ID,
          name: 'Flatcar Container Linux',
          description: 'Linux for massive server deployments',
          product_id: null,
          created_ts: now,
        })
        .execute();
      for (const seed of SEED_TRACKS) {
        for (const [archName, ids] of Object.entries(seed.channels)) {
          const arch = archName === 'amd64' ? Arch.AMD64 : Arch.AArch64;
          const suffix = archName === 'amd64' ? 'AMD64' : 'ARM';
          await db
            .insertInto('channel')
            .values({
              id: ids.channelId,
              application_id: FLATCAR_APP_ID,
              name: seed.track,
              color: ids.color,
              arch,
              package_id: null,
              allow_downgrade: false,
              created_ts: now,
            })
            .execute();
          // Nebraska's defaults for its Flatcar groups: updates on, no safe mode, effectively no rate limit.
          await db
            .insertInto('groups')
            .values({
              id: ids.groupId,
              application_id: FLATCAR_APP_ID,
              name: `${seed.name} (${suffix})`,
              description: `${seed.description} (${suffix})`,
              track: seed.track,
              channel_id: ids.channelId,
              rollout_in_progress: false,
              policy_updates_enabled: true,
              policy_safe_mode: false,
              policy_office_hours: false,
              policy_timezone: null,
              policy_period_interval: '1 minutes',
              policy_max_updates_per_period: 999999,
              policy_update_timeout: '60 minutes',
              maintenance_windows: '[]',
              failure_halt_threshold: null,
              canary_group_id: null,
              canary_success_share: null,
              paused_reason: null,
              paused_ts: null,
              resumed_ts: null,
              created_ts: new Date(now.getTime() - order++),
            })
            .execute();
        }
      }
    },
  };
}

/** The store's migrations, in order, for Kysely's Migrator. */
export function storeMigrations(dialect: StoreDialect, clock: Clock): MigrationProvider {
  return {
    getMigrations: async () => ({
      '0001_schema': schemaMigration(dialect),
      '0002_flatcar_seed': seedMigration(clock),
      '0003_machine_provisioning': provisioningMigration(dialect),
      '0004_rollout_indexes': rolloutIndexesMigration(),
    }),
  };
}
