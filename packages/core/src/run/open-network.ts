import { readBundleMeta } from '../engine/bundle/save-load';
import { ConfigError } from '../errors';
import type { InferenceEngine, Network } from '../kernel/contributions/inference-engine';
import { FIRST_PARTY_ENGINES } from '../kernel/first-party';
import type { RunContext } from '../kernel/run-context';
import { Tokens } from '../kernel/tokens';

/** The engine `predict.engine` names, from the run's container (the last registered under that name). */
export function engineFor(run: Pick<RunContext, 'container' | 'config'>): InferenceEngine {
  const name = run.config.predict.engine;
  const engines = run.container.isRegistered(Tokens.InferenceEngine, true) ? run.container.resolveAll<InferenceEngine>(Tokens.InferenceEngine) : [];
  const engine = [...engines].reverse().find((e) => e.name === name);
  if (engine) return engine;
  const pkg = FIRST_PARTY_ENGINES[name];
  throw new ConfigError([
    {
      path: 'predict.engine',
      message: `no inference engine "${name}" is registered (registered: ${engines.map((e) => e.name).join(', ') || 'none'})${
        pkg ? `; install ${pkg} (npm i ${pkg}) and list it under plugins:` : ''
      }`,
    },
  ]);
}

/** Open the model bundle in `dir` with the run's inference engine. */
export async function openNetwork(run: RunContext, dir: string): Promise<Network> {
  const engine = engineFor(run);
  const meta = await readBundleMeta(dir);
  return engine.open(dir, meta, { tf: run.tf, logger: run.logger, threads: run.threads });
}
