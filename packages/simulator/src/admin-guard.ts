import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from '@userstream/core';
import { interfaceAddresses, isWildcard, normalizeHost } from './address.js';

/** Stable codes of admin requests the simulator refuses (the `code` of the JSON answer). */
export const AdminRefusal = Object.freeze({
  /** 403: the `Host` is not one of the simulator's names (DNS rebinding). */
  BadHost: 'USERSTREAM_ADMIN_BAD_HOST',
  /** 403: a browser request from another origin (`Origin`, `Sec-Fetch-Site`). */
  CrossOrigin: 'USERSTREAM_ADMIN_CROSS_ORIGIN',
  /** 401: an admin token is set and the request did not carry it. */
  Unauthorized: 'USERSTREAM_ADMIN_UNAUTHORIZED',
  /** 415: a state change without `Content-Type: application/json`. */
  ContentType: 'USERSTREAM_ADMIN_CONTENT_TYPE',
});

export interface AdminRefused {
  status: number;
  code: string;
  error: string;
  headers?: Record<string, string>;
}

export interface AdminGuardOptions {
  /** The host the simulator was asked to bind (as given), and what it really bound. */
  host: string;
  boundAddress: string;
  port: number;
  token: string | undefined;
  /** More `Host` names to accept (a container's service name, a tunnel). */
  allowedHosts: readonly string[];
  logger: Logger | undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** `host[:port]` from a Host header or URL authority; undefined when it is not one. */
function splitHost(value: string): { host: string; port: string | undefined } | undefined {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(value.trim());
  if (!m) return undefined;
  return { host: normalizeHost(m[1] as string), port: m[2] };
}

/**
 * The admin API's front door. The API applies faults and moves balances, so a browser on the
 * same machine must not reach it: `Host` must be one of the simulator's own names (a page that
 * rebinds its DNS name to 127.0.0.1 still sends its own name), a browser's `Origin` must be the
 * simulator's own, state changes must be `application/json` (which a cross-origin page cannot
 * send without a preflight the simulator never answers), and with a token, `Authorization:
 * Bearer <token>` must match (compared in constant time, never logged or echoed).
 */
export class AdminGuard {
  readonly #o: AdminGuardOptions;
  readonly #fixed: Set<string>;
  readonly #token: Buffer | undefined;

  constructor(options: AdminGuardOptions) {
    this.#o = options;
    this.#fixed = new Set(
      ['localhost', '127.0.0.1', '::1', options.host, options.boundAddress, ...options.allowedHosts].map(
        normalizeHost,
      ),
    );
    this.#token = options.token === undefined ? undefined : digest(options.token);
  }

  #knownHost(host: string): boolean {
    // *.localhost resolves to loopback in browsers themselves: no DNS answer can rebind it.
    if (this.#fixed.has(host) || host.endsWith('.localhost')) return true;
    // Bound to every interface: each interface address is a name of this simulator (looked up per
    // request, as interfaces come and go).
    if (isWildcard(this.#o.boundAddress) || isWildcard(this.#o.host))
      return interfaceAddresses(this.#o.boundAddress).some((a) => normalizeHost(a) === host);
    return false;
  }

  /** `host[:port]` names this simulator (default port 80 when none is given). */
  #ours(authority: { host: string; port: string | undefined }): boolean {
    return this.#knownHost(authority.host) && Number(authority.port ?? '80') === this.#o.port;
  }

  /** Undefined when the request may go on; otherwise the answer to send. */
  check(req: IncomingMessage, path: string): AdminRefused | undefined {
    const refused = this.#check(req);
    if (refused) {
      this.#o.logger?.warn(
        {
          status: refused.status,
          code: refused.code,
          method: req.method,
          path,
          host: req.headers.host?.slice(0, 100),
        },
        '@userstream/simulator: admin request refused',
      );
    }
    return refused;
  }

  #check(req: IncomingMessage): AdminRefused | undefined {
    const hostHeader = req.headers.host;
    const host = typeof hostHeader === 'string' ? splitHost(hostHeader) : undefined;
    if (!host || !this.#ours(host)) {
      return {
        status: 403,
        code: AdminRefusal.BadHost,
        error:
          '@userstream/simulator: the admin API answers only to its own host names (loopback names, the bound address, admin.allowedHosts / --admin-allow-host); this Host header is not one of them',
      };
    }
    const origin = req.headers.origin;
    const site = req.headers['sec-fetch-site'];
    if (origin !== undefined || (typeof site === 'string' && site !== 'same-origin' && site !== 'none')) {
      let same = false;
      if (typeof origin === 'string' && origin !== 'null') {
        try {
          const url = new URL(origin);
          same =
            url.protocol === 'http:' &&
            url.username === '' &&
            url.pathname === '/' &&
            this.#ours({ host: normalizeHost(url.hostname), port: url.port || undefined });
        } catch {
          same = false;
        }
      }
      if (!same) {
        return {
          status: 403,
          code: AdminRefusal.CrossOrigin,
          error:
            '@userstream/simulator: the admin API refuses requests from web pages of another origin; call it from a test, a script or curl',
        };
      }
    }
    if (this.#token) {
      const auth = req.headers.authorization;
      const m = typeof auth === 'string' ? /^Bearer ([\x21-\x7e]+)$/i.exec(auth) : null;
      // Digests have one length, so the comparison takes the same time whatever was sent.
      if (!m || !timingSafeEqual(digest(m[1] as string), this.#token)) {
        return {
          status: 401,
          code: AdminRefusal.Unauthorized,
          error:
            '@userstream/simulator: the admin API needs the admin token: send Authorization: Bearer <token> (the token given as admin.token / --admin-token)',
          headers: { 'WWW-Authenticate': 'Bearer realm="userstream-simulator-admin"' },
        };
      }
    }
    const method = req.method ?? 'GET';
    // DELETE carries no body, and no page can send one cross-origin without a preflight (which
    // is never answered) or a form; POST bodies are what a page can forge as text/plain or a form.
    if (method !== 'GET' && method !== 'HEAD' && method !== 'DELETE') {
      const type = req.headers['content-type'];
      const media = typeof type === 'string' ? (type.split(';')[0] as string).trim().toLowerCase() : '';
      if (media !== 'application/json') {
        return {
          status: 415,
          code: AdminRefusal.ContentType,
          error:
            '@userstream/simulator: admin requests that change state must be sent with Content-Type: application/json',
        };
      }
    }
    return undefined;
  }
}
