/** Where the agent gets the time; tests pass a fixed or stepping clock instead of sleeping. */
export interface Clock {
  now(): Date;
}

/** The real time. */
export const systemClock: Clock = { now: () => new Date() };

/** A source of uniform numbers in [0, 1); tests pass a seeded one so jitter is reproducible. */
export type Random = () => number;

/** Waits; tests pass one that advances their clock instead. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** A real sleep that ends early (without throwing) when `signal` aborts. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, Math.max(0, ms));
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });

/** A small seeded generator (mulberry32), for tests and reproducible fault injection. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Seconds since the epoch, as update_engine keeps its times. */
export function unixSeconds(clock: Clock): number {
  return Math.floor(clock.now().getTime() / 1000);
}
