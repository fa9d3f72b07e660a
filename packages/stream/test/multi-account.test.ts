/**
 * USD-M's routed `/private` forms (issue #18): an `events=` filter, and several accounts' keys on
 * one socket (`/private/stream?listenKey=K1&events=…&listenKey=K2…`), demultiplexed by the
 * `stream` name of each `{"stream":…,"data":…}` frame.
 * https://developers.binance.com/docs/derivatives/usds-margined-futures/websocket-market-streams/Important-WebSocket-Change-Notice
 * (the notice shows the URL forms; the stream-mode envelope is the documented combined-stream
 * wrapper `{"stream":"<streamName>","data":<rawPayload>}`, e.g.
 * https://developers.binance.com/docs/derivatives/option/websocket-market-streams/Connect)
 */
import type { SimAccount } from '@userstream/simulator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createListenKeyConnection, type ListenKeyStream, openListenKeyStream } from '../src/index.js';
import { order, type Rig, record, rig, seen, sent, until } from './helpers.js';

let r: Rig;
const closers: { close(): Promise<void> }[] = [];

beforeEach(async () => {
  r = await rig({ accounts: [{ id: 'a' }, { id: 'b' }, { id: 'c' }] });
});

afterEach(async () => {
  for (const c of closers.splice(0)) await c.close();
  await r.close();
});

const USDM = 'binance-usdm';

describe('events= filter', () => {
  it('asks the venue for the named events only; listenKeyExpired still arrives', async () => {
    const listenKey = await r.createListenKey(USDM);
    const stream = openListenKeyStream({
      venue: r.sim.venue(USDM),
      listenKey,
      clock: r.clock,
      events: ['ACCOUNT_UPDATE'],
    });
    closers.push(stream);
    const log = record(stream);
    await stream.opened();
    order(r.sim, r.account.id, USDM); // ORDER_TRADE_UPDATE: filtered out by the venue
    r.sim.exchange.deposit(r.account.id, USDM, 'USDT', '5'); // ACCOUNT_UPDATE
    r.sim.faults.expire({ accountId: r.account.id, venue: USDM });
    await until(() => log.count('credentialExpired') === 1, 'the expiry');
    const all = sent(r.sim, r.account.id, USDM);
    expect(all.some((e) => e.startsWith('ORDER_TRADE_UPDATE@'))).toBe(true);
    expect(seen(log.events)).toEqual(
      all.filter((e) => e.startsWith('ACCOUNT_UPDATE@') || e.startsWith('listenKeyExpired@')),
    );
    expect(log.events.map((e) => e.e)).toEqual(['ACCOUNT_UPDATE', 'listenKeyExpired']);
  });

  it('refuses an unknown event name at the factory, naming the field and the known names', () => {
    expect(() =>
      openListenKeyStream({
        venue: r.sim.venue(USDM),
        listenKey: 'k'.repeat(64),
        clock: r.clock,
        events: ['ORDER_UPDATE'],
      }),
    ).toThrow(
      expect.objectContaining({
        code: 'USERSTREAM_INVALID_CONFIG',
        field: 'events',
        message: expect.stringContaining(
          "events: 'ORDER_UPDATE' is not a binance-usdm event type; use one of",
        ),
      }),
    );
  });
});

