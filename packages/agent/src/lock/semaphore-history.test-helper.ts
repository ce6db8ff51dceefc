// Reads back what a reboot-lock semaphore went through, for the tests against real etcd.
import type { EtcdClient } from './etcd-client.js';
import { parseSemaphore, type Semaphore } from './semaphore.js';

/** Every value `key` has had since revision `from`, oldest first, read back from etcd's history. */
export async function semaphoreHistory(
  client: EtcdClient,
  { key, from }: { readonly key: string; readonly from: number },
): Promise<Semaphore[]> {
  const values: Semaphore[] = [];
  let at = await client.revision();
  while (at > from) {
    const kv = await client.get(key, { revision: at });
    if (kv === undefined || kv.modRevision <= from) break;
    values.unshift(parseSemaphore(kv.value));
    at = kv.modRevision - 1;
  }
  return values;
}
