/** The partition proxy itself, against a real redis-server: each mode does what it says. */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from './helpers.js';
import { startRedisServer, type TestRedisServer } from './redis-server.js';
import { startTcpProxy, type TcpProxy } from './tcp-proxy.js';

let server: TestRedisServer;
let proxy: TcpProxy;
const clients: Redis[] = [];

function viaProxy(): Redis {
  const redis = new Redis({
    port: proxy.port,
    host: proxy.host,
    retryStrategy: () => 20,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  redis.on('error', () => {});
  clients.push(redis);
  return redis;
}

beforeAll(async () => {
  server = await startRedisServer();
  proxy = await startTcpProxy({ port: server.port });
});

afterAll(async () => {
  for (const c of clients) c.disconnect();
  await proxy.stop();
  await server.stop();
});

describe('tcp proxy', () => {
  it('passes traffic through, resets on cut, refuses while cut, passes again after heal', async () => {
    const redis = viaProxy();
    await until(() => redis.status === 'ready', 5_000, 'ready through the proxy');
    expect(await redis.set('p:a', '1')).toBe('OK');

    const ended = new Promise<void>((resolve) => redis.once('close', () => resolve()));
    proxy.cut();
    await ended;
    expect(proxy.connections).toBe(0);
    const acceptedWhileCut = proxy.accepted;
    // ioredis retries every 20 ms: each attempt is accepted and reset, none gets through.
    await until(() => proxy.accepted >= acceptedWhileCut + 2, 5_000, 'reconnect attempts while cut');
    expect(redis.status).not.toBe('ready');

    proxy.heal();
    await until(() => redis.status === 'ready', 5_000, 'ready after heal');
    expect(await redis.get('p:a')).toBe('1');
  });

  it('blackhole: the connection stays open and nothing answers until heal, then the held bytes arrive in order', async () => {
    const redis = viaProxy();
    await until(() => redis.status === 'ready', 5_000, 'ready through the proxy');
    proxy.blackhole();
    let answered = false;
    const pending = Promise.all([redis.incr('p:n'), redis.incr('p:n'), redis.incr('p:n')]).then((v) => {
      answered = true;
      return v;
    });
    // The commands reached the proxy, not the server: the server's counter is still unset.
    const direct = server.client();
    await until(async () => proxy.connections > 0 && (await direct.get('p:n')) === null, 2_000, 'held');
    expect(answered).toBe(false);
    expect(redis.status).toBe('ready');

    proxy.heal();
    expect(await pending).toEqual([1, 2, 3]);
  });

  it('delay: answers come late but in order', async () => {
    const redis = viaProxy();
    await until(() => redis.status === 'ready', 5_000, 'ready through the proxy');
    proxy.delay(30);
    const replies = await Promise.all(Array.from({ length: 20 }, () => redis.incr('p:d')));
    proxy.heal();
    expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
