import type { IncomingMessage, ServerResponse } from 'node:http';
import type { VenueId } from '@userstream/core';
import type { Recorder } from './record.js';

/** The REST actions (listenKey create, keepalive, close) `sim.record.credentialRequests()` lists. */
export const CREDENTIAL_ACTIONS: ReadonlySet<string> = new Set([
  'listenKeyCreate',
  'listenKeyKeepAlive',
  'listenKeyClose',
]);

/** `address:port` of the request's TCP peer (`[v6]:port`): who sent it, as the socket says. */
export function peerOf(req: IncomingMessage): string {
  const address = req.socket.remoteAddress ?? 'unknown';
  return `${address.includes(':') ? `[${address}]` : address}:${req.socket.remotePort ?? 0}`;
}

/**
 * One listenKey request on its way to `sim.record.credentialRequests()`: the REST handler fills
 * in the account and the key as it learns them, then calls `done()` once it answered (or held)
 * the request.
 */
export class CredentialNote {
  accountId: string | undefined;
  key: string | undefined;
  readonly #at: number;
  readonly #peer: string;
  readonly #recorder: Recorder;
  readonly #req: { method: string; path: string; venue: VenueId; res: ServerResponse };

  constructor(
    recorder: Recorder,
    at: number,
    req: IncomingMessage,
    what: { method: string; path: string; venue: VenueId; res: ServerResponse },
  ) {
    this.#recorder = recorder;
    this.#at = at;
    this.#peer = peerOf(req);
    this.#req = what;
  }

  /** A note for a listenKey request (`action`), undefined for any other request. */
  static start(
    deps: { recorder: Recorder; now: () => number },
    req: IncomingMessage,
    action: string,
    what: { method: string; path: string; venue: VenueId; res: ServerResponse },
  ): CredentialNote | undefined {
    return CREDENTIAL_ACTIONS.has(action)
      ? new CredentialNote(deps.recorder, deps.now(), req, what)
      : undefined;
  }

  /** Records the request with the status answered (0 while held) and the venue's error code, if any. */
  done(code?: number): void {
    const { method, path, venue, res } = this.#req;
    this.#recorder.credentialRequest({
      at: this.#at,
      method,
      path,
      venue,
      accountId: this.accountId,
      listenKey: this.key,
      status: res.headersSent ? res.statusCode : 0,
      ...(code === undefined ? {} : { code }),
      peer: this.#peer,
    });
  }
}
