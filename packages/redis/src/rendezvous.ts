import { InvalidInputError } from '@userstream/core';

/** 32-bit FNV-1a over UTF-16 code units, from `seed`, finished with an avalanche mix. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

/** A bijective 32-bit avalanche mix (every input bit flips about half the output bits). */
function mix32(x: number): number {
  let h = x >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const SEED_A = 0x2545f491;
const SEED_B = 0x9e3779b9;

interface Hashed {
  readonly a: number;
  readonly b: number;
}

const hashed = (text: string): Hashed => ({ a: hash32(text, SEED_A), b: hash32(text, SEED_B) });

/** A 53-bit weight of one (worker, key) pair: the highest weight wins the key. */
function weight(worker: Hashed, key: Hashed): number {
  return mix32(worker.a ^ key.a) * 0x200000 + (mix32(worker.b ^ key.b ^ SEED_B) >>> 11);
}

function checkWorkers(workers: readonly string[]): void {
  if (!Array.isArray(workers)) {
    throw new InvalidInputError('@userstream/redis: rendezvous needs an array of worker ids', {
      field: 'workers',
    });
  }
}

/**
 * Rendezvous (highest random weight) hashing: the worker that owns `key` among `workers`, or
 * undefined when there is none. Every worker computes the same answer from the same member
 * list; adding or removing one worker of N moves only the keys it wins or held (about 1/N).
 */
export function rendezvousOwner(key: string, workers: readonly string[]): string | undefined {
  checkWorkers(workers);
  const k = hashed(key);
  let best: string | undefined;
  let bestWeight = -1;
  for (const w of workers) {
    const wt = weight(hashed(w), k);
    if (wt > bestWeight || (wt === bestWeight && best !== undefined && w < best)) {
      best = w;
      bestWeight = wt;
    }
  }
  return best;
}

/** Assigns each key to its rendezvous owner: worker → keys (every worker present, maybe with none). */
export function rendezvousAssign(keys: Iterable<string>, workers: readonly string[]): Map<string, string[]> {
  checkWorkers(workers);
  const ws = [...new Set(workers)].map((id) => ({ id, h: hashed(id) }));
  const out = new Map<string, string[]>(ws.map((w) => [w.id, []]));
  if (ws.length === 0) return out;
  for (const key of keys) {
    const k = hashed(key);
    let best = ws[0]!;
    let bestWeight = weight(best.h, k);
    for (let i = 1; i < ws.length; i++) {
      const w = ws[i]!;
      const wt = weight(w.h, k);
      if (wt > bestWeight || (wt === bestWeight && w.id < best.id)) {
        best = w;
        bestWeight = wt;
      }
    }
    out.get(best.id)!.push(key);
  }
  return out;
}
