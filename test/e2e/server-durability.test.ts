// An event the server acknowledged is stored: kill -9 the server while nodes report events, restart it, and every
// event that got its answer is in the instances' status history.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildRequest, EventResult, EventType, parseResponse, updateEngineRequest } from '@ballast/omaha';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type PostgresServer, startPostgres } from '../helpers/postgres.js';
import { call, FLATCAR_APP, publishToStable, startServerProcess } from './server-harness.js';

const MACHINES = 240;
const KILL_AFTER = 90;

function machine(i: number) {
  return {
    updaterVersion: '0.4.10',
    version: '3815.2.0',
    track: 'stable',
    board: 'amd64-usr',
    machine: 'x86_64',
    bootId: `{boot-${i}}`,
    machineId: `durable-${String(i).padStart(4, '0')}`,
  };
}

async function post(url: string, body: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${url}/v1/update/`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'text/xml' },
    });
    const text = await response.text();
    return response.status === 200 ? text : undefined;
  } catch {
    return undefined;
  }
}

/** Runs the scenario against `--db db`; returns how many events were acknowledged before the kill. */
async function killDuringEvents(db: string): Promise<number> {
  const first = await startServerProcess(['--db', db]);
  const token = first.token!;
  const { groupId } = await publishToStable(first, token);
  // Every machine checks in and is granted the update.
  for (let i = 0; i < MACHINES; i += 40) {
    await Promise.all(
      Array.from({ length: Math.min(40, MACHINES - i) }, (_, k) =>
        post(
          first.url,
          buildRequest(updateEngineRequest(machine(i + k), { kind: 'updatecheck', previousVersion: '' })),
        ),
      ),
    );
  }
  // Then they report "download started", 16 at a time; the server is killed -9 the moment the KILL_AFTERth answer is in.
  const acknowledged: string[] = [];
  let killed = false;
  let next = 0;
  const worker = async () => {
    while (next < MACHINES && !killed) {
      const params = machine(next++);
      const body = buildRequest(
        updateEngineRequest(params, {
          kind: 'event',
          type: EventType.UpdateDownloadStarted,
          result: EventResult.Success,
        }),
      );
      const answer = await post(first.url, body);
      if (answer === undefined) continue;
      const parsed = parseResponse(answer);
      if (parsed.ok && parsed.value.apps[0]?.events[0]?.status === 'ok') acknowledged.push(params.machineId);
      if (acknowledged.length >= KILL_AFTER && !killed) {
        killed = true;
        first.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  expect(await first.stop()).toBe(null);
  expect(first.child.signalCode).toBe('SIGKILL');

  const second = await startServerProcess(['--db', db]);
  try {
    const lost: string[] = [];
    for (const id of acknowledged) {
      const history = await call(
        second,
        `/api/apps/${FLATCAR_APP}/groups/${groupId}/instances/${id}/status_history?limit=50`,
        { token },
      );
      const statuses = (history.json() as { status: number }[]).map((entry) => entry.status);
      // 7: Downloading, what "download started" moves an instance to.
      if (!statuses.includes(7)) lost.push(id);
    }
    expect(lost).toEqual([]);
  } finally {
    await second.stop();
  }
  return acknowledged.length;
}

describe('ballast server: durability', () => {
  let dir: string;
  let pg: PostgresServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ballast-durability-'));
    pg = await startPostgres();
  }, 60_000);

  afterAll(async () => {
    await pg?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('loses no acknowledged event when killed -9 on SQLite', async () => {
    expect(await killDuringEvents(`sqlite:${join(dir, 'ballast.db')}`)).toBeGreaterThanOrEqual(KILL_AFTER);
  }, 90_000);

  it('loses no acknowledged event when killed -9 on PostgreSQL', async () => {
    expect(await killDuringEvents(await pg.newDatabase())).toBeGreaterThanOrEqual(KILL_AFTER);
  }, 90_000);
});
