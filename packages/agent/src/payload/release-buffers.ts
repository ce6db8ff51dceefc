import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

// Every socket read and every disk read hands out a fresh ArrayBuffer whose memory lives outside V8's heap. V8
// frees those only when it collects their small JavaScript wrappers, which a streaming loop makes too slowly to
// fill the young generation; so it waits until 64 MB of outside memory have piled up. Streaming a payload of any
// size would then cost ~64 MB more than it needs. A young-generation collection every 2 MiB (about 0.2 ms each)
// frees the buffers as they die and keeps the agent's memory flat and small.

let collect: ((options: { type: 'minor' }) => void) | undefined;
try {
  setFlagsFromString('--expose-gc');
  collect = runInNewContext('gc') as typeof collect;
} catch {
  collect = undefined;
}

const EVERY = 2 * 1024 * 1024;
let since = 0;

/** Notes `bytes` more streamed through short-lived buffers, and frees the dead ones every 2 MiB. */
export function streamed(bytes: number): void {
  since += bytes;
  if (since < EVERY) return;
  since = 0;
  collect?.({ type: 'minor' });
}
