import { ExchangeError } from '@userstream/core';
import { isParamDecimal } from './decimal-math.js';
import { VenueCode } from './venue-codes.js';

/**
 * Errors the engine answers with: `ExchangeError`s carrying the venue's own code and message,
 * exactly as a real venue would put them in `{code, msg}` (`exchangeCode`, `exchangeMessage`,
 * HTTP `status`). A server turns them into error bodies.
 */
export function reject(code: number, msg: string, status = 400): ExchangeError {
  return new ExchangeError(code, msg, { status, context: '@userstream/simulator' });
}

export const Reject = {
  invalidSymbol: () => reject(VenueCode.InvalidSymbol, 'Invalid symbol.'),
  mandatory: (name: string) =>
    reject(
      VenueCode.MandatoryParameter,
      `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`,
    ),
  eitherParam: (a: string, b: string) =>
    reject(VenueCode.MandatoryParameter, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  illegalDecimal: (name: string) =>
    reject(
      VenueCode.IllegalParameter,
      `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`,
    ),
  illegalClientId: (name: string) =>
    reject(
      VenueCode.IllegalParameter,
      `Illegal characters found in parameter '${name}'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.`,
    ),
  notRequired: (name: string) =>
    reject(VenueCode.ParameterNotRequired, `Parameter '${name}' sent when not required.`),
  invalidSide: () => reject(VenueCode.InvalidSide, 'Invalid side.'),
  invalidType: () => reject(VenueCode.InvalidOrderType, 'Invalid orderType.'),
  invalidTimeInForce: () => reject(VenueCode.InvalidTimeInForce, 'Invalid timeInForce.'),
  invalidRespType: () =>
    reject(VenueCode.InvalidParameterData, "Data sent for parameter 'newOrderRespType' is not valid."),
  invalidParam: (name: string) =>
    reject(VenueCode.InvalidParameterData, `Data sent for parameter '${name}' is not valid.`),
  filter: (filter: string) => reject(VenueCode.FilterFailure, `Filter failure: ${filter}`),
  insufficientBalance: () =>
    reject(VenueCode.NewOrderRejected, 'Account has insufficient balance for requested action.'),
  wouldTake: () => reject(VenueCode.NewOrderRejected, 'Order would immediately match and take.'),
  duplicateOrder: () => reject(VenueCode.NewOrderRejected, 'Duplicate order sent.'),
  unknownOrder: () => reject(VenueCode.CancelRejected, 'Unknown order sent.'),
  // USDⓈ-M / COIN-M futures.
  futuresPrecision: () =>
    reject(VenueCode.TooMuchPrecision, 'Precision is over the maximum defined for this asset.'),
  futuresQtyTooSmall: () => reject(VenueCode.FuturesQtyTooSmall, 'Quantity less than or equal to zero.'),
  futuresQtyTooBig: () => reject(VenueCode.FuturesQtyTooBig, 'Quantity greater than max quantity.'),
  futuresPriceTooSmall: () => reject(VenueCode.FuturesPriceTooSmall, 'Price less than 0.'),
  futuresPriceTooBig: () => reject(VenueCode.FuturesPriceTooBig, 'Price greater than max price.'),
  futuresTick: () => reject(VenueCode.FuturesTickSize, 'Price not increased by tick size.'),
  futuresNotional: (min: string) =>
    reject(
      VenueCode.FuturesMinNotional,
      `Order's notional must be no smaller than ${min} (unless you choose reduce only).`,
    ),
  futuresDuplicate: () => reject(VenueCode.FuturesDuplicateClientOrderId, 'ClientOrderId is duplicated.'),
  futuresMargin: () => reject(VenueCode.MarginInsufficient, 'Margin is insufficient.'),
  futuresReduceOnly: () => reject(VenueCode.ReduceOnlyRejected, 'ReduceOnly Order is rejected.'),
  futuresPositionSide: () =>
    reject(VenueCode.FuturesPositionSide, "Order's position side does not match user's setting."),
  futuresPostOnly: () =>
    reject(
      VenueCode.FuturesPostOnlyRejected,
      'Due to the order could not be executed as maker, the Post Only order will be rejected.',
    ),
  useAlgoService: () =>
    reject(
      VenueCode.UseAlgoService,
      'Order type not supported for this endpoint. Please use the Algo Order API endpoints instead.',
    ),
  wouldTrigger: () => reject(VenueCode.WouldTriggerImmediately, 'Order would immediately trigger.'),
  // BHEX.
  bhexDuplicate: () => reject(VenueCode.BhexDuplicateClientOrderId, 'Duplicate clientOrderId'),
} as const;

/** A parameter's value; empty strings count as absent, as on the venues. */
export function param(params: Record<string, string>, name: string): string | undefined {
  const value = Object.hasOwn(params, name) ? params[name] : undefined;
  return value === undefined || value === '' ? undefined : value;
}

export function requireParam(params: Record<string, string>, name: string): string {
  const value = param(params, name);
  if (value === undefined) throw Reject.mandatory(name);
  return value;
}

/** A decimal parameter (quantity, price…), checked for the venue's legal characters. */
export function decimalParam(
  params: Record<string, string>,
  name: string,
  mandatory: boolean,
): string | undefined {
  const value = param(params, name);
  if (value === undefined) {
    if (mandatory) throw Reject.mandatory(name);
    return undefined;
  }
  if (!isParamDecimal(value)) throw Reject.illegalDecimal(name);
  return value;
}

const CLIENT_ID = /^[.A-Z:/a-z0-9_-]{1,36}$/;

export function clientIdParam(params: Record<string, string>, name: string): string | undefined {
  const value = param(params, name);
  if (value !== undefined && !CLIENT_ID.test(value)) throw Reject.illegalClientId(name);
  return value;
}

/** An integer id parameter (orderId). */
export function idParam(params: Record<string, string>, name: string): number | undefined {
  const value = param(params, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,18}$/.test(value)) throw Reject.invalidParam(name);
  return Number(value);
}

/** `true`/`false` parameters (reduceOnly, isIsolated: venues accept any case). */
export function boolParam(params: Record<string, string>, name: string): boolean {
  const value = param(params, name);
  if (value === undefined) return false;
  const lower = value.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw Reject.invalidParam(name);
}