describe('several accounts on one /private/stream connection', () => {
  async function fleet(events?: readonly string[]) {
    const connection = createListenKeyConnection({
      venue: r.sim.venue(USDM),
      clock: r.clock,
      ...(events ? { events } : {}),
    });
    closers.push(connection);
    const accounts = r.sim.accounts as SimAccount[];
    const streams: ListenKeyStream[] = [];
    for (const a of accounts) streams.push(connection.open({ listenKey: await r.createListenKey(USDM, a) }));
    const logs = streams.map(record);
    await Promise.all(streams.map((s) => s.opened()));
    await until(() => r.sim.record.connections === 1, 'one socket for three accounts');
    return { connection, accounts, streams, logs };
  }

  /** Every account saw exactly what the venue sent it, in E order. */
  async function exact(accounts: SimAccount[], logs: ReturnType<typeof record>[], skip?: number) {
    await until(
      () => accounts.every((a, i) => i === skip || logs[i]!.events.length === sent(r.sim, a.id, USDM).length),
      'every account caught up',
    );
    for (const [i, a] of accounts.entries()) {
      if (i === skip) continue;
      expect(seen(logs[i]!.events)).toEqual(sent(r.sim, a.id, USDM));
      const Es = logs[i]!.Es();
      expect(Es).toEqual([...Es].sort((x, y) => x - y));
    }
  }

  it('one account’s key expiry and replacement leave the others’ events intact, ordered and gap-free', async () => {
    const { accounts, streams, logs } = await fleet(['ORDER_TRADE_UPDATE', 'ACCOUNT_UPDATE']);
    const [a, b, c] = accounts as [SimAccount, SimAccount, SimAccount];
    for (const [i, acc] of accounts.entries()) order(r.sim, acc.id, USDM, String(49_000 + i));
    await exact(accounts, logs);

    r.sim.faults.expire({ accountId: b.id, venue: USDM });
    await until(() => logs[1]!.count('credentialExpired') === 1, "b's expiry");
    // a and c keep streaming on the same socket while b has no key.
    order(r.sim, a.id, USDM, '48000');
    order(r.sim, c.id, USDM, '48001');
    await exact(accounts, logs, 1);
    expect(r.sim.record.connections).toBe(1);

    await (streams[1] as ListenKeyStream).replaceListenKey(await r.createListenKey(USDM, b));
    await until(() => logs[1]!.count('gap') === 1, "b's gap");
    expect(logs[1]!.lifecycle.find((l) => l.type === 'gap')?.info).toMatchObject({
      reason: 'credential-changed',
    });
    for (const acc of accounts) order(r.sim, acc.id, USDM, '47000');
    await exact(accounts, logs);
    expect([logs[0]!.count('gap'), logs[2]!.count('gap')]).toEqual([0, 0]);
    expect([logs[0]!.count('credentialExpired'), logs[2]!.count('credentialExpired')]).toEqual([0, 0]);
  });

  it('a dropped socket gives every account one gap, then each its own events again', async () => {
    const { accounts, logs } = await fleet();
    for (const acc of accounts) order(r.sim, acc.id, USDM);
    await exact(accounts, logs);
    r.sim.faults.drop({ mode: 'terminate' });
    await until(() => logs.every((l) => l.count('gap') === 1), 'a gap each');
    for (const [i, acc] of accounts.entries()) order(r.sim, acc.id, USDM, String(46_000 + i));
    await exact(accounts, logs);
  });

  it('never hands an account another account’s frame: a key that left is not delivered to the one left', async () => {
    const { accounts, streams, logs } = await fleet();
    const [a, b] = accounts as [SimAccount, SimAccount];
    await streams[2]!.close();
    // The socket that still carries b's key stays (its replacement is refused), and b leaves.
    const refusal = r.sim.faults.refuseConnections({ mode: 'reject' });
    await streams[1]!.close();
    // b's key is still valid on the venue, which goes on sending b's events on that socket.
    order(r.sim, b.id, USDM, '45000');
    order(r.sim, a.id, USDM, '45001');
    await until(() => logs[0]!.events.length >= sent(r.sim, a.id, USDM).length, "a's events");
    // Let b's frame arrive too (it was sent first, on the same socket).
    await until(() => r.sim.record.events({ accountId: b.id, venue: USDM }).length > 0, "b's event sent");
    expect(seen(logs[0]!.events)).toEqual(sent(r.sim, a.id, USDM));
    refusal.release();
  });

  it('an account added while the socket dials is open only once a socket carries its key: nothing sent after opened() is lost', async () => {
    const [a, b] = r.sim.accounts as SimAccount[] as [SimAccount, SimAccount];
    const connection = createListenKeyConnection({ venue: r.sim.venue(USDM), clock: r.clock });
    closers.push(connection);
    const [ka, kb] = [await r.createListenKey(USDM, a), await r.createListenKey(USDM, b)];
    // Both join before the first socket is open: the first URL carries only a's key.
    const sa = connection.open({ listenKey: ka });
    const sb = connection.open({ listenKey: kb });
    const lb = record(sb);
    await Promise.all([sa.opened(), sb.opened()]);
    // The venue sends b's event the moment b is reported open; it must reach b.
    order(r.sim, b.id, USDM, '44000');
    await until(() => lb.events.length === 1, "b's first event");
    expect(seen(lb.events)).toEqual(sent(r.sim, b.id, USDM));
  });

  it('a socket drop while one account’s key is expired and not yet replaced reconnects the others without it', async () => {
    const { accounts, streams, logs } = await fleet();
    const [a, b, c] = accounts as [SimAccount, SimAccount, SimAccount];
    r.sim.faults.expire({ accountId: a.id, venue: USDM });
    await until(() => logs[0]!.count('credentialExpired') === 1, "a's expiry");
    // The venue refuses a URL naming a dead key: a reconnect must leave a's key out.
    r.sim.faults.drop({ mode: 'terminate' });
    await until(() => logs[1]!.count('gap') === 1 && logs[2]!.count('gap') === 1, 'b and c back, with a gap');
    order(r.sim, b.id, USDM, '43000');
    order(r.sim, c.id, USDM, '43001');
    await exact(accounts, logs, 0);
    expect([logs[1]!.count('credentialExpired'), logs[2]!.count('credentialExpired')]).toEqual([0, 0]);
    // a comes back with its new key, on the same connection, with its gap.
    await (streams[0] as ListenKeyStream).replaceListenKey(await r.createListenKey(USDM, a));
    await until(() => logs[0]!.count('gap') === 1, "a's gap");
    order(r.sim, a.id, USDM, '43002');
    await exact(accounts, logs);
  });
});
