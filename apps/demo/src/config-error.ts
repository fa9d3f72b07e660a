import { createOptionKit } from '@userstream/core';

/**
 * The demo's refusals of its command line and environment, on core's option kit so they carry
 * the code every package uses for bad configuration (USERSTREAM_INVALID_CONFIG), name the flag
 * and start with `userstream demo:`. The flags arrive as text, so the demo parses them itself
 * (its messages quote what was typed) and refuses through the kit.
 */
export const demoOptions = createOptionKit('userstream demo');

/** A refusal of `field` (a flag such as `--speed`), exit code 2. */
export const configError = (message: string, field: string) => demoOptions.invalid(message, field);
