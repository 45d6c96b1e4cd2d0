/**
 * Dependency-injection tokens of the per-run container: the services a plugin may provide or
 * replace, resolved by core from the run's container. `Symbol.for` keys live in the global symbol
 * registry, so they stay equal even if two copies of @biaflow/core end up installed.
 *
 * - `ImageReader` / `ImageWriter` (several; by file type): `kernel.registerImageReader` / `registerImageWriter`;
 * - `PointsFormat` (several; by file type): `kernel.registerPointsFormat`;
 * - `InferenceEngine` (several; by name, `predict.engine`): `kernel.registerInferenceEngine`;
 * - `ModelFormat` (several; the first that recognizes a model, latest registered first): `kernel.registerModelFormat`;
 * - `TrainingEngine`, `ComputeBackend` (the last registered is used): `kernel.registerTrainingEngine` / `registerComputeBackend`;
 * - `Network` (several; by name, `model.architecture`): `kernel.registerNetwork`;
 * - `OutputKind` (several; by name, a workflow's `output`): `kernel.registerOutputKind`;
 * - `Progress`, `Random`, `Logger`, `ReportWriter`, `DataPipeline` (one each: the last registered): `kernel.provide(token, value)`.
 *
 * Nothing else is registered: what no one replaces travels in the `RunContext` of each hook.
 */
export const Tokens = Object.freeze({
  ImageReader: Symbol.for('@biaflow/core/ImageReader'),
  ImageWriter: Symbol.for('@biaflow/core/ImageWriter'),
  PointsFormat: Symbol.for('@biaflow/core/PointsFormat'),
  InferenceEngine: Symbol.for('@biaflow/core/InferenceEngine'),
  TrainingEngine: Symbol.for('@biaflow/core/TrainingEngine'),
  ComputeBackend: Symbol.for('@biaflow/core/ComputeBackend'),
  Network: Symbol.for('@biaflow/core/Network'),
  OutputKind: Symbol.for('@biaflow/core/OutputKind'),
  ModelFormat: Symbol.for('@biaflow/core/ModelFormat'),
  Progress: Symbol.for('@biaflow/core/Progress'),
  Random: Symbol.for('@biaflow/core/Random'),
  Logger: Symbol.for('@biaflow/core/Logger'),
  ReportWriter: Symbol.for('@biaflow/core/ReportWriter'),
  DataPipeline: Symbol.for('@biaflow/core/DataPipeline'),
});

export type TokenName = keyof typeof Tokens;
