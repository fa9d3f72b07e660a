import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';

/** Where the simulator is really listening (what `server.address()` says), not the URLs to use. */
export interface SimulatorAddress {
  /** The bound address, e.g. `127.0.0.1`, `0.0.0.0` (every IPv4 interface) or `::`. */
  readonly address: string;
  /** The bound port (the free one chosen when you asked for port 0). */
  readonly port: number;
  /** `IPv4` or `IPv6`. */
  readonly family: string;
  /** True only when nothing but this machine can connect (127.0.0.0/8, ::1). */
  readonly loopback: boolean;
  /** `http://address:port` of every interface it answers on (each interface for 0.0.0.0 / ::). */
  readonly reachableAt: readonly string[];
}

const WILDCARDS = new Set(['0.0.0.0', '::', '::0']);

/** Lower case, no brackets, no trailing dot: how host names are compared. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

/** Loopback addresses and names: nothing off this machine reaches them. */
export function isLoopbackHost(host: string): boolean {
  const h = normalizeHost(host);
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export function isWildcard(host: string): boolean {
  return WILDCARDS.has(normalizeHost(host));
}

/** Addresses of this machine's interfaces (IPv4 only for 0.0.0.0; both for ::, which Node binds dual-stack). */
export function interfaceAddresses(wildcard: string): string[] {
  const v4only = normalizeHost(wildcard) === '0.0.0.0';
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const i of list ?? []) {
      if (v4only && i.family !== 'IPv4') continue;
      // Link-local IPv6 needs a zone id to be dialled; it is no URL anyone can use.
      if (i.family === 'IPv6' && i.address.toLowerCase().startsWith('fe80:')) continue;
      out.push(i.address);
    }
  }
  return out;
}

const urlHost = (address: string): string => (address.includes(':') ? `[${address}]` : address);

export function describeAddress(info: AddressInfo): SimulatorAddress {
  const wildcard = isWildcard(info.address);
  const addresses = wildcard ? interfaceAddresses(info.address) : [info.address];
  return Object.freeze({
    address: info.address,
    port: info.port,
    family: info.family,
    loopback: !wildcard && isLoopbackHost(info.address),
    reachableAt: Object.freeze(addresses.map((a) => `http://${urlHost(a)}:${info.port}`)),
  });
}
