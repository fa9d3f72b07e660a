import { ExchangeError } from '@userstream/core';
import { isParamDecimal } from './decimal-math.js';

/**
 * Errors the engine answers with: `ExchangeError`s carrying the venue's own code and message,
 * exactly as a real venue would put them in `{code, msg}` (`exchangeCode`, `exchangeMessage`,
 * HTTP `status`). A server turns them into error bodies.
 */
export function reject(code: number, msg: string, status = 400): ExchangeError {
  return new ExchangeError(code, msg, { status, context: '@userstream/simulator' });
}

export const Reject = {
  invalidSymbol: () => reject(-1121, 'Invalid symbol.'),
  mandatory: (name: string) =>
    reject(-1102, `Mandatory parameter '${name}' was not sent, was empty/null, or malformed.`),
  eitherParam: (a: string, b: string) =>
    reject(-1102, `Param '${a}' or '${b}' must be sent, but both were empty/null!`),
  illegalDecimal: (name: string) =>
    reject(
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.`,
    ),
  illegalClientId: (name: string) =>
    reject(
      -1100,
      `Illegal characters found in parameter '${name}'; legal range is '^[\\.A-Z\\:/a-z0-9_-]{1,36}$'.`,
    ),
  notRequired: (name: string) => reject(-1106, `Parameter '${name}' sent when not required.`),
  invalidSide: () => reject(-1117, 'Invalid side.'),
  invalidType: () => reject(-1116, 'Invalid orderType.'),
  invalidTimeInForce: () => reject(-1115, 'Invalid timeInForce.'),
  invalidRespType: () => reject(-1130, "Data sent for parameter 'newOrderRespType' is not valid."),
  invalidParam: (name: string) => reject(-1130, `Data sent for parameter '${name}' is not valid.`),
  filter: (filter: string) => reject(-1013, `Filter failure: ${filter}`),
  insufficientBalance: () => reject(-2010, 'Account has insufficient balance for requested action.'),
  wouldTake: () => reject(-2010, 'Order would immediately match and take.'),
  duplicateOrder: () => reject(-2010, 'Duplicate order sent.'),
  unknownOrder: () => reject(-2011, 'Unknown order sent.'),
  // USDⓈ-M / COIN-M futures.
  futuresPrecision: () => reject(-1111, 'Precision is over the maximum defined for this asset.'),
  futuresQtyTooSmall: () => reject(-4003, 'Quantity less than or equal to zero.'),
  futuresQtyTooBig: () => reject(-4005, 'Quantity greater than max quantity.'),
  futuresPriceTooSmall: () => reject(-4001, 'Price less than 0.'),
  futuresPriceTooBig: () => reject(-4002, 'Price greater than max price.'),
  futuresTick: () => reject(-4014, 'Price not increased by tick size.'),
  futuresNotional: (min: string) =>
    reject(-4164, `Order's notional must be no smaller than ${min} (unless you choose reduce only).`),
  futuresDuplicate: () => reject(-4116, 'ClientOrderId is duplicated.'),
  futuresMargin: () => reject(-2019, 'Margin is insufficient.'),
  futuresReduceOnly: () => reject(-2022, 'ReduceOnly Order is rejected.'),
  futuresPositionSide: () => reject(-4061, "Order's position side does not match user's setting."),
  futuresPostOnly: () =>
    reject(-5022, 'Due to the order could not be executed as maker, the Post Only order will be rejected.'),
  // BHEX.
  bhexDuplicate: () => reject(-1141, 'Duplicate clientOrderId'),
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
