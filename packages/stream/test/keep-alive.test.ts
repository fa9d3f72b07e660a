import { type ChildProcess, spawn } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleForChild } from './bundle.js';

/**
 * Issue 16 item 1: a stream that is not closed keeps its process alive while it connects, is open
 * or reconnects. The exchange is the simulator CLI in another process (as a real one is), so the
 * child's event loop holds nothing but what the stream holds.
 */

let out: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  out = bundleForChild('keep-alive-test', {
    sim: '../simulator/src/cli.ts',
    child: 'test/fixtures/keep-alive-child.ts',
  });
}, 120_000);

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

interface Proc {
  child: ChildProcess;
  lines: string[];
  exited: Promise<number | null>;
  /** Resolves once a line matching `pattern` was printed (real time, bounded). */
  line(pattern: RegExp, timeoutMs?: number): Promise<string>;
}

function start(script: string, args: string[]): Proc {
  const child = spawn(process.execPath, [`${out}${script}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  let stderr = '';
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      lines.push(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const line = async (pattern: RegExp, timeoutMs = 10_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find((l) => pattern.test(l));
      if (found !== undefined) return found;
      if (Date.now() > end || child.exitCode !== null)
        throw new Error(
          `${script}: no line ${pattern} (exit ${child.exitCode})\n${lines.join('\n')}\n${stderr}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { child, lines, exited, line };
}

async function simulator() {
  const sim = start('sim.js', ['--seed', '3']);
  const info = JSON.parse(await sim.line(/^\{/)) as {
    rest: string;
    ws: string;
    admin: string;
    accounts: { id: string; apiKey: string }[];
  };
  const account = info.accounts[0] as { id: string; apiKey: string };
  const admin = async (method: 'POST' | 'DELETE', path: string, body?: unknown) => {
    const res = await fetch(`${info.admin}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const res = await fetch(`${info.rest}/fapi/v1/listenKey`, {
    method: 'POST',
    headers: { 'X-MBX-APIKEY': account.apiKey },
  });
  const { listenKey } = (await res.json()) as { listenKey: string };
  return { sim, info, account, admin, listenKey };
}

describe('a stream keeps its process alive', () => {
  it('through 5 s of refused reconnects, then recovers; close() lets the process exit by itself', async () => {
    const { info, account, admin, listenKey } = await simulator();
    const child = start('child.js', [info.rest, info.ws, listenKey]);
    await child.line(/^open$/);
    await admin('POST', '/faults', { type: 'refuseConnections' });
    expect(await admin('POST', '/faults', { type: 'drop' })).toMatchObject({ affected: 1 });
    await child.line(/^reconnecting/);
    // 5 s of refused connections: every retry fails, and the process must still be there.
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    expect(child.child.exitCode).toBeNull();
    expect(child.lines.filter((l) => l.startsWith('reconnecting')).length).toBeGreaterThan(3);
    expect(child.lines).not.toContain('reconnected');
    await admin('DELETE', '/faults');
    await child.line(/^reconnected$/);
    // The gap follows `reconnected` at once, but a pipe may hand the two lines over in two reads.
    await child.line(/^gap reconnect$/);
    await admin('POST', '/deposit', {
      accountId: account.id,
      venue: 'binance-usdm',
      asset: 'USDT',
      amount: '1',
    });
    await child.line(/^event /);
    // The child closed its stream after that event: nothing may hold it any more.
    expect(await child.exited).toBe(0);
    expect(child.lines.slice(-2)).toEqual(['ended', 'exit 0']);
  }, 30_000);

  it('unless unref() was called: then a reconnect no longer holds the process', async () => {
    const { info, admin, listenKey } = await simulator();
    const child = start('child.js', [info.rest, info.ws, listenKey, 'unref']);
    await child.line(/^open$/);
    await admin('POST', '/faults', { type: 'refuseConnections' });
    await admin('POST', '/faults', { type: 'drop' });
    // Nothing holds the loop between two refused attempts: the program ends without its stream.
    const code = await Promise.race([
      child.exited,
      new Promise((resolve) => setTimeout(() => resolve('still running'), 5_000)),
    ]);
    expect(code).toBe(13);
    expect(child.lines).not.toContain('ended');
  }, 30_000);
});
