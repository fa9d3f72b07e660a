/**
 * The demo as people see it (issue #19): the built bundle in a child process against its embedded
 * exchange, read on its real stdout, stderr, log file and (for the dashboards) a real
 * pseudo-terminal of 80×24 made by util-linux `script`.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRedisServer, type TestRedisServer } from './redis-server.js';
import { buildDemo, runDemo as run } from './run-demo.js';

let out: string;
const dir = mkdtempSync(join(tmpdir(), 'userstream-demo-terminal-'));

beforeAll(() => {
  out = buildDemo('demo-terminal-test');
}, 120_000);

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

const runDemo = (args: string[], options?: Parameters<typeof run>[3]) => run(out, dir, args, options);

/** Runs the demo on a pseudo-terminal of `columns`×`rows`; resolves with everything it drew. */
function runOnTerminal(args: string[], columns: number, rows: number, cwd: string): Promise<string> {
  const quoted = [process.execPath, join(out, 'main.js'), ...args].map((a) => `'${a}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn(
      'script',
      ['-qefc', `stty cols ${columns} rows ${rows} && exec ${quoted}`, '/dev/null'],
      {
        cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
      },
    );
    // Bytes, decoded once at the end: a chunk may end inside a multi-byte glyph (─, →, ×).
    const chunks: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => {
      chunks.push(d);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not exit in time: ${Buffer.concat(chunks).toString().slice(-2000)}`));
    }, 60_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/** The frames a Screen drew (each starts with cursor-home), as plain text lines. */
function framesOf(terminal: string): string[][] {
  return terminal
    .split('\x1b[H')
    .slice(1)
    .map((frame) =>
      frame
        // What follows leaving the alternate screen is not part of a frame.
        .split('\x1b[?1049l')[0]!
        // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI escape sequences
        .replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '')
        .replace(/\r/g, '')
        .split('\n'),
    );
}

function expectFits(frames: string[][], columns: number, rows: number): void {
  expect(frames.length).toBeGreaterThan(3);
  for (const frame of frames) {
    expect(frame.length, frame.join('\n')).toBeLessThanOrEqual(rows);
    for (const line of frame) expect([...line].length, line).toBeLessThanOrEqual(columns);
  }
}

