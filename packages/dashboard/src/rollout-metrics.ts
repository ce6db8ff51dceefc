// The server reports each group's rollout only as Prometheus gauges on /metrics (read from the database at scrape
// time, so every replica agrees); the dashboard reads them from there rather than asking for a second API.

/** A group's rollout of its channel's current version, as `ballast_rollout_instances` reports it. */
export interface RolloutState {
  readonly groupId: string;
  /** The version being rolled out; null when the group's channel has no package. */
  readonly version: string | null;
  readonly granted: number;
  readonly inProgress: number;
  readonly complete: number;
  readonly failed: number;
  readonly timedOut: number;
  /** From `ballast_group_updates_enabled`: paused by an operator, safe mode or a failure halt. */
  readonly paused: boolean;
}

/** One sample of the Prometheus text format. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const UNESCAPE: Readonly<Record<string, string>> = { '\\': '\\', '"': '"', n: '\n' };

/** Reads `name{label="value",...} number` lines; comments, blank and malformed lines are skipped. */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
    if (!name) continue;
    let at = name.length;
    const labels: Record<string, string> = {};
    if (line[at] === '{') {
      at += 1;
      const label = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?/y;
      for (;;) {
        label.lastIndex = at;
        const match = label.exec(line);
        if (!match) break;
        labels[match[1]!] = match[2]!.replace(/\\(.)/g, (whole, char: string) => UNESCAPE[char] ?? whole);
        at = label.lastIndex;
      }
      if (line[at] !== '}') continue;
      at += 1;
    }
    const value = Number(line.slice(at).trim().split(/\s+/)[0]);
    if (Number.isNaN(value) && !/NaN/.test(line.slice(at))) continue;
    samples.push({ name, labels, value });
  }
  return samples;
}

const STATES: Readonly<Record<string, keyof Omit<RolloutState, 'groupId' | 'version' | 'paused'>>> = {
  granted: 'granted',
  in_progress: 'inProgress',
  complete: 'complete',
  failed: 'failed',
  timed_out: 'timedOut',
};

/** Each group's rollout state, by group id, from the text of `/metrics`. */
export function rolloutStates(metricsText: string): Map<string, RolloutState> {
  const states = new Map<string, { -readonly [K in keyof RolloutState]: RolloutState[K] }>();
  const entry = (groupId: string) => {
    let state = states.get(groupId);
    if (!state) {
      state = {
        groupId,
        version: null,
        granted: 0,
        inProgress: 0,
        complete: 0,
        failed: 0,
        timedOut: 0,
        paused: false,
      };
      states.set(groupId, state);
    }
    return state;
  };
  for (const sample of parsePrometheusText(metricsText)) {
    const groupId = sample.labels.group_id;
    if (groupId === undefined) continue;
    if (sample.name === 'ballast_group_updates_enabled') {
      entry(groupId).paused = sample.value === 0;
    } else if (sample.name === 'ballast_rollout_instances') {
      const key = STATES[sample.labels.state ?? ''];
      if (!key) continue;
      const state = entry(groupId);
      state.version = sample.labels.version ?? null;
      state[key] = sample.value;
    }
  }
  return states;
}
