import { createOptionKit, ErrorCode } from '@userstream/core';

/**
 * Core's option kit, twice: bad factory options (`startSimulator`'s, the account specs) are
 * configuration, USERSTREAM_INVALID_CONFIG; values passed to methods (a fault, a burst, an admin
 * request) are input, USERSTREAM_INVALID_INPUT. Both name the field and say what to pass.
 */
export const configKit = createOptionKit('@userstream/simulator');
export const inputKit = createOptionKit('@userstream/simulator', { code: ErrorCode.InvalidInput });
