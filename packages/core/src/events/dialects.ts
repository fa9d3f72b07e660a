/**
 * The dispatch table: which event schemas each dialect knows, keyed by the event type `e`, and
 * the event type unions per dialect. A stream's dialect comes from its venue profile.
 */
import type { ZodType } from 'zod';
import { type AsterAnnouncement, type AsterEvent, asterAnnouncementSchema, asterSchemas } from './aster.js';
import { type BhexEvent, bhexSchemas } from './bhex.js';
import { type BingxSpotEvent, type BingxSwapEvent, bingxSpotSchemas, bingxSwapSchemas } from './bingx.js';
import { type BitrueEvent, bitrueSchemas } from './bitrue.js';
import { type CoinsEvent, coinsSchemas } from './coins.js';
import type { Dialect } from './common.js';
import { type FuturesEvent, futuresSchemas } from './futures.js';
import { algoUpdateSchema, conditionalOrderTriggerRejectSchema } from './futures-algo.js';
import { gridUpdateSchema, strategyUpdateSchema } from './futures-strategy.js';
import {
  type MarginLevelStatusChange,
  marginLevelStatusChangeSchema,
  type UserLiabilityChange,
  userLiabilityChangeSchema,
} from './margin-risk.js';
import { type MexcEvent, mexcSchemas } from './mexc.js';
import {
  balancePositionUpdateSchema,
  greekUpdateSchema,
  type OptionsAccountUpdate,
  type OptionsBalancePositionUpdate,
  type OptionsGreekUpdate,
  type OptionsOrderTradeUpdate,
  type OptionsRiskLevelChange,
  optionsAccountUpdateSchema,
  optionsOrderTradeUpdateSchema,
  optionsRiskLevelChangeSchema,
} from './options.js';
import {
  conditionalOrderTradeUpdateSchema,
  liabilityChangeSchema,
  openOrderLossSchema,
  type PmAlgoUpdate,
  type PmConditionalOrderTradeUpdate,
  type PmLiabilityChange,
  type PmOpenOrderLoss,
  type PmRiskLevelChange,
  pmAlgoUpdateSchema,
  pmProAccountUpdateSchema,
  pmProRiskLevelChangeSchema,
  riskLevelChangeSchema,
} from './portfolio-margin.js';
import {
  type BalanceUpdate,
  balanceUpdateSchema,
  type ListStatus,
  listStatusSchema,
  type OutboundAccountPosition,
  outboundAccountPositionSchema,
  type SpotEvent,
  type SpotExecutionReport,
  spotExecutionReportSchema,
  spotSchemas,
} from './spot.js';
import { type TokocryptoEvent, tokocryptoSchemas } from './tokocrypto.js';
import { type ToobitEvent, toobitSchemas } from './toobit.js';

/** USDⓈ-M, COIN-M and Portfolio Margin Pro (`pm-classic`, a USDⓈ-M key): futures.ts plus algo, strategy and PM Pro events. */
const futuresDialect = {
  ...futuresSchemas,
  ALGO_UPDATE: algoUpdateSchema,
  CONDITIONAL_ORDER_TRIGGER_REJECT: conditionalOrderTriggerRejectSchema,
  STRATEGY_UPDATE: strategyUpdateSchema,
  GRID_UPDATE: gridUpdateSchema,
  RISK_LEVEL_CHANGE: pmProRiskLevelChangeSchema,
  PM_PRO_ACCOUNT_UPDATE: pmProAccountUpdateSchema,
};

/** Cross margin risk data stream; the issue also places these on the listenToken stream, so spot knows them too. */
const marginRiskEvents = {
  MARGIN_LEVEL_STATUS_CHANGE: marginLevelStatusChangeSchema,
  USER_LIABILITY_CHANGE: userLiabilityChangeSchema,
};

/** Every dialect's schemas by event type. */
export const dialectSchemas: Readonly<Record<Dialect, Readonly<Record<string, ZodType>>>> = {
  spot: { ...spotSchemas, ...marginRiskEvents },
  futures: futuresDialect,
  bhex: bhexSchemas,
  coins: coinsSchemas,
  options: {
    ACCOUNT_UPDATE: optionsAccountUpdateSchema,
    ORDER_TRADE_UPDATE: optionsOrderTradeUpdateSchema,
    BALANCE_POSITION_UPDATE: balancePositionUpdateSchema,
    GREEK_UPDATE: greekUpdateSchema,
    RISK_LEVEL_CHANGE: optionsRiskLevelChangeSchema,
    listenKeyExpired: futuresSchemas.listenKeyExpired,
  },
  portfolioMargin: {
    // Futures events (with `fs` and the account alias `i`) and PM's own; listenKeyExpired is the
    // futures one (accepts a digit-string E).
    ...futuresSchemas,
    // Margin-side spot events.
    executionReport: spotExecutionReportSchema,
    outboundAccountPosition: outboundAccountPositionSchema,
    balanceUpdate: balanceUpdateSchema,
    listStatus: listStatusSchema,
    CONDITIONAL_ORDER_TRADE_UPDATE: conditionalOrderTradeUpdateSchema,
    ALGO_UPDATE: pmAlgoUpdateSchema,
    riskLevelChange: riskLevelChangeSchema,
    openOrderLoss: openOrderLossSchema,
    liabilityChange: liabilityChangeSchema,
  },
  marginRisk: { ...marginRiskEvents, listenKeyExpired: spotSchemas.listenKeyExpired },
  bingxSpot: bingxSpotSchemas,
  bingxSwap: bingxSwapSchemas,
  mexc: mexcSchemas,
  aster: asterSchemas,
  // Aster futures v3: USDⓈ-M's classic events (its docs list the same) plus `announcement`.
  asterFutures: { ...futuresSchemas, announcement: asterAnnouncementSchema },
  tokocrypto: tokocryptoSchemas,
  toobit: toobitSchemas,
  bitrue: bitrueSchemas,
};

