import { ExchangeCode, ExchangeError, ProtocolError, TransportError } from '@userstream/core';
import { describe, expect, it } from 'vitest';
import { classifyRefusal } from './ws-api-refusals.js';

const refusal = (code: number, status = 400) => new ExchangeError(code, 'refused', { status });

describe('classifyRefusal: what a refused subscribe means', () => {
  it.each([
    ['credential', refusal(ExchangeCode.InvalidListenToken)],
    ['credential', refusal(ExchangeCode.ListenKeyNotFound)],
    ['orphan', refusal(ExchangeCode.AlreadySubscribed)],
    ['permanent', refusal(ExchangeCode.InvalidSignature, 401)],
    ['permanent', refusal(ExchangeCode.RejectedApiKey, 401)],
    ['permanent', refusal(ExchangeCode.IllegalParameter)],
    // Any other 4xx answer is about the request: asking again the same way cannot help.
    ['permanent', refusal(-9999, 400)],
    ['subscription-ids', refusal(ExchangeCode.TooManySubscriptions)],
    ['retry', refusal(ExchangeCode.TooManyRequests, 429)],
    ['retry', refusal(-9999, 418)],
    ['retry', refusal(ExchangeCode.Disconnected, 503)],
    ['retry', new TransportError('no answer', { timeout: true })],
    ['retry', new ProtocolError('no subscriptionId')],
  ] as const)('%s: %o', (kind, error) => {
    expect(classifyRefusal(error)).toBe(kind);
  });
});
