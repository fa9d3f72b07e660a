export type {
  AsterAnnouncement,
  AsterAnnouncementContent,
  AsterEvent,
  AsterExecutionReport,
  AsterOutboundAccountPosition,
} from './aster.js';
export type { BhexEvent, BhexExecutionReport, BhexOutboundAccountInfo } from './bhex.js';
export type {
  BingxListenKeyExpired,
  BingxSpotAccountUpdate,
  BingxSpotEvent,
  BingxSpotExecutionReport,
  BingxSwapAccountConfigUpdate,
  BingxSwapAccountUpdate,
  BingxSwapEvent,
  BingxSwapOrderTradeUpdate,
} from './bingx.js';
export type { BitrueBalance, BitrueEvent, BitrueOrder } from './bitrue.js';
export type {
  CoinsBalanceUpdate,
  CoinsEvent,
  CoinsExecutionReport,
  CoinsOutboundAccountPosition,
} from './coins.js';
export type { Dialect } from './common.js';
export type {
  AsterFuturesEvent,
  DialectEvent,
  DialectEvents,
  KnownEvent,
  MarginRiskEvent,
  OptionsEvent,
  PortfolioMarginEvent,
} from './dialects.js';
export type {
  FuturesAccountConfigUpdate,
  FuturesAccountUpdate,
  FuturesEvent,
  FuturesListenKeyExpired,
  FuturesMarginCall,
  FuturesOrderTradeUpdate,
  FuturesTradeLite,
} from './futures.js';
export type { AlgoOrder, FuturesAlgoUpdate, FuturesConditionalOrderTriggerReject } from './futures-algo.js';
export type { FuturesGridUpdate, FuturesStrategyUpdate } from './futures-strategy.js';
export { eventIdentity } from './identity.js';
export type { MarginLevelStatusChange, UserLiabilityChange } from './margin-risk.js';
export type { MexcEvent, MexcPrivateAccount, MexcPrivateDeals, MexcPrivateOrders } from './mexc.js';
export {
  type AlgoOrderSnapshot,
  type FuturesBook,
  isTerminalAlgoStatus,
  type NormalizedAccountUpdate,
  type NormalizedAlgoOrder,
  type NormalizedBalance,
  type NormalizedBalanceDelta,
  type NormalizedBalances,
  type NormalizedCredentialExpired,
  type NormalizedEvent,
  type NormalizedFuturesBalance,
  type NormalizedOrder,
  type NormalizedOrderList,
  type NormalizedOther,
  type NormalizedPosition,
  type NormalizedServerShutdown,
  normalizeEvent,
  normalizeRestAlgoOrder,
  normalizeRestOrder,
  normalizeRestPosition,
  type OrderSnapshot,
  orderSnapshotOf,
  type PositionSnapshot,
  positionKey,
  positionSnapshotOf,
} from './normalize.js';
export type {
  OptionsAccountUpdate,
  OptionsBalancePositionUpdate,
  OptionsGreekUpdate,
  OptionsOrderTradeUpdate,
  OptionsRiskLevelChange,
} from './options.js';
export {
  eventSchemas,
  type ParsedEvent,
  type ParsedFrame,
  parseDecodedFrame,
  parseEvent,
  parseFrame,
  type UnknownEvent,
  type UserDataEvent,
} from './parse.js';
export type {
  PmAlgoUpdate,
  PmConditionalOrderTradeUpdate,
  PmLiabilityChange,
  PmOpenOrderLoss,
  PmProAccountUpdate,
  PmProRiskLevelChange,
  PmRiskLevelChange,
} from './portfolio-margin.js';
export type {
  BalanceUpdate,
  EventStreamTerminated,
  ExternalLockUpdate,
  ListenKeyExpired,
  ListStatus,
  OutboundAccountPosition,
  ServerShutdown,
  SpotEvent,
  SpotExecutionReport,
} from './spot.js';
export type {
  TokocryptoEvent,
  TokocryptoExecutionReport,
  TokocryptoOutboundAccountPosition,
} from './tokocrypto.js';
export type {
  ToobitContractAccountInfo,
  ToobitContractExecutionReport,
  ToobitContractPositionInfo,
  ToobitEvent,
  ToobitListenKeyWillExpire,
  ToobitTicketInfo,
} from './toobit.js';
