import {
  type EtcdRebootLock,
  type LockSettings,
  lockOptionsFrom,
  lockSettingsFrom,
  openEtcdRebootLock,
  splitEndpoints,
} from '@ballast/agent';

/** The options every `ballast agent lock` command takes, as locksmithctl's global flags. */
export const connectionOptions = {
  endpoints: { type: 'string', multiple: true },
  endpoint: { type: 'string', multiple: true },
  group: { type: 'string' },
  'etcd-cafile': { type: 'string' },
  'etcd-certfile': { type: 'string' },
  'etcd-keyfile': { type: 'string' },
  'etcd-username': { type: 'string' },
  'etcd-password': { type: 'string' },
  root: { type: 'string' },
  // Every agent command takes --disk; the lock has no use for it.
  disk: { type: 'string' },
} as const;

/** The options' help text, shared by the commands. */
export const connectionHelp = `Connection (locksmithctl's flags; each also read from LOCKSMITHCTL_<NAME> in the environment):
      --endpoints URLS       etcd client URLs, comma-separated or repeated
                             (default http://127.0.0.1:2379,http://127.0.0.1:4001; --endpoint too)
      --group NAME           locksmith group: coreos.com/updateengine/rebootlock/groups/NAME/semaphore
      --etcd-cafile FILE     CA of the etcd servers' certificates
      --etcd-certfile FILE   client certificate, for etcd with --client-cert-auth
      --etcd-keyfile FILE    the client certificate's key
      --etcd-username USER   etcd user, for etcd with authentication enabled
      --etcd-password PASS   the user's password
      --root DIR             the node's root, for /etc/machine-id (default /)
      --disk PATH            accepted as by every agent command, and not used
  -h, --help                 show this help
`;

type ConnectionValues = {
  endpoints?: string[] | undefined;
  endpoint?: string[] | undefined;
  group?: string | undefined;
  'etcd-cafile'?: string | undefined;
  'etcd-certfile'?: string | undefined;
  'etcd-keyfile'?: string | undefined;
  'etcd-username'?: string | undefined;
  'etcd-password'?: string | undefined;
};

/** Flags first, then LOCKSMITHCTL_ variables, then locksmith's defaults. */
export function settingsFrom(values: ConnectionValues, env: NodeJS.ProcessEnv = process.env): LockSettings {
  const fromEnv = lockSettingsFrom(env, 'LOCKSMITHCTL');
  const listed = [...(values.endpoints ?? []), ...(values.endpoint ?? [])].flatMap(splitEndpoints);
  return {
    endpoints: listed.length > 0 ? listed : fromEnv.endpoints,
    group: values.group ?? fromEnv.group,
    caFile: values['etcd-cafile'] ?? fromEnv.caFile,
    certFile: values['etcd-certfile'] ?? fromEnv.certFile,
    keyFile: values['etcd-keyfile'] ?? fromEnv.keyFile,
    username: values['etcd-username'] ?? fromEnv.username,
    password: values['etcd-password'] ?? fromEnv.password,
  };
}

/** Opens the lock the flags describe, runs `body` with it, and closes its connections. */
export async function withLock<T>(values: ConnectionValues, body: (lock: EtcdRebootLock) => Promise<T>): Promise<T> {
  const lock = openEtcdRebootLock(await lockOptionsFrom(settingsFrom(values)));
  try {
    return await body(lock);
  } finally {
    lock.close();
  }
}
