import type { IncomingMessage, ServerResponse } from 'node:http';
import { ErrorCode, UserstreamError } from '@userstream/core';
import type { AdminGuard } from './admin-guard.js';
import type { FaultSpec } from './fault-types.js';
import { inputKit } from './option-kits.js';

/** What the admin endpoint needs from the simulator. */
export interface AdminDeps {
  applyFault(spec: FaultSpec): unknown;
  clearFaults(): void;
  state(): unknown;
  /** `{ apiKey|accountId, venue, asset, amount }` → engine deposit. */
  deposit(body: Record<string, unknown>): void;
  /** `{ symbol, price }` → engine setPrice. */
  setPrice(body: Record<string, unknown>): void;
  /** Host, Origin, token and content-type checks; set once the server is bound (refused until then). */
  guard?: AdminGuard;
}

const MAX_BODY = 64 * 1024;

const badBody = (message: string) => inputKit.invalid(message, 'body');

/** Answered when a handler throws something untyped: a simulator bug, not the caller's input. */
export const ADMIN_INTERNAL_ERROR = 'USERSTREAM_SIMULATOR_INTERNAL';

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      if (size > MAX_BODY) {
        reject(badBody('the body is larger than 64 KiB'));
        return;
      }
      const text = Buffer.concat(chunks).toString('utf8');
      if (!text.trim()) {
        resolve({});
        return;
      }
      try {
        const value: unknown = JSON.parse(text);
        if (typeof value !== 'object' || value === null || Array.isArray(value)) {
          reject(badBody('the body must be a JSON object'));
          return;
        }
        resolve(value as Record<string, unknown>);
      } catch {
        reject(badBody('the body is not valid JSON'));
      }
    });
    req.on('error', reject);
  });
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

/**
 * The admin HTTP endpoint, behind {@link AdminGuard} (own Host names only, no cross-origin
 * browser requests, JSON bodies only, and the admin token when one is set):
 * - `GET /admin/state`: connections, credentials (never their values), faults, request counts
 * - `POST /admin/faults` with `{"type": …}`: applies a fault, answers `{id, type, affected}`
 * - `DELETE /admin/faults`: releases every fault
 * - `POST /admin/deposit` `{accountId|apiKey, venue, asset, amount}` and `POST /admin/price` `{symbol, price}`
 */
export async function handleAdmin(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  d: AdminDeps,
): Promise<void> {
  const method = req.method ?? 'GET';
  const refused = d.guard
    ? d.guard.check(req, path)
    : { status: 503, code: ErrorCode.Closed, error: '@userstream/simulator: not listening yet' };
  if (refused) {
    // The body is not read: drop the connection after answering rather than drain it.
    res.setHeader('Connection', 'close');
    send(res, refused.status, { error: refused.error, code: refused.code }, refused.headers);
    return;
  }
  try {
    if (method === 'GET' && (path === '/admin' || path === '/admin/state')) {
      send(res, 200, d.state());
      return;
    }
    if (path === '/admin/faults' && method === 'POST') {
      const body = await readJson(req);
      send(res, 200, d.applyFault(body as unknown as FaultSpec));
      return;
    }
    if (path === '/admin/faults' && method === 'DELETE') {
      d.clearFaults();
      send(res, 200, {});
      return;
    }
    if (path === '/admin/deposit' && method === 'POST') {
      d.deposit(await readJson(req));
      send(res, 200, {});
      return;
    }
    if (path === '/admin/price' && method === 'POST') {
      d.setPrice(await readJson(req));
      send(res, 200, {});
      return;
    }
    send(res, 404, {
      error: `@userstream/simulator: no admin endpoint ${method} ${path}; use GET /admin/state, POST|DELETE /admin/faults, POST /admin/deposit, POST /admin/price`,
    });
  } catch (error) {
    if (!UserstreamError.isInstance(error)) {
      // Bad input gets a typed error where it is checked; anything else is ours to fix, and
      // passing it off as a 400 would hide it. The caller logs it (simulator.ts).
      send(res, 500, {
        error: '@userstream/simulator: internal error while handling an admin request (a simulator bug)',
        code: ADMIN_INTERNAL_ERROR,
      });
      throw error;
    }
    send(res, 400, {
      error: error.message.startsWith('@userstream')
        ? error.message
        : `@userstream/simulator: ${error.message}`,
      code: error.code,
    });
  }
}
