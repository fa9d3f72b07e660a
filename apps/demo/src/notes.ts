import type { Logger } from './logger.js';

/** One line of the dashboard's "recent events". */
export interface Note {
  /** Real time (epoch ms). */
  at: number;
  /** The stream (bot) or worker (fleet) the note is about, if one. */
  stream: string | undefined;
  level: 'info' | 'warn' | 'fault' | 'ok';
  text: string;
}

export interface NoteOptions {
  /** The library already logged this event: show the line, do not log it again. */
  logged?: boolean;
}

/** Notes kept for the dashboard: enough for a screen and /healthz, bounded for a run of days. */
const MAX_NOTES = 200;

/**
 * The recent events of a run (the bot's and the fleet's): kept, logged and passed to the
 * session's listener, in one place so both modes log and bound them alike.
 */
export class NoteLog {
  readonly notes: Note[] = [];
  readonly #logger: Logger;
  readonly #subject: 'stream' | 'worker';
  readonly #onNote: ((note: Note) => void) | undefined;

  /** `subject` is the log field naming what a note is about (the bot's streams, the fleet's workers). */
  constructor(logger: Logger, subject: 'stream' | 'worker', onNote?: (note: Note) => void) {
    this.#logger = logger;
    this.#subject = subject;
    this.#onNote = onNote;
  }

  /**
   * Adds a line to the recent events, and to the log unless `options.logged` says a library has
   * logged this very event already (a reconnect, a gap, an expired credential: the stream and the
   * lease log those with their numbers; a second line with the demo's wording would count it twice).
   */
  add(stream: string | undefined, level: Note['level'], text: string, options?: NoteOptions): void {
    const note: Note = { at: Date.now(), stream, level, text };
    this.notes.push(note);
    if (this.notes.length > MAX_NOTES) this.notes.splice(0, this.notes.length - MAX_NOTES);
    if (options?.logged !== true)
      this.#logger[level === 'warn' ? 'warn' : 'info']({ [this.#subject]: stream, kind: level }, text);
    this.#onNote?.(note);
  }
}
