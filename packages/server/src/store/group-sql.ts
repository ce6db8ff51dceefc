import type { Selectable } from 'kysely';
import { dialectSql } from './hot-path.js';
import type { Group } from './model.js';
import { toChannel, toExtraFile, toFlatcarAction, toGroup, toPackage } from './rows.js';
import type { ChannelTable, FlatcarActionTable, GroupTable, PackageFileTable, PackageTable } from './schema.js';

// A group with its channel, the channel's package and the package's action in one row (its extra files and
// blacklist in two more small reads), for the update check's group lookups: the store's general reads take six
// queries for the same group.

/** Every column of a table, checked against the schema in both directions. */
function columns<T>() {
  return <const C extends readonly (keyof T & string)[]>(
    names: C & ([Exclude<keyof T, C[number]>] extends [never] ? unknown : 'a column is missing'),
  ) => names;
}

const GROUP = columns<GroupTable>()([
  'id',
  'application_id',
  'name',
  'description',
  'track',
  'channel_id',
  'rollout_in_progress',
  'policy_updates_enabled',
  'policy_safe_mode',
  'policy_office_hours',
  'policy_timezone',
  'policy_period_interval',
  'policy_max_updates_per_period',
  'policy_update_timeout',
  'maintenance_windows',
  'failure_halt_threshold',
  'canary_group_id',
  'canary_success_share',
  'paused_reason',
  'paused_ts',
  'resumed_ts',
  'created_ts',
]);
const CHANNEL = columns<ChannelTable>()([
  'id',
  'application_id',
  'name',
  'color',
  'arch',
  'package_id',
  'allow_downgrade',
  'created_ts',
]);
const PACKAGE = columns<PackageTable>()([
  'id',
  'application_id',
  'type',
  'version',
  'arch',
  'url',
  'filename',
  'description',
  'size',
  'hash',
  'hash_sha256',
  'created_ts',
]);
const ACTION = columns<FlatcarActionTable>()([
  'id',
  'package_id',
  'event',
  'chromeos_version',
  'sha256',
  'needs_admin',
  'is_delta',
  'disable_payload_backoff',
  'metadata_signature_rsa',
  'metadata_size',
  'deadline',
  'created_ts',
]);

const select = (alias: string, names: readonly string[]) =>
  names.map((name) => `${alias}.${name} as ${alias}_${name}`).join(', ');

const FROM =
  `select ${select('g', GROUP)}, ${select('c', CHANNEL)}, ${select('p', PACKAGE)}, ${select('a', ACTION)} ` +
  'from groups g left join channel c on c.id = g.channel_id left join package p on p.id = c.package_id ' +
  'left join flatcar_action a on a.package_id = p.id ';

/** A group by id. */
export const GROUP_BY_ID_SQL = dialectSql(`${FROM}where g.id = ?`);

/** The newest group of an application with a track whose channel has an architecture: app, track, arch. */
export const GROUP_BY_TRACK_SQL = dialectSql(
  `${FROM}where g.id = (select g2.id from groups g2 inner join channel c2 on c2.id = g2.channel_id ` +
    'where g2.application_id = ? and g2.track = ? and c2.arch = ? order by g2.created_ts desc, g2.id desc limit 1)',
);

/** A package's extra files, in the order they were added. */
export const PACKAGE_FILES_SQL = dialectSql('select * from package_file where package_id = ? order by id');

/** The channels a package is blacklisted for. */
export const PACKAGE_BLACKLIST_SQL = dialectSql(
  'select channel_id from package_channel_blacklist where package_id = ?',
);

type Row = Record<string, unknown>;

function part<T>(row: Row, alias: string, names: readonly string[]): Selectable<T> {
  const out: Row = {};
  for (const name of names) out[name] = row[`${alias}_${name}`];
  return out as Selectable<T>;
}

/** The package id in a row of {@link GROUP_BY_ID_SQL}, whose extra files and blacklist are to be read. */
export function packageIdOf(row: Row): string | null {
  return (row.p_id as string | null | undefined) ?? null;
}

/** The group of a row of {@link GROUP_BY_ID_SQL}, as the store's general reads build it. */
export function groupFromRow(
  row: Row,
  extras: { readonly files: readonly Selectable<PackageFileTable>[]; readonly blacklist: readonly string[] },
): Group {
  const group = part<GroupTable>(row, 'g', GROUP);
  if (row.c_id === null || row.c_id === undefined) return toGroup(group, null);
  const pkg =
    row.p_id === null || row.p_id === undefined
      ? null
      : toPackage(part<PackageTable>(row, 'p', PACKAGE), {
          flatcarAction:
            row.a_id === null || row.a_id === undefined
              ? null
              : toFlatcarAction(part<FlatcarActionTable>(row, 'a', ACTION)),
          extraFiles: extras.files.map(toExtraFile),
          channelsBlacklist: [...extras.blacklist].sort(),
        });
  return toGroup(group, toChannel(part<ChannelTable>(row, 'c', CHANNEL), pkg));
}
