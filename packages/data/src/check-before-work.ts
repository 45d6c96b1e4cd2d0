import fs from 'node:fs';
import path from 'node:path';
import { Tokens, type CheckedStages, type ConfigIssue, type DataImageHeader, type Kernel, type NetworkDefinition, type ResolvedConfig } from '@biaflow/core';
import type { RunDataIO } from '@biaflow/core/internals';

/** Files named per problem in a message; the rest are counted. */
const SHOWN = 5;

const DEFAULT_PATCH: Record<2 | 3, number[]> = { 2: [256, 256], 3: [32, 128, 128] };

/**
 * The network's down-sampling checks: `model.z_down`'s length, and the patch size against the size
 * divisor, as the network `model.architecture` names declares them (an unknown name is the config
 * validation's to report).
 */
function modelIssues(config: ResolvedConfig, network: NetworkDefinition | undefined): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const { model, problem, data } = config;
  const ndim = problem.ndim;
  if (!network) return issues;
  const o = { ndim, zDown: model.z_down, featureMaps: model.feature_maps };
  const levels = network.levels(o);
  if (model.z_down.length > 0 && ndim === 2) issues.push({ path: 'model.z_down', message: 'applies to 3D networks only (problem.ndim is 2): leave it []' });
  else if (model.z_down.length > 0 && model.z_down.length !== levels) {
    issues.push({
      path: 'model.z_down',
      message: `has ${model.z_down.length} value(s) but the network downsamples ${levels} time(s) (model.feature_maps has ${model.feature_maps.length} levels): give ${levels}, or [] for 2 at every level`,
    });
  }
  const patch = data.patch_size ?? DEFAULT_PATCH[ndim];
  if (patch.length !== ndim) {
    issues.push({ path: 'data.patch_size', message: `has ${patch.length} value(s) but problem.ndim is ${ndim}: give [${ndim === 2 ? 'y, x' : 'z, y, x'}]` });
    return issues;
  }
  if (network.output === 'global' || issues.length) return issues;
  const divisor = network.sizeDivisor(o);
  if (patch.some((p, i) => p % divisor[i] !== 0)) {
    issues.push({
      path: 'data.patch_size',
      message: `[${patch.join(', ')}] is not a multiple of the network's down-sampling [${divisor.join(', ')}] (2 per level of model.feature_maps${ndim === 3 ? ', model.z_down along z' : ''}): use e.g. [${patch
        .map((p, i) => Math.max(divisor[i], Math.round(p / divisor[i]) * divisor[i]))
        .join(', ')}]`,
    });
  }
  return issues;
}

/** The data folders the stages read, by config key. */
function dataFolders(config: ResolvedConfig, stages: CheckedStages): [string, string | undefined][] {
  const { train, val, test } = config.data;
  return [
    ...(stages.train
      ? ([
          ['data.train.images', train.images],
          ['data.train.labels', train.labels],
          ['data.val.images', val.images],
          ['data.val.labels', val.labels],
        ] as [string, string | undefined][])
      : []),
    ...(stages.predict ? ([['data.test.images', test.images]] as [string, string | undefined][]) : []),
    ...(stages.predict || stages.evaluate ? ([['data.test.labels', test.labels]] as [string, string | undefined][]) : []),
  ];
}

function listed(files: string[]): string {
  return files.slice(0, SHOWN).join(', ') + (files.length > SHOWN ? `, and ${files.length - SHOWN} more` : '');
}

/**
 * Everything about a config that can be checked without training and without decoding an image: the
 * network's down-sampling against the patch size and `model.z_down`; the data folders exist; every
 * image's header (shape, axes — no pixel decoded) has the dimensionality of `problem.ndim` and the
 * channel count of `data.channels` (else of the first training image); then the workflow's own checks
 * against the headers (`checkImageHeaders`). Returns every issue found (`DataPipeline.checkBeforeWork`);
 * core throws them as one ConfigError.
 */
