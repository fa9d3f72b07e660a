import { InvalidInputError, isDecimal, normalizeDecimal } from '@userstream/core';
import { compareDecimal, decimalPlaces } from './decimal-math.js';

/** Builds the error for a refused value of `field`. */
export type InputError = (message: string, field: string) => InvalidInputError;

/**
 * A value passed to an Exchange method that the engine refuses (an unknown account, a bad
 * amount): USERSTREAM_INVALID_INPUT. The constructor's options are configuration instead
 * (exchange-options.ts, on core's option kit).
 */
export const inputError: InputError = (message, field) =>
  new InvalidInputError(`@userstream/simulator: ${message}`, { field });

/** Account ids: printable ASCII without spaces, as API keys are (a caller may use one as the id). */
export const ACCOUNT_ID = /^[\x21-\x7e]{1,128}$/;
export const ASSET = /^[A-Z0-9]{1,20}$/;

/** A balance or deposit amount: a non-negative decimal string with at most 8 places. */
export function checkAmount(value: unknown, field: string, positive: boolean): string {
  if (typeof value !== 'string' || !isDecimal(value) || value.startsWith('-') || value.startsWith('+')) {
    throw inputError(`${field} must be a non-negative decimal string such as "10.5"`, field);
  }
  if (decimalPlaces(value) > 8) throw inputError(`${field} must have at most 8 decimal places`, field);
  if (positive && compareDecimal(value, '0') <= 0)
    throw inputError(`${field} must be greater than zero`, field);
  return normalizeDecimal(value);
}

/** Parameters of an order or query: an object of strings, or nothing. */
export function checkParams(params: Record<string, string> | undefined): Record<string, string> {
  if (params === undefined || params === null) return {};
  if (typeof params !== 'object') throw inputError('params must be an object of strings', 'params');
  return params;
}
