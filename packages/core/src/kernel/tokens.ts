/**
 * Dependency-injection tokens of the per-run container. `Symbol.for` keys live in the global
 * symbol registry, so they stay equal even if two copies of @biaflow/core end up installed.
 */
export const Tokens = Object.freeze({
  Kernel: Symbol.for('@biaflow/core/Kernel'),
  RunContext: Symbol.for('@biaflow/core/RunContext'),
  Config: Symbol.for('@biaflow/core/Config'),
  Logger: Symbol.for('@biaflow/core/Logger'),
  RunDir: Symbol.for('@biaflow/core/RunDir'),
  Tf: Symbol.for('@biaflow/core/Tf'),
});

export type TokenName = keyof typeof Tokens;
