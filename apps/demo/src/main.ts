import { runCli } from './cli.js';

// The demo bot's entry point: `pnpm demo` (see the README), or `node dist/main.js --help`.
const code = await runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
});
process.exitCode = code;
// Everything is closed by now and the process ends by itself; this only guards against a
// handle someone else left open (it does not keep the process alive).
setTimeout(() => process.exit(code), 5_000).unref();
