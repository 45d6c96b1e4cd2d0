/**
 * Dependency-injection tokens. `Symbol.for` keys live in the global symbol registry, so they stay
 * equal even if two copies of @biaflow/core end up installed. The kernel's container holds what
 * plugins register; each run resolves from its own child container (`RunContext.container`), which
 * builds the run's services with their dependencies injected (`@inject(Tokens.X)`).
 *
 * Several each (all kept, in registration order):
 * - `ImageReader` / `ImageWriter` / `PointsFormat` (by file type): `kernel.registerImageReader` / `registerImageWriter` / `registerPointsFormat`;
 * - `InferenceEngine` (by name, `predict.engine`), `ModelFormat` (the first that recognizes a model, latest first), `Network`
 *   (by name, `model.architecture`), `OutputKind` (by name, a workflow's `output`): `kernel.register…`;
 * - `Contribution`: which plugin registered each of those (`kernel.contributionsOf`);
 * - `ProgressDisplay`: where progress is shown besides the log (the CLI's terminal).
 *
 * One each (the last registered wins; `kernel.provide(token, value)` or `kernel.provideClass(token, Class)`):
 * - `TrainingEngine`, `ComputeBackend` (`kernel.registerTrainingEngine` / `registerComputeBackend`), `ReportWriter`, `DataPipeline`,
 *   `TerminalDisplay` (the CLI's progress on the terminal, which the run commands open and register as a `ProgressDisplay`);
 * - core's run services: `DataIO` (reads, by the readers), `FileWriters` (writes, by the writers), `EngineChoice`
 *   (the engine `predict.engine` names), `Progress` (the log, then the displays), `Logger` (the run's log),
 *   `Random`, `RunFolder` (made ready and locked), `RunLog` (`log.jsonl` and the terminal);
 * - the run's own facts, registered in its child container: `Config` (the resolved config), `RunRequest`
 *   (what the command asked: folder, flags, log level).
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
  Contribution: Symbol.for('@biaflow/core/Contribution'),
  Progress: Symbol.for('@biaflow/core/Progress'),
  ProgressDisplay: Symbol.for('@biaflow/core/ProgressDisplay'),
  TerminalDisplay: Symbol.for('@biaflow/core/TerminalDisplay'),
  Random: Symbol.for('@biaflow/core/Random'),
  Logger: Symbol.for('@biaflow/core/Logger'),
  ReportWriter: Symbol.for('@biaflow/core/ReportWriter'),
  DataPipeline: Symbol.for('@biaflow/core/DataPipeline'),
  DataIO: Symbol.for('@biaflow/core/DataIO'),
  FileWriters: Symbol.for('@biaflow/core/FileWriters'),
  EngineChoice: Symbol.for('@biaflow/core/EngineChoice'),
  RunFolder: Symbol.for('@biaflow/core/RunFolder'),
  RunLog: Symbol.for('@biaflow/core/RunLog'),
  Config: Symbol.for('@biaflow/core/Config'),
  RunRequest: Symbol.for('@biaflow/core/RunRequest'),
});
