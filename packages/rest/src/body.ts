import { ErrorCode, ProtocolError, UserstreamError } from '@userstream/core';
import type { Dispatcher } from 'undici';

/** Response headers as undici gives them (lower-case names). */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

/** Where the answer came from, for the error's message and details (never the query: it is signed). */
export interface BodyContext {
  /** `METHOD /path`. */
  context: string;
  venue: string;
  status: number;
  maxResponseBytes: number;
}

function tooLarge(where: BodyContext, declared: number | undefined): ProtocolError {
  const size = declared === undefined ? 'a body over' : `a body of ${declared} bytes, over`;
  return new ProtocolError(
    `@userstream/rest: ${where.context} answered with ${size} maxResponseBytes (${where.maxResponseBytes}); raise maxResponseBytes if this venue's answers are really this large`,
    {
      code: ErrorCode.ResponseTooLarge,
      retryable: false,
      details: {
        venue: where.venue,
        status: where.status,
        maxResponseBytes: where.maxResponseBytes,
        ...(declared === undefined ? {} : { declaredBytes: declared }),
      },
    },
  );
}

/** True for the error {@link readBody} throws past the limit (it must not become a TransportError). */
export function isResponseTooLarge(error: unknown): error is ProtocolError {
  return UserstreamError.isInstance(error) && error.code === ErrorCode.ResponseTooLarge;
}

/**
 * Reads a response body as UTF-8 text, at most `maxResponseBytes` of it. A larger declared
 * `Content-Length` is refused before a byte is read; an undeclared body is cut as soon as it
 * crosses the limit. Either way the body is destroyed, which makes undici drop the socket, so
 * the rest of the answer is never received or held.
 */
export async function readBody(
  body: Dispatcher.ResponseData['body'],
  headers: ResponseHeaders,
  where: BodyContext,
): Promise<string> {
  const limit = where.maxResponseBytes;
  const length = headers['content-length'];
  const declared = typeof length === 'string' && /^\d+$/.test(length) ? Number(length) : undefined;
  if (declared !== undefined && declared > limit) {
    body.destroy();
    throw tooLarge(where, declared);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      body.destroy();
      throw tooLarge(where, undefined);
    }
    chunks.push(chunk);
  }
  let bytes = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size);
  // undici's text() drops a UTF-8 byte order mark; so does this.
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  return bytes.toString('utf8');
}