export function issuesBeforeWork(config: ResolvedConfig, kernel: Kernel, stages: CheckedStages): ConfigIssue[] {
  const issues: ConfigIssue[] = stages.train ? modelIssues(config, kernel.networks.get(config.model.architecture)) : [];
  const workflow = kernel.workflows.get(config.problem.type);
  if (!workflow) return issues;
  // The data I/O the run will read with, from a container of the config's own.
  const io = kernel.runContainer(config).resolve<RunDataIO>(Tokens.DataIO);
  const headers: DataImageHeader[] = [];
  for (const [key, dir] of dataFolders(config, stages)) {
    if (!dir) continue;
    if (!fs.existsSync(dir)) {
      issues.push({ path: key, message: `${dir} does not exist` });
      continue;
    }
    if (!key.endsWith('.images')) continue;
    const set = key.split('.')[1] as DataImageHeader['set'];
    let files: string[];
    try {
      files = workflow.data.testImages(dir, io).map((t) => t.file);
    } catch {
      continue; // a folder that cannot be listed is reported where it is read
    }
    if (files.length === 0) issues.push({ path: key, message: `${dir} holds no image files (${io.extensions.join(', ')})` });
    for (const file of files) {
      let header;
      try {
        header = io.header(file);
      } catch {
        header = undefined;
      }
      if (header) headers.push({ set, file, header });
    }
  }
  issues.push(...shapeIssues(config, headers));
  if (workflow.checkImageHeaders) issues.push(...workflow.checkImageHeaders(config, headers));
  return issues;
}

/** Images of another dimensionality than `problem.ndim`, or another channel count than the training images'. */
function shapeIssues(config: ResolvedConfig, headers: readonly DataImageHeader[]): ConfigIssue[] {
  const ndim = config.problem.ndim;
  const size = (h: DataImageHeader, letter: string) => {
    const i = h.header.axes.indexOf(letter);
    return i < 0 ? 1 : h.header.shape[i];
  };
  const channelsOf = (h: DataImageHeader) => size(h, 'C') * size(h, 'S');
  const keyOf = (h: DataImageHeader) => `data.${h.set}.images`;
  const issues: ConfigIssue[] = [];
  const group = (key: string, files: string[], message: string) => {
    if (files.length) issues.push({ path: key, message: `${files.length} image(s) ${message}: ${listed(files)}` });
  };
  for (const set of ['train', 'val', 'test'] as const) {
    const inSet = headers.filter((h) => h.set === set);
    if (!inSet.length) continue;
    const key = keyOf(inSet[0]);
    if (ndim === 2) group(key, inSet.filter((h) => size(h, 'Z') > 1).map((h) => h.file), 'are 3D stacks but problem.ndim is 2 (set it to 3, or give 2D images)');
    else group(key, inSet.filter((h) => !h.header.axes.includes('Z')).map((h) => h.file), 'are 2D but problem.ndim is 3 (give Z stacks, or set it to 2)');
    group(key, inSet.filter((h) => size(h, 'T') > 1).map((h) => h.file), 'are time series (T > 1): give one time point per file');
  }
  const first = headers.find((h) => h.set === 'train') ?? headers[0];
  if (!first) return issues;
  const expected = config.data.channels ?? channelsOf(first);
  const why = config.data.channels ? 'data.channels' : `the first training image, ${path.basename(first.file)}`;
  for (const set of ['train', 'val', 'test'] as const) {
    const off = headers.filter((h) => h.set === set && channelsOf(h) !== expected);
    if (off.length) {
      issues.push({
        path: `data.${set}.images`,
        message: `${off.length} image(s) have another channel count than ${expected} (${why}): ${off
          .slice(0, SHOWN)
          .map((h) => `${h.file} (${channelsOf(h)})`)
          .join(', ')}${off.length > SHOWN ? `, and ${off.length - SHOWN} more` : ''}`,
      });
    }
  }
  return issues;
}
