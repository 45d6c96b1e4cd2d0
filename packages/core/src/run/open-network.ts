import path from 'node:path';
import { inject, injectable, injectAll } from 'tsyringe';
import { BUNDLE_META } from '../kernel/contributions/model-bundle';
import { ConfigError } from '../errors';
import type { InferenceEngine, Network } from '../kernel/contributions/inference-engine';
import { FIRST_PARTY_ENGINES } from '../kernel/first-party';
import type { RunContext } from '../kernel/run-context';
import type { ResolvedConfig } from '../kernel/config/schema';
import { Tokens } from '../kernel/tokens';
import { readModel } from './read-model';
import { checkBundleTileSize } from './tile-size-limit';

/** The inference engine of a run (`Tokens.EngineChoice`), built by its container from the registered engines and the config. */
@injectable()
export class EngineChoice {
  constructor(
    @injectAll(Tokens.InferenceEngine, { isOptional: true }) private readonly engines: InferenceEngine[],
    @inject(Tokens.Config) private readonly config: Pick<ResolvedConfig, 'predict'>,
  ) {}

  /** The engine `predict.engine` names (the last registered under that name); a config error listing the registered ones when none is. */
  chosen(): InferenceEngine {
    const name = this.config.predict.engine;
    const engine = [...this.engines].reverse().find((e) => e.name === name);
    if (engine) return engine;
    const pkg = FIRST_PARTY_ENGINES[name];
    throw new ConfigError([
      {
        path: 'predict.engine',
        message: `no inference engine "${name}" is registered (registered: ${this.engines.map((e) => e.name).join(', ') || 'none'})${
          pkg ? `; install ${pkg} (npm i ${pkg}) and list it under plugins:` : ''
        }`,
      },
    ]);
  }
}

/**
 * Open the model in `dir` for prediction: a biaflow bundle (or one a model format unpacked) with the
 * run's inference engine; a network a model format runs itself as that format opens it.
 */
export async function openNetwork(run: RunContext, dir: string): Promise<Network> {
  const { source } = await readModel(dir, run.kernel, { logger: run.logger, maxMegavoxels: run.config.system.max_image_megavoxels });
  const context = { tf: run.tf, logger: run.logger, threads: run.threads };
  let network: Network;
  try {
    if (source.kind === 'bundle') checkBundleTileSize(source.meta, run.config, path.join(source.dir, BUNDLE_META));
    network = source.kind === 'bundle' ? await run.container.resolve<EngineChoice>(Tokens.EngineChoice).chosen().open(source.dir, source.meta, context) : await source.open(context);
  } catch (e) {
    await source.dispose?.();
    throw e;
  }
  if (!source.dispose) return network;
  return {
    meta: network.meta,
    dir: network.dir,
    engine: network.engine,
    predict: (batch) => network.predict(batch),
    ...(network.predictImage ? { predictImage: (image: Parameters<NonNullable<Network['predictImage']>>[0]) => network.predictImage!(image) } : {}),
    async dispose() {
      try {
        await network.dispose();
      } finally {
        await source.dispose?.();
      }
    },
  };
}
