/**
 * What went wrong on the network, in the words `ping` or `curl` would use
 * (`getaddrinfo ENOTFOUND fapi.binance.com`, `connect ECONNREFUSED 127.0.0.1:9443`), for the
 * message of a transport error: a user reading a log line should not have to dig into `cause`.
 *
 * Built only from structured fields (code, syscall, hostname, address, port), never from the
 * cause's own message: that can quote a URL with a listenKey or a signature in its query.
 */

const CODE = /^[A-Z][A-Z0-9_]{1,40}$/;
const HOST = /^[A-Za-z0-9.:[\]_-]{1,253}$/;

/** undici's own codes, said the way a person would. */
const UNDICI: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers in time',
  UND_ERR_BODY_TIMEOUT: 'the response body stalled',
  UND_ERR_SOCKET: 'the connection was closed by the other side',
  UND_ERR_CLOSED: 'the connection was closed',
  UND_ERR_DESTROYED: 'the connection was destroyed',
  UND_ERR_PRX_TLS: 'the proxy TLS handshake failed',
};

interface NetworkFields {
  code?: unknown;
  syscall?: unknown;
  hostname?: unknown;
  address?: unknown;
  port?: unknown;
  cause?: unknown;
  errors?: unknown;
}

function fieldsOf(value: unknown): NetworkFields | undefined {
  return typeof value === 'object' && value !== null ? (value as NetworkFields) : undefined;
}

function describeOne(e: NetworkFields): string | undefined {
  if (typeof e.code !== 'string' || !CODE.test(e.code)) return undefined;
  const undici = UNDICI[e.code];
  if (undici !== undefined) return undici;
  const syscall = typeof e.syscall === 'string' && /^[a-z]{1,20}$/.test(e.syscall) ? `${e.syscall} ` : '';
  if (typeof e.hostname === 'string' && HOST.test(e.hostname)) return `${syscall}${e.code} ${e.hostname}`;
  if (typeof e.address === 'string' && HOST.test(e.address)) {
    const port = Number.isInteger(e.port) ? `:${e.port as number}` : '';
    return `${syscall}${e.code} ${e.address}${port}`;
  }
  return `${syscall}${e.code}`;
}

/**
 * The network cause of `error` (itself, or the first of its `cause` chain, or of an
 * `AggregateError`'s `errors` such as Node's happy-eyeballs connect gives) that carries a
 * system or undici error code; `undefined` when none does.
 */
export function describeNetworkCause(error: unknown): string | undefined {
  const seen = new Set<unknown>();
  const queue: unknown[] = [error];
  while (queue.length > 0 && seen.size < 16) {
    const current = queue.shift();
    const e = fieldsOf(current);
    if (e === undefined || seen.has(current)) continue;
    seen.add(current);
    // An AggregateError's own code (if any) says less than its parts: read those first.
    if (Array.isArray(e.errors) && e.errors.length > 0) {
      const first = describeNetworkCause(e.errors[0]);
      if (first !== undefined) return first;
    }
    const text = describeOne(e);
    if (text !== undefined) return text;
    queue.push(e.cause);
  }
  return undefined;
}
