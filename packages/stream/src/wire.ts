/**
 * Per-venue frame decoding and heartbeats (issue #13), chosen once per transport from the venue
 * profile's `frames`. A profile without `frames` (Binance and its JSON clones) gets no wire at
 * all: its links keep the plain `data.toString()` listener and WebSocket pings, so the hot path
 * gains no per-frame indirection.
 */
import { gunzipSync } from 'node:zlib';
import type { FrameEncoding, HeartbeatStyle, VenueProfile } from '@userstream/core';
import { exactBingxIds } from './wire-bingx.js';
import { mexcDecoder } from './wire-mexc.js';

/** What a wire may do on its link: answer the venue and count a heartbeat answer. */
export interface WireControl {
  /** Sends a text frame (a heartbeat answer, a subscription); false if the link is not open. */
  send(text: string): boolean;
  /** The venue answered the client's ping (clears the pong deadline). */
  heartbeatAnswered(): void;
}

/** Turns a raw frame into JSON text, or `undefined` when it was a control frame (handled). */
export type FrameDecoder = (data: Buffer, isBinary: boolean, control: WireControl) => string | undefined;

export interface Wire {
  readonly encoding: FrameEncoding;
  readonly heartbeat: HeartbeatStyle;
  readonly decode: FrameDecoder;
  /** Sends the client's ping (`ws` style pings are sent by the link itself). */
  ping(control: WireControl, now: number): void;
  /** Whether the client pings and waits for an answer (BingX's server pings instead). */
  readonly clientPings: boolean;
  /** Text frames sent on every new connection before it is used (subscriptions). */
  readonly subscribe: readonly string[];
}

/**
 * What an undecodable frame becomes: text that core's parser reports as a malformed frame (a
 * binary frame on a JSON venue already arrives as ''), so one bad frame never ends the stream.
 */
const UNDECODABLE = '';

/** Control frames are short: longer text is never compared against them. */
const CONTROL_MAX = 64;
/** Subscription acknowledgements are short too (Bitrue's are about 90 characters). */
const ACK_MAX = 160;

/**
 * The JSON text of a decoded frame, with the venue's heartbeat messages answered and taken out.
 * Only short frames are checked, so an event frame costs one length comparison.
 */
function controlFilter(style: HeartbeatStyle): (text: string, control: WireControl) => string | undefined {
  switch (style) {
    case 'text-ping':
      // BingX: the server sends `Ping` (every 5 s), the client answers `Pong`. BingX spot's
      // heartbeat is JSON, `{"ping":"<id>","time":"…"}` answered `{"pong":"<id>","time":"…"}`,
      // and its subscription acks `{"id":…,"code":0,"msg":""}` carry no event.
      return (text, control) => {
        if (text.length > BINGX_CONTROL_MAX) return exactBingxIds(text);
        const t = text.trim();
        if (t === 'Ping' || t === 'ping') {
          control.send('Pong');
          control.heartbeatAnswered();
          return undefined;
        }
        if (t === 'Pong' || t === 'pong') {
          control.heartbeatAnswered();
          return undefined;
        }
        if (t.startsWith('{') && !t.includes('"e":')) return bingxJsonControl(text, control);
        return exactBingxIds(text);
      };
    case 'json-ping':
      // Toobit and Bitrue: `{"ping":ts}` answered with `{"pong":ts}`, in either direction.
      return (text, control) => {
        // Bitrue acknowledges each channel subscription: `{"channel":…,"event_rep":"subed","status":"ok",…}`
        // carries no event. A refusal (another status) goes on and is reported (a malformed frame).
        if (text.length <= ACK_MAX && text.includes('"event_rep"') && text.includes('"status":"ok"'))
          return undefined;
        if (text.length > CONTROL_MAX || (!text.includes('"ping"') && !text.includes('"pong"'))) return text;
        const value = tryJson(text) as { ping?: unknown; pong?: unknown } | undefined;
        if (value === undefined || typeof value !== 'object' || value === null) return text;
        if (typeof value.ping === 'number') {
          control.send(`{"pong":${value.ping}}`);
          return undefined;
        }
        if (value.pong !== undefined) {
          control.heartbeatAnswered();
          return undefined;
        }
        return text;
      };
    case 'method-ping':
      // MEXC: `{"id":0,"code":0,"msg":"PONG"}` answers `{"method":"PING"}`; subscription acks
      // (`{"id":0,"code":0,"msg":"spot@private…"}`) are JSON too and carry no event.
      return (text, control) => {
        if (text.length > 2048 || !text.includes('"msg"') || text.includes('"e"')) return text;
        const value = tryJson(text) as { msg?: unknown; code?: unknown } | undefined;
        if (value === undefined || typeof value !== 'object' || value === null) return text;
        if (value.msg === 'PONG') control.heartbeatAnswered();
        // A refused subscription ("Not Subscribed successfully! …") would leave the stream silent
        // until MEXC drops it: passed on, it is reported (a malformed frame) instead of hidden.
        else if (typeof value.msg === 'string' && value.msg.startsWith('Not Subscribed')) return text;
        return undefined;
      };
    default:
      return (text) => text;
  }
}

