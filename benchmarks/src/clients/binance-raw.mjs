// `binance` WebsocketClient without its beautifier: the parsed frame as the venue sent it.
import { openBinance } from './binance-shared.mjs';

export { faultPath, paths, pointedBy } from './binance-shared.mjs';
export const open = (context) => openBinance(context, false);
