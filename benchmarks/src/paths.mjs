// The stream paths each client is measured on.
export const PATHS = {
  'spot-listenkey': {
    label: 'spot executionReport, listenKey stream',
    venue: 'binance-spot-legacy',
    protocol: 'listenKey',
  },
  'spot-wsapi': {
    label: 'spot executionReport, WebSocket API subscription',
    venue: 'binance-spot',
    protocol: 'wsApi',
  },
  'usdm-listenkey': {
    label: 'USD-M ORDER_TRADE_UPDATE, listenKey stream',
    venue: 'binance-usdm',
    protocol: 'listenKey',
  },
};