/** Event types whose `T` is a transaction id beyond 2^53, read exactly from the frame text (exact-id.ts). */
export const EXACT_T_EVENTS: Readonly<Partial<Record<Dialect, readonly string[]>>> = {
  portfolioMargin: ['liabilityChange'],
};

/** Futures-dialect event types the portfolio margin stream does not carry (its ALGO_UPDATE has its own shape). */
type FuturesOnly =
  | 'ALGO_UPDATE'
  | 'CONDITIONAL_ORDER_TRIGGER_REJECT'
  | 'STRATEGY_UPDATE'
  | 'GRID_UPDATE'
  | 'RISK_LEVEL_CHANGE'
  | 'PM_PRO_ACCOUNT_UPDATE';

/** Events of the options dialect (`/eapi`). */
export type OptionsEvent =
  | OptionsAccountUpdate
  | OptionsOrderTradeUpdate
  | OptionsBalancePositionUpdate
  | OptionsGreekUpdate
  | OptionsRiskLevelChange
  | Extract<
      FuturesEvent,
      {
        /** The options stream's listenKey lapsed (the futures shape of the notice). */
        e: 'listenKeyExpired';
      }
    >;

/** Events of the portfolio margin dialect (`/papi`): the classic futures events and PM's own. */
export type PortfolioMarginEvent =
  | Exclude<
      FuturesEvent,
      {
        /** The futures-only events portfolio margin does not send in this form. */
        e: FuturesOnly;
      }
    >
  | PmRiskLevelChange
  | PmOpenOrderLoss
  | PmLiabilityChange
  | PmConditionalOrderTradeUpdate
  | PmAlgoUpdate
  | SpotExecutionReport
  | OutboundAccountPosition
  | BalanceUpdate
  | ListStatus;

/** Events of the Aster futures v3 stream: USDⓈ-M's classic events and `announcement` (no `E`). */
export type AsterFuturesEvent = Exclude<FuturesEvent, { e: FuturesOnly }> | AsterAnnouncement;

/** Events of the cross margin risk data stream. */
export type MarginRiskEvent = MarginLevelStatusChange | UserLiabilityChange;

/** The typed events each dialect can deliver (one `e` may have different shapes in different dialects). */
export interface DialectEvents {
  /**
   * Binance spot, margin and their clones: `executionReport`, `outboundAccountPosition`, `balanceUpdate`,
   * `listStatus`, …
   */
  spot: SpotEvent | MarginRiskEvent;
  /** USDⓈ-M and COIN-M futures: `ORDER_TRADE_UPDATE`, `ACCOUNT_UPDATE`, `ALGO_UPDATE`, … */
  futures: FuturesEvent;
  /**
   * BHEX and its clones: `executionReport`, `outboundAccountInfo` (with can-trade/withdraw/deposit flags).
   */
  bhex: BhexEvent;
  /** Coins.ph and its sisters: `executionReport`, `outboundAccountPosition`, `balanceUpdate`. */
  coins: CoinsEvent;
  /** Binance options (`/eapi`). */
  options: OptionsEvent;
  /** Binance portfolio margin (`/papi`): futures and margin events on one stream. */
  portfolioMargin: PortfolioMarginEvent;
  /** The cross margin risk data stream: margin level and liability changes, and the listenKey's expiry. */
  marginRisk: MarginRiskEvent | Extract<SpotEvent, { e: 'listenKeyExpired' }>;
  /** BingX spot. */
  bingxSpot: BingxSpotEvent;
  /** BingX perpetual swaps. */
  bingxSwap: BingxSwapEvent;
  /** MEXC spot (protobuf frames decoded by `@userstream/stream`). */
  mexc: MexcEvent;
  /** Aster spot. */
  aster: AsterEvent;
  /** Aster futures v3. */
  asterFutures: AsterFuturesEvent;
  /** Tokocrypto. */
  tokocrypto: TokocryptoEvent;
  /** Toobit. */
  toobit: ToobitEvent;
  /** Bitrue spot: `ORDER` and `BALANCE` pushes (gzip-compressed JSON frames). */
  bitrue: BitrueEvent;
}

/**
 * The typed events of dialect `D`: `parseFrame(text, 'options')` narrows to options shapes, so
 * `event.e === 'ACCOUNT_UPDATE'` then means the options one.
 */
export type DialectEvent<D extends Dialect> = DialectEvents[D];

/** Every typed event of every dialect. */
export type KnownEvent = DialectEvents[Dialect];
