/**
 * MEXC's .proto files ship once, in @userstream/core (`mexcProtoDir()`), and the stream's decoder
 * and the simulator's encoder read them from there. Both builds of core must find them: the CJS
 * build had no `import.meta.url` (an "Invalid URL" on the first MEXC connection of a `require`
 * user) until core's tsup config shimmed it. Runs the built core as a user's process would.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const check =
  "const dir = mexcProtoDir(); console.log(['PushDataV3ApiWrapper.proto', 'PrivateOrdersV3Api.proto', 'LICENSE']" +
  '.every((f) => existsSync(new URL(f, dir))));';
const run = (args: string[]) => execFileSync(process.execPath, args, { cwd: here, encoding: 'utf8' }).trim();

describe("core's built packages find MEXC's .proto files", () => {
  it('from the CommonJS build (require)', () => {
    const load =
      "const { mexcProtoDir } = require('@userstream/core'); const { existsSync } = require('node:fs');";
    expect(run(['-e', `${load} ${check}`])).toBe('true');
  });

  it('from the ES module build (import)', () => {
    const load = "import { mexcProtoDir } from '@userstream/core'; import { existsSync } from 'node:fs';";
    expect(run(['--input-type=module', '-e', `${load} ${check}`])).toBe('true');
  });
});
