import { createOptionKit, ErrorCode } from '@userstream/core';

/**
 * Core's option kit, twice: bad factory options (`createFleetWorker`'s, the lease store's, the
 * sink's, membership's) are configuration, USERSTREAM_INVALID_CONFIG; values passed to methods
 * (an event to append, a record, an owner) are input, USERSTREAM_INVALID_INPUT. Both name the
 * field and say what to pass.
 */
export const configKit = createOptionKit('@userstream/redis');
export const inputKit = createOptionKit('@userstream/redis', { code: ErrorCode.InvalidInput });
