import type {
  BanOptions,
  DropOptions,
  DuplicateOptions,
  ExpireOptions,
  FailKeepalivesOptions,
  FaultResult,
  FaultSpec,
  Faults,
  FaultTarget,
  HangRequestsOptions,
  RateLimitOptions,
  RefuseOptions,
  ReorderOptions,
  ServerShutdownOptions,
  StallOptions,
} from './fault-types.js';
import { inputKit } from './option-kits.js';

/**
 * A fault described as data (`POST /admin/faults`, `sim.faults.apply`) to the controller's
 * method of that name; faults that last (stall, failKeepalives, hangRequests, refuseConnections) answer with
 * their handle's id, the others with an id taken after they ran.
 */
/** What applying a spec needs beyond the public `Faults` (the controller has it; no import cycle). */
export interface SpecFaults extends Faults {
  takeId(): number;
  stalled(id: number): number;
  release(id: number): void;
}

export function applyFaultSpec(faults: SpecFaults, spec: FaultSpec): FaultResult {
  if (!spec || typeof spec !== 'object' || typeof (spec as { type?: unknown }).type !== 'string') {
    throw inputKit.invalid('a fault is an object with a `type`, e.g. {"type":"drop"}', 'type');
  }
  const { type, ...options } = spec as FaultSpec & Record<string, unknown>;
  let affected = 0;
  switch (type) {
    case 'drop':
      affected = faults.drop(options as DropOptions);
      break;
    case 'stall': {
      const { id } = faults.stall(options as StallOptions);
      return { id, type, affected: faults.stalled(id) };
    }
    case 'release': {
      const which = (options as { id?: unknown }).id;
      if (which === undefined) faults.clear();
      else if (typeof which === 'number') faults.release(which);
      else
        throw inputKit.invalid(
          'release takes an `id` (number) from an earlier fault, or none to release all',
          'id',
        );
      return { id: 0, type, affected: 0 };
    }
    case 'expire':
      affected = faults.expire(options as ExpireOptions);
      break;
    case 'failKeepalives':
      return { id: faults.failKeepalives(options as unknown as FailKeepalivesOptions).id, type, affected: 0 };
    case 'hangRequests':
      return { id: faults.hangRequests(options as unknown as HangRequestsOptions).id, type, affected: 0 };
    case 'rateLimit':
      faults.rateLimit(options as RateLimitOptions);
      break;
    case 'ban':
      faults.ban(options as BanOptions);
      break;
    case 'skewClock':
      faults.skewClock((options as { ms: number }).ms);
      break;
    case 'malformedFrame':
      affected = faults.malformedFrame(options as FaultTarget);
      break;
    case 'unknownEvent':
      affected = faults.unknownEvent(options as FaultTarget);
      break;
    case 'duplicate':
      affected = faults.duplicate(options as DuplicateOptions);
      break;
    case 'reorder':
      affected = faults.reorder(options as ReorderOptions);
      break;
    case 'serverShutdown':
      affected = faults.serverShutdown(options as ServerShutdownOptions);
      break;
    case 'eventStreamTerminated':
      affected = faults.eventStreamTerminated(options as FaultTarget);
      break;
    case 'refuseConnections':
      return { id: faults.refuseConnections(options as RefuseOptions).id, type, affected: 0 };
    case 'clear':
      faults.clear();
      break;
    default:
      throw inputKit.invalid(
        `unknown fault type ${JSON.stringify(String(type).slice(0, 40))}; use drop, stall, release, expire, failKeepalives, hangRequests, rateLimit, ban, skewClock, malformedFrame, unknownEvent, duplicate, reorder, serverShutdown, eventStreamTerminated, refuseConnections or clear`,
        'type',
      );
  }
  return { id: faults.takeId(), type, affected };
}
