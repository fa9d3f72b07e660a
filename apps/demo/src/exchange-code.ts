import { ErrorCode, type ExchangeError, UserstreamError } from '@userstream/core';

/**
 * The exchange's code (`-2011`, …) of an error that is an exchange's answer, else undefined.
 * The error's code says it is an ExchangeError (`isInstance` is the cross-version check, where
 * `instanceof` fails across two copies of core); compare the result with core's `ExchangeCode`.
 */
export function exchangeCodeOf(error: unknown): number | undefined {
  if (!UserstreamError.isInstance(error) || error.code !== ErrorCode.Exchange) return undefined;
  return (error as ExchangeError).exchangeCode;
}
