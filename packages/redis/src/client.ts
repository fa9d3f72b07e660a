import type { Cluster, Redis } from 'ioredis';

/**
 * The clients the package accepts: a single server (`new Redis(url)`, Redis or Valkey) or a
 * cluster (`new Cluster([{ host, port }])`). Every script touches the keys of one hash slot
 * (see keys.ts), so ioredis routes each to the master that owns it.
 */
export type RedisClient = Redis | Cluster;
