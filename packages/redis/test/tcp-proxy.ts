/**
 * A TCP proxy that tests put between a worker and Redis (or the simulator) to partition them
 * the way a real network does, without touching either end:
 *
 * - `cut()`: every open connection is reset (both sides see the socket end) and new ones are
 *   reset on accept, until `heal()`. A crashed switch, a firewall that rejects.
 * - `blackhole()`: connections stay open and new ones are accepted, but no byte flows either
 *   way; bytes are held, not dropped, so that a `heal()` before anyone gave up delivers them in
 *   order (TCP retransmission), and a client that gave up and reconnected sees a clean stream.
 *   A partition that drops packets silently: the worst case, since nobody is told.
 * - `delay(ms)`: every chunk is delivered `ms` later, order kept per direction.
 * - `heal()`: back to a clean pass-through (held bytes delivered, delay cleared).
 * - `tap(listener)`: sees every chunk as it arrives at the proxy (before cut/blackhole/delay
 *   decide its fate), e.g. to tell which worker sent a `DELETE` the venue then saw.
 *
 * Listens on 127.0.0.1 port 0; `stop()` closes everything. `localAddress` binds the upstream side
 * to that loopback address (127.0.0.11, 127.0.0.12…), so the target sees each proxy's clients as
 * another host, as it would see workers on separate machines. Used by the fencing/partition
 * tests (issue 15 items 2 and 8) and the chaos suite's partition runs (apps/chaos).
 */
import { once } from 'node:events';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

export type ProxyMode = 'pass' | 'cut' | 'blackhole';

export interface TcpProxy {
  /** The port to give clients instead of the target's. */
  readonly port: number;
  readonly host: '127.0.0.1';
  /** The current mode. */
  readonly mode: ProxyMode;
  /** Open client-side connections (each has its upstream twin). */
  readonly connections: number;
  /** Connections accepted since start (a reconnect shows up here). */
  readonly accepted: number;
  cut(): void;
  blackhole(): void;
  /** Adds `ms` of latency to every chunk from now on (0 removes it); keeps the mode. */
  delay(ms: number): void;
  heal(): void;
  /** Calls `listener` with each chunk the proxy receives; returns a function that removes it. */
  tap(listener: TapListener): () => void;
  stop(): Promise<void>;
}

export type TapListener = (direction: 'toUpstream' | 'toClient', chunk: Buffer) => void;

interface Pipe {
  readonly client: Socket;
  readonly upstream: Socket;
  /** Bytes held while blackholed, per direction, in arrival order. */
  readonly held: { toUpstream: Buffer[]; toClient: Buffer[] };
  /** The time the last delayed chunk of each direction is due: later chunks never overtake. */
  readonly due: { toUpstream: number; toClient: number };
  closed: boolean;
}

export async function startTcpProxy(target: {
  port: number;
  host?: string;
  localAddress?: string;
}): Promise<TcpProxy> {
  const targetHost = target.host ?? '127.0.0.1';
  const pipes = new Set<Pipe>();
  const timers = new Set<NodeJS.Timeout>();
  let mode: ProxyMode = 'pass';
  let delayMs = 0;
  let accepted = 0;
  const taps = new Set<TapListener>();

  const close = (pipe: Pipe): void => {
    if (pipe.closed) return;
    pipe.closed = true;
    pipes.delete(pipe);
    // resetAndDestroy sends RST where it can: the peer learns at once, as with a rejecting firewall.
    for (const s of [pipe.client, pipe.upstream]) {
      if (typeof s.resetAndDestroy === 'function' && s.readyState !== 'opening') s.resetAndDestroy();
      else s.destroy();
    }
  };

  const receive = (pipe: Pipe, dir: 'toUpstream' | 'toClient', chunk: Buffer): void => {
    for (const listener of taps) listener(dir, chunk);
    deliver(pipe, dir, chunk);
  };

  const deliver = (pipe: Pipe, dir: 'toUpstream' | 'toClient', chunk: Buffer): void => {
    if (pipe.closed) return;
    const to = dir === 'toUpstream' ? pipe.upstream : pipe.client;
    if (mode === 'blackhole') {
      pipe.held[dir].push(chunk);
      return;
    }
    if (delayMs <= 0 && pipe.due[dir] <= Date.now()) {
      to.write(chunk);
      return;
    }
    const at = Math.max(Date.now() + delayMs, pipe.due[dir]);
    pipe.due[dir] = at;
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (pipe.closed) return;
      // A blackhole that began while this chunk was in flight holds it too.
      if (mode === 'blackhole') pipe.held[dir].push(chunk);
      else to.write(chunk);
    }, at - Date.now());
    timers.add(timer);
  };

  const server: Server = createServer({ noDelay: true }, (client) => {
    accepted += 1;
    if (mode === 'cut') {
      client.on('error', () => {});
      client.resetAndDestroy();
      return;
    }
    const upstream = tcpConnect({
      port: target.port,
      host: targetHost,
      noDelay: true,
      ...(target.localAddress === undefined ? {} : { localAddress: target.localAddress }),
    });
    const pipe: Pipe = {
      client,
      upstream,
      held: { toUpstream: [], toClient: [] },
      due: { toUpstream: 0, toClient: 0 },
      closed: false,
    };
    pipes.add(pipe);
    client.on('data', (chunk: Buffer) => receive(pipe, 'toUpstream', chunk));
    upstream.on('data', (chunk: Buffer) => receive(pipe, 'toClient', chunk));
    for (const s of [client, upstream]) {
      s.on('error', () => close(pipe));
      s.on('close', () => close(pipe));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  const flushHeld = (): void => {
    for (const pipe of pipes) {
      for (const dir of ['toUpstream', 'toClient'] as const) {
        const chunks = pipe.held[dir].splice(0);
        for (const chunk of chunks) deliver(pipe, dir, chunk);
      }
    }
  };

  return {
    port,
    host: '127.0.0.1',
    get mode() {
      return mode;
    },
    get connections() {
      return pipes.size;
    },
    get accepted() {
      return accepted;
    },
    cut() {
      mode = 'cut';
      for (const pipe of [...pipes]) close(pipe);
    },
    blackhole() {
      mode = 'blackhole';
    },
    delay(ms: number) {
      delayMs = Math.max(0, ms);
    },
    heal() {
      mode = 'pass';
      delayMs = 0;
      flushHeld();
    },
    tap(listener) {
      taps.add(listener);
      return () => taps.delete(listener);
    },
    async stop() {
      mode = 'cut';
      taps.clear();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const pipe of [...pipes]) close(pipe);
      const closed = once(server, 'close');
      server.close();
      await closed;
    },
  };
}