/** BingX's JSON heartbeat (a 32-character id and a time) and acks are well under this. */
const BINGX_CONTROL_MAX = 256;

/** BingX spot's JSON ping (answered) or subscription ack (taken out unless it refuses). */
function bingxJsonControl(text: string, control: WireControl): string | undefined {
  const value = tryJson(text) as { ping?: unknown; time?: unknown; code?: unknown } | undefined;
  if (value === undefined || typeof value !== 'object' || value === null) return text;
  if (typeof value.ping === 'string' || typeof value.ping === 'number') {
    control.send(JSON.stringify({ pong: value.ping, time: value.time }));
    control.heartbeatAnswered();
    return undefined;
  }
  // A refused subscription would leave the stream silent: passed on, it is reported.
  return value.code === 0 ? undefined : text;
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function textDecoder(
  encoding: FrameEncoding,
  maxPayload: number,
): (data: Buffer, isBinary: boolean) => string {
  switch (encoding) {
    case 'gzip-json':
      // Bounded like the frame itself: a small gzip frame cannot inflate past maxPayload.
      return (data, isBinary) => {
        if (!isBinary) return data.toString();
        try {
          return gunzipSync(data, { maxOutputLength: maxPayload }).toString();
        } catch {
          return UNDECODABLE;
        }
      };
    case 'protobuf-mexc': {
      const decode = mexcDecoder();
      return (data, isBinary) => (isBinary ? decode(data) : data.toString());
    }
    default:
      return (data, isBinary) => (isBinary ? UNDECODABLE : data.toString());
  }
}

function pinger(style: HeartbeatStyle): (control: WireControl, now: number) => void {
  switch (style) {
    case 'json-ping':
      return (control, now) => void control.send(`{"ping":${now}}`);
    case 'method-ping':
      return (control) => void control.send('{"method":"PING"}');
    default:
      return () => {};
  }
}

/**
 * The wire of `venue`, or undefined for plain JSON with WebSocket pings (no decoder: the fast
 * path). Built once per transport (its frame bound is an option).
 */
export function wireFor(venue: VenueProfile, maxPayload: number): Wire | undefined {
  const frames = venue.frames;
  let wire: Wire | undefined;
  if (
    frames &&
    !(
      (frames.encoding === 'json' || frames.encoding === 'json-array') &&
      frames.heartbeat === 'ws' &&
      !frames.subscribe?.length
    )
  ) {
    const toText = textDecoder(frames.encoding, maxPayload);
    const filter = controlFilter(frames.heartbeat);
    wire = {
      encoding: frames.encoding,
      heartbeat: frames.heartbeat,
      decode: (data, isBinary, control) => {
        const text = toText(data, isBinary);
        return text === UNDECODABLE ? text : filter(text, control);
      },
      ping: pinger(frames.heartbeat),
      clientPings: frames.heartbeat !== 'text-ping',
      subscribe: frames.subscribe ?? [],
    };
  }
  return wire;
}
