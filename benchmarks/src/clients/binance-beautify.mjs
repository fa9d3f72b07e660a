// `binance` WebsocketClient with `beautify: true`: readable field names and numbers.
import { openBinance } from './binance-shared.mjs';

export { faultPath, paths, pointedBy } from './binance-shared.mjs';
export const open = (context) => openBinance(context, true);
