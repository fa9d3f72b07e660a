import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, test } from 'vitest';
import { ApiClient, call, signedQuery, wsSigned } from './helpers.js';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const out = 'node_modules/.cache/cli-test';

beforeAll(() => {
  // Bundle the CLI as tsup does for dist (but into a cache dir, leaving dist alone).
  execFileSync(
    'pnpm',
    [
      'exec',
      'tsup',
      'src/cli.ts',
      '--no-config',
      '--format',
      'esm',
      '--out-dir',
      out,
      '--target',
      'node20',
      '--silent',
    ],
    {
      cwd: pkg,
      stdio: 'ignore',
    },
  );
}, 60_000);

interface Line {
  rest: string;
  ws: string;
  wsApi: string;
  admin: string;
  accounts: { id: string; apiKey: string; keyType: string; secret?: string; privateKeyPem?: string }[];
}

function start(args: string[]): Promise<{ child: ChildProcess; line: Line; stdout: () => string }> {
  const child = spawn(process.execPath, [`${out}/cli.js`, ...args], {
    cwd: pkg,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const nl = stdout.indexOf('\n');
      if (nl >= 0) resolve({ child, line: JSON.parse(stdout.slice(0, nl)) as Line, stdout: () => stdout });
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing`)));
  });
}

function exit(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

test('prints exactly one JSON line with URLs and credentials, serves them, and exits 0 on SIGTERM', async () => {
  const { child, line, stdout } = await start(['--seed', '5', '--speed', '60']);
  expect(Object.keys(line)).toEqual(['rest', 'ws', 'wsApi', 'admin', 'accounts']);
  expect(line.rest).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(line.wsApi).toBe(`${line.ws}/ws-api/v3`);
  expect(line.admin).toBe(`${line.rest}/admin`);
  expect(line.accounts.map((a) => a.keyType)).toEqual(['hmac', 'ed25519', 'rsa']);
  expect(line.accounts[0]).toEqual({
    id: 'hmac',
    apiKey: expect.any(String),
    keyType: 'hmac',
    secret: expect.any(String),
  });
  expect(line.accounts[1]?.privateKeyPem).toMatch(/^-----BEGIN PRIVATE KEY-----/);
  const hmac = line.accounts[0] as { id: string; apiKey: string; keyType: 'hmac'; secret: string };
  // At --speed 60 the server's clock runs ahead of Date.now() from the moment it started: sign
  // with the server's time, as a client on a compressed exchange must.
  const serverNow = async () =>
    ((await call(line.rest, 'GET', '/api/v3/time')).body as { serverTime: number }).serverTime;
  const r = await call(line.rest, 'GET', '/api/v3/account', {
    query: signedQuery(hmac, { timestamp: await serverNow(), recvWindow: 60_000 }),
    headers: { 'X-MBX-APIKEY': hmac.apiKey },
  });
  expect(r.status).toBe(200);
  const api = await ApiClient.open(line.wsApi);
  expect(
    await api.send(
      'userDataStream.subscribe.signature',
      wsSigned(hmac, { apiKey: hmac.apiKey, timestamp: await serverNow(), recvWindow: 60_000 }),
    ),
  ).toMatchObject({ status: 200 });
  // --speed 60: server time runs a minute per second.
  const t1 = ((await call(line.rest, 'GET', '/api/v3/time')).body as { serverTime: number }).serverTime;
  await new Promise((res) => setTimeout(res, 200));
  const t2 = ((await call(line.rest, 'GET', '/api/v3/time')).body as { serverTime: number }).serverTime;
  expect(t2 - t1).toBeGreaterThan(6000);
  expect(await exit(child, 'SIGTERM')).toBe(0);
  await api.waitClose();
  expect(stdout().trim().split('\n')).toHaveLength(1);
});

test('the same seed gives the same credentials; SIGINT exits 0', async () => {
  const a = await start(['--seed', '9', '--port', '0']);
  const b = await start(['--seed', '9']);
  expect(a.line.accounts[0]).toEqual(b.line.accounts[0]);
  expect(a.line.rest).not.toBe(b.line.rest);
  expect(await exit(a.child, 'SIGINT')).toBe(0);
  expect(await exit(b.child, 'SIGINT')).toBe(0);
});

test('bad flags: exit 2 with usage on stderr, nothing on stdout', async () => {
  const child = spawn(process.execPath, [`${out}/cli.js`, '--speed', 'fast'], { cwd: pkg });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  expect(code).toBe(2);
  expect(stdout).toBe('');
  expect(stderr).toContain('userstream-sim: --speed must be a positive number');
  expect(stderr).toContain('usage: userstream-sim');
});
