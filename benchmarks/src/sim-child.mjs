// The simulator, in its own process so its CPU is never counted against a client. Forked by
// harness.mjs; driven over IPC. One simulator per measured run, so no state leaks between clients.
import { startSimulator } from '@userstream/simulator';
import { benchAccounts } from './accounts.mjs';

const options = JSON.parse(process.argv[2] ?? '{}');
// `accounts: n` makes n HMAC accounts (idle-stream scale runs); otherwise the seeded defaults.
const accounts = options.accounts ? benchAccounts(options.accounts) : undefined;
const sim = await startSimulator({
  recordEvents: options.recordEvents === true,
  seed: 1,
  ...(accounts ? { accounts } : {}),
});
const account = sim.accounts.find((a) => a.keyType === 'hmac');
const ACCOUNT_ID = account.id;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Raw streams open on listenKeys plus WebSocket API subscriptions. */
async function subscribers() {
  const res = await fetch(`${sim.urls.admin}/state`);
  const state = await res.json();
  let n = state.subscriptions ?? 0;
  for (const key of state.listenKeys ?? []) n += key.streams;
  return n;
}

const handlers = {
  async waitSubscribed({ n = 1, timeoutMs = 15_000 }) {
    const until = Date.now() + timeoutMs;
    let count = await subscribers();
    while (count < n && Date.now() < until) {
      await sleep(20);
      count = await subscribers();
    }
    return { count };
  },
  /**
   * `fills` > 0: matching steps (a taker filling against `fills` makers, one `E` per step, many
   * frames per socket write); 0: lone order updates. With `withEs`, every `E` sent, in order.
   */
  async burst({ venue, count, fills = 0, framesPerWrite, withEs = false }) {
    if (withEs) sim.record.clear();
    const result = await sim.load.burst({ accountId: ACCOUNT_ID, venue, count, fills, framesPerWrite });
    const Es = withEs
      ? sim.record
          .events({ accountId: ACCOUNT_ID, venue })
          .filter((e) => e.source === 'load')
          .map((e) => e.E)
      : undefined;
    return { sent: result.sent, frames: result.frames, durationMs: result.durationMs, Es };
  },
  async steady({ venue, ratePerSec, durationMs }) {
    const handle = sim.load.steady({ accountId: ACCOUNT_ID, venue, ratePerSec });
    await sleep(durationMs);
    handle.stop();
    return { sent: handle.sent };
  },
  /**
   * Steady load with one fault after `beforeMs`; answers when the load stops, with every `E` sent.
   * A stall lasts `stallMs`, or (default) the rest of the run: a half-open connection never recovers.
   */
  async faultRun({ venue, fault, ratePerSec, beforeMs, afterMs, stallMs }) {
    sim.record.clear();
    const handle = sim.load.steady({ accountId: ACCOUNT_ID, venue, ratePerSec });
    await sleep(beforeMs);
    const target = { accountId: ACCOUNT_ID, venue };
    const faultAt = Date.now();
    let affected = 0;
    let stall;
    if (fault === 'drop') {
      affected = sim.faults.drop({ ...target, mode: 'terminate' });
    } else if (fault === 'stall') {
      // A half-open connection: nothing arrives, pings unanswered; what it held back is lost.
      stall = sim.faults.stall({ ...target, flush: false });
      if (stallMs !== undefined) setTimeout(() => stall.release(), stallMs).unref();
      affected = 1;
    } else if (fault === 'expire') {
      affected = sim.faults.expire(target);
    }
    await sleep(afterMs);
    handle.stop();
    stall?.release();
    const sent = sim.record
      .events(target)
      .filter((e) => e.source === 'load')
      .map((e) => e.E);
    return { faultAt, affected, sent };
  },
  async close() {
    await sim.close();
    setImmediate(() => process.exit(0));
    return {};
  },
};

process.on('message', async (msg) => {
  try {
    const result = await handlers[msg.cmd](msg);
    process.send({ id: msg.id, ok: true, ...result });
  } catch (error) {
    process.send({ id: msg.id, ok: false, error: String(error?.stack ?? error) });
  }
});
process.on('disconnect', () => process.exit(0));

process.send({
  type: 'ready',
  urls: sim.urls,
  account: { id: account.id, apiKey: account.apiKey, secret: account.secret },
});
