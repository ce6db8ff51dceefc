import { run, ToolError } from '@ballast/disk';
import type { Clock, Sleep } from '../clock.js';
import type { HealthConfig } from '../config/agent-config.js';
import { openHttp } from '../omaha/http-request.js';

/** One check of a node's health. */
export interface HealthProbe {
  /** What is checked, e.g. `units docker.service`, `http http://127.0.0.1/healthz`. */
  readonly name: string;
  /** Resolves with "" when healthy, else with why not. */
  check(): Promise<string>;
}

/** Options for `healthProbes`. */
export interface HealthProbeOptions {
  /** The systemctl program; tests point it at a stand-in. */
  readonly systemctl?: string;
  /** Time a single probe may take. */
  readonly timeoutMs?: number;
}

/** The probes a health configuration asks for: units active, an HTTP endpoint answering 2xx, a command exiting 0. */
export function healthProbes(config: HealthConfig, options: HealthProbeOptions = {}): HealthProbe[] {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const probes: HealthProbe[] = [];
  if (config.units.length > 0) {
    const systemctl = options.systemctl ?? 'systemctl';
    probes.push({
      name: `units ${config.units.join(' ')}`,
      check: async () => {
        // `systemctl is-active` prints one state per unit and exits 0 only when every unit is active.
        try {
          const result = await run(systemctl, ['is-active', ...config.units], { okExitCodes: [0, 1, 3, 4], timeoutMs });
          if (result.exitCode === 0) return '';
          const states = result.stdout.trim().split('\n');
          return config.units
            .map((unit, i) => `${unit} is ${states[i] ?? 'unknown'}`)
            .filter((line) => !line.endsWith(' is active'))
            .join(', ');
        } catch (error) {
          return error instanceof ToolError ? error.message : String(error);
        }
      },
    });
  }
  const url = config.httpUrl;
  if (url !== undefined) {
    probes.push({
      name: `http ${url}`,
      check: async () => {
        try {
          const response = await openHttp(url, { idleTimeoutMs: timeoutMs });
          response.resume();
          const status = response.statusCode ?? 0;
          return status >= 200 && status < 300 ? '' : `${url} answered HTTP ${status}`;
        } catch (error) {
          return `${url}: ${(error as Error).message}`;
        }
      },
    });
  }
  const command = config.command;
  if (command !== undefined) {
    probes.push({
      name: `command ${command}`,
      check: async () => {
        try {
          await run('/bin/sh', ['-c', command], { timeoutMs });
          return '';
        } catch (error) {
          return (error as Error).message;
        }
      },
    });
  }
  return probes;
}

/** The verdict on a boot. */
export interface HealthVerdict {
  readonly healthy: boolean;
  /** Rounds run. */
  readonly rounds: number;
  /** Why the last round failed; empty when healthy. */
  readonly problems: readonly string[];
}

/** Options for `awaitHealth`. */
export interface AwaitHealthOptions {
  readonly deadlineMs: number;
  readonly intervalMs: number;
  readonly clock: Clock;
  readonly sleep: Sleep;
  /** When the checks started (an agent restarted during them keeps its first start); now by default. */
  readonly startedAt?: Date;
  readonly signal?: AbortSignal;
  readonly log?: (line: string) => void;
}

/**
 * Runs every probe in rounds until one round passes them all (healthy) or the deadline passes (unhealthy). With
 * no probes a node is healthy at once, as a Flatcar node is once update_engine has started.
 */
export async function awaitHealth(probes: readonly HealthProbe[], options: AwaitHealthOptions): Promise<HealthVerdict> {
  const start = (options.startedAt ?? options.clock.now()).getTime();
  let rounds = 0;
  let problems: string[] = [];
  for (;;) {
    rounds++;
    const results = await Promise.all(probes.map(async (probe) => ({ probe, problem: await probe.check() })));
    problems = results.filter((r) => r.problem !== '').map((r) => `${r.probe.name}: ${r.problem}`);
    if (problems.length === 0) return { healthy: true, rounds, problems };
    options.log?.(`Health check round ${rounds} failed: ${problems.join('; ')}`);
    const left = start + options.deadlineMs - options.clock.now().getTime();
    if (left <= 0 || options.signal?.aborted) return { healthy: false, rounds, problems };
    await options.sleep(Math.min(options.intervalMs, left), options.signal);
  }
}
