// Listing a KV bucket's keys with a deadline. The client's keys() counts the messages pending
// when it starts and waits for that many: keys that expire meanwhile (presence keys, leases
// past their TTL) are never delivered, and the listing can wait for good, stalling whoever
// awaits it (the writer round, a graceful stop). Past the deadline the listing fails instead.
import type { KV } from '@nats-io/kv';

const LIST_TIMEOUT_MS = 10_000;

export async function listKeys(kv: KV, filter = '>', timeoutMs = LIST_TIMEOUT_MS): Promise<string[]> {
  const keys = await kv.keys(filter);
  const timer = setTimeout(
    () => keys.stop(new Error(`listing the keys ${filter} of a NATS KV bucket took over ${timeoutMs} ms`)),
    timeoutMs,
  );
  const out: string[] = [];
  try {
    for await (const key of keys) out.push(key);
  } finally {
    clearTimeout(timer);
  }
  return out;
}
