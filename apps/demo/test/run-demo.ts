/** Runs the built demo as a user would: a child process, checked by exit code, stdout and stderr. */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const pkg = fileURLToPath(new URL('..', import.meta.url));

/** Bundles the demo as `pnpm demo` does, into a cache directory (dist is left alone); returns it. */
export function buildDemo(name: string): string {
  const out = join(pkg, 'node_modules/.cache', name);
  execFileSync('pnpm', ['exec', 'tsup', '--out-dir', out, '--silent'], { cwd: pkg, stdio: 'pipe' });
  return out;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  duringError?: unknown;
}

/**
 * Runs `<out>/main.js args` in `cwd`; `during` is called once the ops URL is printed. USERSTREAM_*
 * variables of this process are not passed on unless given in `env`.
 */
export function runDemo(
  out: string,
  cwd: string,
  args: string[],
  options: {
    env?: Record<string, string>;
    timeoutMs?: number;
    during?: (opsUrl: string, child: ChildProcess) => Promise<void>;
  } = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, ...options.env };
    for (const k of Object.keys(env)) if (k.startsWith('USERSTREAM_') && !options.env?.[k]) delete env[k];
    const child = spawn(process.execPath, [join(out, 'main.js'), ...args], {
      cwd,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let during: Promise<void> | undefined;
    let duringError: unknown;
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
      const url = /\/healthz and \/metrics on (http:\/\/\S+)/.exec(stderr)?.[1];
      if (url && options.during && !during) {
        during = options.during(url, child).catch((error) => {
          duringError = error;
        });
      }
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the demo did not exit in time\nstdout: ${stdout}\nstderr: ${stderr.slice(-3000)}`));
    }, options.timeoutMs ?? 20_000);
    child.on('exit', async (code) => {
      clearTimeout(timer);
      await during;
      resolve({ code, stdout, stderr, duringError });
    });
  });
}
