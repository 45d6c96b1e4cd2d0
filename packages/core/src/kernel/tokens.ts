/**
 * Dependency-injection tokens of the per-run container. `Symbol.for` keys live in the global
 * symbol registry, so they stay equal even if two copies of @biaflow/core end up installed.
 *
 * Services a plugin may provide or replace (resolved by core from the run's container):
 * - `ImageReader` / `ImageWriter` (several; by file type): `kernel.registerImageReader` / `registerImageWriter`;
 * - `InferenceEngine` (several; by name, `predict.engine`): `kernel.registerInferenceEngine`;
 * - `Progress` (one: the last registered), `Random` (one), `Logger` (one): `kernel.provide(token, value)`.
 * The run itself: `RunContext`, `Config`, `RunDir`, `Tf`, `Kernel` (registered by core, read-only).
 */
export const Tokens = Object.freeze({
  Kernel: Symbol.for('@biaflow/core/Kernel'),
  RunContext: Symbol.for('@biaflow/core/RunContext'),
  Config: Symbol.for('@biaflow/core/Config'),
  Logger: Symbol.for('@biaflow/core/Logger'),
  RunDir: Symbol.for('@biaflow/core/RunDir'),
  Tf: Symbol.for('@biaflow/core/Tf'),
  ImageReader: Symbol.for('@biaflow/core/ImageReader'),
  ImageWriter: Symbol.for('@biaflow/core/ImageWriter'),
  InferenceEngine: Symbol.for('@biaflow/core/InferenceEngine'),
  Progress: Symbol.for('@biaflow/core/Progress'),
  Random: Symbol.for('@biaflow/core/Random'),
});

export type TokenName = keyof typeof Tokens;
