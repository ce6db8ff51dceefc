import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A PostgreSQL server started for a test file. */
export interface PostgresServer {
  /** URL of the server's `postgres` database. */
  readonly url: string;
  /** Creates an empty database and returns its URL, so each test starts clean without a new server. */
  newDatabase(): Promise<string>;
  /** Stops the server but keeps its data, to test what clients do while the database is away. */
  pause(): Promise<void>;
  /** Starts a paused server again, on the same port with the same data. */
  resume(): Promise<void>;
  /** Stops the server and deletes its files. */
  stop(): Promise<void>;
}

const SETUP_HINT = 'PostgreSQL (Debian package postgresql) is missing: run scripts/setup';

/** The directory of the newest PostgreSQL installed by Debian, or of `initdb` on the PATH. */
function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(root, versions[0], 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir !== '' && existsSync(join(dir, 'initdb')) && existsSync(join(dir, 'pg_ctl'))) return dir;
  }
  throw new Error(SETUP_HINT);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

interface Runner {
  /** Runs a PostgreSQL program as the user that owns the data directory. */
  run(program: string, args: readonly string[]): Promise<void>;
  command(program: string, args: readonly string[]): [string, string[]];
}

// PostgreSQL refuses to run as root, so as root the programs run as the `postgres` user that Debian's package
// creates, through runuser; as anyone else they run directly.
function runner(binDir: string, dataRoot: string): Runner {
  const asRoot = process.getuid?.() === 0;
  let uid = 0;
  let gid = 0;
  if (asRoot) {
    const passwd = readFileSync('/etc/passwd', 'utf8')
      .split('\n')
      .find((line) => line.startsWith('postgres:'));
    if (!passwd) throw new Error(`The postgres user does not exist. ${SETUP_HINT}`);
    const [, , u, g] = passwd.split(':');
    uid = Number(u);
    gid = Number(g);
    chownSync(dataRoot, uid, gid);
  }
  const command = (program: string, args: readonly string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(binDir, program), ...args]] : [join(binDir, program), [...args]];
  return {
    command,
    run: (program, args) =>
      new Promise((resolve, reject) => {
        const [file, argv] = command(program, args);
        execFile(file, argv, { cwd: dataRoot }, (error, _stdout, stderr) => {
          if (error) reject(new Error(`${program} ${args.join(' ')} failed: ${stderr.trim() || error.message}`));
          else resolve();
        });
      }),
  };
}

/**
 * Starts a throw-away PostgreSQL: initdb and pg_ctl in a temporary directory, listening on a free loopback port,
 * without durability (fsync off) since the data dies with the test. Resolves once the server accepts connections.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const binDir = findBinDir();
  const root = mkdtempSync(join(tmpdir(), 'ballast-pg-'));
  // The temporary directory is made 0700 by mkdtemp; the server's user must be able to enter it.
  chmodSync(root, 0o755);
  const data = join(root, 'data');
  const pgRun = runner(binDir, root);
  let stopped = false;
  const stopNow = () => {
    if (stopped) return;
    stopped = true;
    const [file, argv] = pgRun.command('pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-s']);
    spawnSync(file, argv, { cwd: root, stdio: 'ignore' });
    rmSync(root, { recursive: true, force: true });
  };
  // A test run that dies without calling stop() must not leave a server behind.
  process.once('exit', stopNow);
  try {
    await pgRun.run('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
    let port = 0;
    const start = () => {
      const options = [
        `-p ${port}`,
        "-c listen_addresses='127.0.0.1'",
        `-c unix_socket_directories='${root}'`,
        '-c fsync=off',
        '-c synchronous_commit=off',
        '-c full_page_writes=off',
        '-c max_connections=100',
      ].join(' ');
      const log = join(root, 'server.log');
      return pgRun.run('pg_ctl', ['start', '-D', data, '-l', log, '-w', '-t', '60', '-s', '-o', options]);
    };
    for (let attempt = 0; ; attempt++) {
      port = await freePort();
      try {
        await start();
        break;
      } catch (error) {
        // Another process may have taken the port between our probe and the server's bind.
        if (attempt >= 2) {
          const log = existsSync(join(root, 'server.log')) ? readFileSync(join(root, 'server.log'), 'utf8') : '';
          throw new Error(`${(error as Error).message}\n${log}`);
        }
      }
    }
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const admin = new pg.Pool({ connectionString: url, max: 1 });
    // pause() ends the idle admin connection; the next query opens another.
    admin.on('error', () => {});
    let databases = 0;
    return {
      url,
      async newDatabase() {
        databases += 1;
        const name = `test_${process.pid}_${databases}`;
        await admin.query(`create database ${name}`);
        return `postgres://postgres@127.0.0.1:${port}/${name}`;
      },
      async pause() {
        await pgRun.run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-s']);
      },
      async resume() {
        await start();
      },
      async stop() {
        await admin.end();
        process.removeListener('exit', stopNow);
        await pgRun.run('pg_ctl', ['stop', '-D', data, '-m', 'fast', '-s']).catch(() => {});
        stopped = true;
        rmSync(root, { recursive: true, force: true });
      },
    };
  } catch (error) {
    process.removeListener('exit', stopNow);
    stopNow();
    throw error;
  }
}
