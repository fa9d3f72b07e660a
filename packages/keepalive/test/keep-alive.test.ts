import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { bundleForChild } from '../../stream/test/bundle.js';

/**
 * Issue 16 item 1, through openUserDataStream: a program that only awaits the open and
 * `for await`s the stream either gets a clear, typed error and exits non-zero (nothing
 * reachable), or keeps running through refused reconnects. The exchange is the simulator CLI in
 * another process, as a real one is.
 */

let out: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  out = bundleForChild(
    'keepalive-keep-alive-test',
    { sim: '../simulator/src/cli.ts', child: 'test/fixtures/open-child.ts' },
    { pkg: fileURLToPath(new URL('..', import.meta.url)), external: ['ws', 'undici'] },
  );
}, 120_000);

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function start(script: string, args: string[]) {
  const child = spawn(process.execPath, [`${out}${script}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  const lines: string[] = [];
  const output = { stderr: '' };
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      lines.push(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output.stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  /** Resolves with the exit code, or 'running' if the process is still up after `ms`. */
  const exitWithin = (ms: number) =>
    Promise.race([exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), ms))]);
  const line = async (pattern: RegExp, timeoutMs = 10_000) => {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find((l) => pattern.test(l));
      if (found !== undefined) return found;
      if (Date.now() > end || child.exitCode !== null)
        throw new Error(
          `${script}: no line ${pattern} (exit ${child.exitCode})\n${lines.join('\n')}\n${output.stderr}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };
  return { child, lines, output, exited, exitWithin, line };
}

async function simulator() {
  const sim = start('sim.js', ['--seed', '4']);
  const info = JSON.parse(await sim.line(/^\{/)) as {
    rest: string;
    ws: string;
    admin: string;
    accounts: { id: string; apiKey: string; secret: string }[];
  };
  const admin = async (method: 'POST' | 'DELETE', path: string, body?: unknown) => {
    const res = await fetch(`${info.admin}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  return { info, account: info.accounts[0] as { id: string; apiKey: string; secret: string }, admin };
}

const API_KEY = 'k'.repeat(64);
const SECRET = 's'.repeat(64);

describe('openUserDataStream in a program that only awaits it', () => {
  it('nothing listening: prints a typed error (no secret) and exits non-zero, rather than exit 13 in silence', async () => {
    const child = start('child.js', ['http://127.0.0.1:1', 'ws://127.0.0.1:1', API_KEY, SECRET]);
    const code = await child.exitWithin(15_000);
    expect(code).toBe(1);
    expect(child.output.stderr).toMatch(/USERSTREAM_TRANSPORT|TransportError/);
    expect(child.output.stderr).toContain('@userstream/');
    expect(child.output.stderr).not.toContain(SECRET);
    expect(child.output.stderr).not.toContain(API_KEY);
    expect(child.lines).toEqual(['exit 1']);
  }, 30_000);

  it('REST answers but the stream is refused: rejects after the open timeout with USERSTREAM_TIMEOUT', async () => {
    const { info, account, admin } = await simulator();
    await admin('POST', '/faults', { type: 'refuseConnections' });
    const child = start('child.js', [info.rest, info.ws, account.apiKey, account.secret]);
    const code = await child.exitWithin(15_000);
    expect(code).toBe(1);
    expect(child.output.stderr).toContain('USERSTREAM_TIMEOUT');
    expect(child.output.stderr).toMatch(
      /did not open within 1500 ms \(\d+ failed connection attempts?, last: /,
    );
    expect(child.output.stderr).not.toContain(account.secret);
  }, 30_000);

  it('open, then 5 s of refused reconnects: the process stays, recovers, and exits by itself after close()', async () => {
    const { info, account, admin } = await simulator();
    const child = start('child.js', [info.rest, info.ws, account.apiKey, account.secret]);
    await child.line(/^open$/);
    await admin('POST', '/faults', { type: 'refuseConnections' });
    expect(await admin('POST', '/faults', { type: 'drop' })).toMatchObject({ affected: 1 });
    await child.line(/^reconnecting/);
    expect(await child.exitWithin(5_000)).toBe('running');
    expect(child.lines.filter((l) => l.startsWith('reconnecting')).length).toBeGreaterThan(3);
    await admin('DELETE', '/faults');
    await child.line(/^reconnected$/);
    await admin('POST', '/deposit', {
      accountId: account.id,
      venue: 'binance-usdm',
      asset: 'USDT',
      amount: '1',
    });
    await child.line(/^event /);
    expect(await child.exitWithin(5_000)).toBe(0);
    expect(child.lines.slice(-2)).toEqual(['ended', 'exit 0']);
  }, 30_000);
});
