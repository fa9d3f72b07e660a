import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { networkInterfaces } from 'node:os';
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
  listening: { address: string; port: number; family: string; loopback: boolean; reachableAt: string[] };
}

function start(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; line: Line; stdout: () => string; stderr: () => string }> {
  const child = spawn(process.execPath, [`${out}/cli.js`, ...args], {
    cwd: pkg,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const nl = stdout.indexOf('\n');
      if (nl >= 0)
        resolve({
          child,
          line: JSON.parse(stdout.slice(0, nl)) as Line,
          stdout: () => stdout,
          stderr: () => stderr,
        });
    });
    // With what it said: a bare 'exited 1' (seen once under load on Node 24, not again in 2 reruns) tells nothing.
    child.on('exit', (code) => reject(new Error(`exited ${code} before printing; stderr: ${stderr}`)));
  });
}

function exit(child: ChildProcess, signal: NodeJS.Signals): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill(signal);
  });
}

test('prints exactly one JSON line with URLs and credentials, serves them, and exits 0 on SIGTERM', async () => {
  const { child, line, stdout, stderr } = await start(['--seed', '5', '--speed', '60']);
  expect(Object.keys(line)).toEqual(['rest', 'ws', 'wsApi', 'admin', 'accounts', 'listening']);
  expect(line.rest).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(line.listening).toEqual({
    address: '127.0.0.1',
    port: Number(new URL(line.rest).port),
    family: 'IPv4',
    loopback: true,
    reachableAt: [line.rest],
  });
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
  expect(stderr()).toBe('');
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

test('--host 0.0.0.0: the bound address and every interface it answers on are printed, with a loud warning', async () => {
  const { child, line, stderr } = await start(['--host', '0.0.0.0']);
  const port = Number(new URL(line.rest).port);
  const v4 = Object.values(networkInterfaces())
    .flat()
    .filter((i) => i?.family === 'IPv4')
    .map((i) => `http://${i?.address}:${port}`);
  expect(line.listening).toMatchObject({ address: '0.0.0.0', port, family: 'IPv4', loopback: false });
  expect([...line.listening.reachableAt].sort()).toEqual(v4.sort());
  await until(() => stderr().includes('\n'), 'the warning');
  expect(stderr()).toContain(`userstream-sim: WARNING: listening on 0.0.0.0 port ${port}, NOT only loopback`);
  for (const url of v4) expect(stderr()).toContain(url);
  expect(stderr()).toContain('pass --admin-token');
  // Every interface really answers, and the admin API takes each interface's address as Host.
  for (const url of v4) expect((await call(url, 'GET', '/admin/state')).status, url).toBe(200);
  expect(await exit(child, 'SIGTERM')).toBe(0);
});

test('--admin-token (or USERSTREAM_SIM_ADMIN_TOKEN) guards the admin API and is never printed', async () => {
  const token = 'cli-admin-token-fedcba9876543210';
  const viaFlag = await start(['--admin-token', token, '--admin-allow-host', 'simulator']);
  const viaEnv = await start([], { ...process.env, USERSTREAM_SIM_ADMIN_TOKEN: token });
  for (const { child, line, stdout, stderr } of [viaFlag, viaEnv]) {
    expect((await call(line.rest, 'GET', '/admin/state')).status).toBe(401);
    const wrong = await call(line.rest, 'POST', '/admin/faults', {
      body: '{"type":"drop"}',
      headers: { 'content-type': 'application/json', authorization: 'Bearer wrong-token-0123456789' },
    });
    expect(wrong.status).toBe(401);
    const ok = await call(line.rest, 'POST', '/admin/faults', {
      body: '{"type":"drop"}',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    });
    expect(ok.status).toBe(200);
    expect(await exit(child, 'SIGTERM')).toBe(0);
    expect(stdout()).not.toContain(token);
    expect(stderr()).not.toContain(token);
  }
  expect(viaFlag.line.listening.loopback).toBe(true);
  // --admin-allow-host adds a name; the token is still needed with it.
  const named = await start(['--admin-token', token, '--admin-allow-host', 'simulator']);
  const namedPort = new URL(named.line.rest).port;
  const asNamed = await rawGet(named.line.rest, `simulator:${namedPort}`, token);
  expect(asNamed).toBe(200);
  expect(await rawGet(named.line.rest, `other:${namedPort}`, token)).toBe(403);
  expect(await exit(named.child, 'SIGTERM')).toBe(0);
});

test('a bad --admin-token: exit 2, and the message does not repeat it', async () => {
  const child = spawn(process.execPath, [`${out}/cli.js`, '--admin-token', 'tooshort'], { cwd: pkg });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  expect(code).toBe(2);
  expect(stderr).toContain('admin.token must be 16 to 1024 visible ASCII characters');
  expect(stderr).not.toContain('tooshort');
});

/** Runs the CLI to its exit: exit code, stdout and stderr. */
function runToExit(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [`${out}/cli.js`, ...args], { cwd: pkg });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

test('--version prints the package version and exits 0', async () => {
  const { version } = JSON.parse(readFileSync(`${pkg}/package.json`, 'utf8')) as { version: string };
  const run = await runToExit(['--version']);
  expect(run).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  expect((await runToExit(['-v'])).stdout).toBe(`${version}\n`);
});

test('a port in use: one line that says what to do (no usage dump), exit 1', async () => {
  const first = await start([]);
  try {
    const port = new URL(first.line.rest).port;
    const run = await runToExit(['--port', port]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `userstream-sim: 127.0.0.1:${port} is already in use: stop what listens there, or pass another --port (--port 0 picks a free one)\n`,
    );
  } finally {
    // A failed expectation must not leave the first simulator running after the test file.
    expect(await exit(first.child, 'SIGTERM')).toBe(0);
  }
});

/** A GET of /admin/state with a chosen Host header (node:http sends it as given). */
function rawGet(base: string, host: string, token: string): Promise<number> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        path: '/admin/state',
        headers: { host, authorization: `Bearer ${token}` },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
