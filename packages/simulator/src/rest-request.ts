/** Reading a REST request: the body (bounded) and the query and form parameters (rest.ts). */
import type { IncomingMessage } from 'node:http';
import { apiError } from './auth.js';
import { VenueCode } from './engine/index.js';

/** Largest request body read; a bigger one is answered 413. */
export const MAX_BODY = 64 * 1024;

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reject(apiError(413, VenueCode.Unknown, 'Request body too large.'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** The query's and the form body's parameters (the body's win). */
export function parseParams(query: string, body: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const text of [query, body]) {
    if (!text) continue;
    for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  }
  return out;
}

// Aster v3 signs with user, signer and nonce instead of timestamp (venues/aster-v3.ts).
const STRIPPED = new Set(['timestamp', 'recvWindow', 'signature', 'user', 'signer', 'nonce']);

/** The parameters the engine sees: the signing ones removed, the route's extras added. */
export function engineParams(
  params: Record<string, string>,
  extra?: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (!STRIPPED.has(k)) out[k] = v;
  return extra ? { ...out, ...extra } : out;
}