describe('--version', () => {
  it("prints the demo's version and the userstream packages it runs on, exit 0", async () => {
    const result = await runDemo(['--version']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    const demo = JSON.parse(readFileSync(join(out, '../../../package.json'), 'utf8')).version;
    expect(lines[0]).toBe(`@userstream/demo ${demo}`);
    for (const name of ['core', 'rest', 'stream', 'keepalive', 'redis', 'simulator']) {
      const version = JSON.parse(
        readFileSync(join(out, `../../../../../packages/${name}/package.json`), 'utf8'),
      ).version;
      expect(lines).toContain(`  @userstream/${name} ${version}`);
    }
    expect(lines).toHaveLength(7);
  });
});

describe('plain output: human lines on stdout, JSON logs only in the log file', () => {
  it('prints each reconnect and gap once, with the numbers the log has, and no JSON on the terminal', async () => {
    const cwd = mkdtempSync(join(dir, 'plain-'));
    const result = await run(
      out,
      cwd,
      ['--duration', '6s', '--faults', '--fault-every', '400ms', '--seed', '7'],
      {
        timeoutMs: 60_000,
      },
    );
    expect(result.code, result.stderr).toBe(0);
    // No JSON on the terminal: neither stream carries a log line.
    for (const line of `${result.stdout}${result.stderr}`.split('\n')) expect(line).not.toMatch(/^\{/);
    const human = result.stdout.split('\n').filter((l) => /^\d\d:\d\d:\d\d\.\d{3} /.test(l));
    expect(human.length).toBeGreaterThan(20);
    // The stream column names the stream once; the text does not say it again.
    for (const line of human) {
      const [, who, text] = /^\S+ (\S+)\s+(.*)$/.exec(line) ?? [];
      expect(text, line).not.toMatch(new RegExp(`(^|→ )${who}:`));
    }
    // The default log file got the JSON, and says so on stderr.
    expect(result.stderr).toContain('userstream demo: logs in userstream-demo.log');
    const log = readFileSync(join(cwd, 'userstream-demo.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { stream?: string; msg: string; downForMs?: number; reason?: string });

    // One line per reconnect on the terminal and one in the log, with the same down time.
    const reconnectsShown = human
      .map((l) => /^\S+ (\S+)\s+reconnected after (\d+) ms down\b/.exec(l))
      .filter((m) => m !== null)
      .map((m) => `${m[1]} ${m[2]}`);
    const reconnectsLogged = log
      .filter((l) => l.msg === 'stream reconnected')
      .map((l) => `${l.stream} ${l.downForMs}`);
    expect(reconnectsLogged.length).toBeGreaterThan(0);
    expect(reconnectsShown.sort()).toEqual(reconnectsLogged.sort());
    expect(human.filter((l) => /\breconnected\b/.test(l))).toHaveLength(reconnectsLogged.length);
    // The same for gaps: one line each on the terminal, one in the log, the same reasons.
    const gapsShown = human
      .map((l) => /^\S+ (\S+)\s+gap \(([a-z-]+)\)/.exec(l))
      .filter((m) => m !== null)
      .map((m) => `${m[1]} ${m[2]}`);
    const gapsLogged = log
      .filter((l) => l.msg === 'gap: resync needed')
      .map((l) => `${l.stream} ${l.reason}`);
    expect(gapsLogged.length).toBeGreaterThan(0);
    expect(gapsShown.sort()).toEqual(gapsLogged.sort());
    // …and the log does not hold a second line for either.
    expect(log.filter((l) => /^(reconnected|gap \()/.test(l.msg))).toEqual([]);
  }, 90_000);

  it('--log-json sends the JSON logs to stderr instead (no log file)', async () => {
    const cwd = mkdtempSync(join(dir, 'json-logs-'));
    const result = await run(out, cwd, ['--duration', '1500ms', '--log-json'], { timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(0);
    const json = result.stderr.split('\n').filter((l) => l.startsWith('{'));
    expect(json.length).toBeGreaterThan(3);
    for (const line of json) expect(JSON.parse(line).app).toBe('userstream-demo');
    expect(result.stdout).toMatch(/streams open and mirrors in sync/);
    for (const line of result.stdout.split('\n')) expect(line).not.toMatch(/^\{/);
    expect(existsSync(join(cwd, 'userstream-demo.log'))).toBe(false);
  }, 60_000);

  it('--log-json and --log-file together: one line, exit 2', async () => {
    const result = await runDemo(['--log-json', '--log-file', 'x.log']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^userstream demo: .*--log-json.*--log-file/);
  });
});

describe('the dashboards fit an 80×24 terminal', () => {
  it('single bot: every frame at most 80 columns and 24 rows; ladder levels sorted as a book', async () => {
    const cwd = mkdtempSync(join(dir, 'dash-'));
    const terminal = await runOnTerminal(
      ['--duration', '5s', '--faults', '--fault-every', '500ms', '--seed', '7'],
      80,
      24,
      cwd,
    );
    const frames = framesOf(terminal);
    expectFits(frames, 80, 24);
    // Open orders: bids descending from the best, asks ascending from the best.
    let ladders = 0;
    for (const frame of frames) {
      for (const line of frame) {
        const m = /\bbuy ([\d. ]+?)\s+sell ([\d. ]+?)(?:\s{2}|$)/.exec(line);
        if (!m) continue;
        const bids = m[1]!.trim().split(' ').map(Number);
        const asks = m[2]!.trim().split(' ').map(Number);
        expect(bids, line).toEqual([...bids].sort((a, b) => b - a));
        expect(asks, line).toEqual([...asks].sort((a, b) => a - b));
        if (bids.length > 1 && asks.length > 1) ladders++;
      }
    }
    expect(ladders).toBeGreaterThan(4);
  }, 90_000);

  describe('fleet', () => {
    let server: TestRedisServer;
    beforeAll(async () => {
      server = await startRedisServer();
    }, 30_000);
    afterAll(async () => {
      await server?.stop();
    });

    it('every frame at most 80 columns and 24 rows, kills and replacements included', async () => {
      const cwd = mkdtempSync(join(dir, 'fleet-'));
      const terminal = await runOnTerminal(
        [
          '--fleet',
          server.url,
          '--workers',
          '3',
          '--accounts',
          '12',
          '--duration',
          '8s',
          '--faults',
          '--fault-every',
          '2s',
        ],
        80,
        24,
        cwd,
      );
      const frames = framesOf(terminal);
      expectFits(frames, 80, 24);
      expect(frames.some((f) => f.some((l) => /killed/.test(l)))).toBe(true);
    }, 90_000);
  });
});
