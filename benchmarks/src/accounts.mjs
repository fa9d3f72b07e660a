// Many deterministic HMAC accounts (idle-stream scale runs): the simulator and the client derive
// the same keys from the index, so a thousand of them never travel on a command line.
export function benchAccount(i) {
  return {
    id: `a${i}`,
    keyType: 'hmac',
    apiKey: `benchKey${String(i).padStart(12, '0')}`.padEnd(64, 'K'),
    secret: `benchSecret${String(i).padStart(12, '0')}`.padEnd(64, 'S'),
  };
}

export function benchAccounts(n) {
  return Array.from({ length: n }, (_, i) => benchAccount(i));
}
