/** The pino-compatible logger every userstream package takes (defined once, in core). */
export { isLogger, type Logger, silentLogger } from '@userstream/core';
