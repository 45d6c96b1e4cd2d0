import fs from 'node:fs';
import path from 'node:path';
import type { io } from '@tensorflow/tfjs';
import { InputError } from '@biaflow/core';
import { packageFile } from '@biaflow/core';
import { checkSettingsFileSize, MAX_MODEL_JSON_BYTES } from '@biaflow/core';
import { clip, excerpt } from '@biaflow/image';
import { writeFileAtomic } from '@biaflow/core';
import { loadTf } from '../backend/load-tf';
import { checkWeightBytes } from './weight-bytes';

import { MODEL_JSON, WEIGHTS_BIN } from '@biaflow/core';

/**
 * A `tf.io` handler that saves a model as `model.json` + `weights.bin` in a folder and loads it
 * back: plain `@tensorflow/tfjs` has no file handler in Node. Each file is written to a temporary
 * name and renamed, weights first, so `model.json` never points at missing or partial weights.
 */
export function dirHandler(dir: string): io.IOHandler {
  const tf = loadTf();
  return {
    async save(artifacts: io.ModelArtifacts): Promise<io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('dirHandler saves layers models (JSON topology), not binary graphs');
      }
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      const modelJson: io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      await writeFileAtomic(path.join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      await writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },

    async load(): Promise<io.ModelArtifacts> {
      const jsonPath = path.join(dir, MODEL_JSON);
      let modelJson: io.ModelJSON;
      checkSettingsFileSize(jsonPath, "a model bundle's model.json", MAX_MODEL_JSON_BYTES);
      try {
        modelJson = JSON.parse(await fs.promises.readFile(packageFile(dir, MODEL_JSON) ?? jsonPath, 'utf8')) as io.ModelJSON;
      } catch (e) {
        if (e instanceof InputError) throw e;
        throw new InputError(`cannot read the model graph: ${clip((e as Error).message)}`, { file: jsonPath, cause: e });
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const file = path.join(dir, p);
            const rel = path.relative(path.resolve(dir), path.resolve(file));
            if (rel === '' || rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) {
              throw new InputError(`names the weights file ${excerpt(p)}, which is not inside the model folder; a model's files are read only from inside it`, { file: jsonPath });
            }
            let bytes: Buffer;
            try {
              // model.json is data: the weights it names must be files of the bundle.
              bytes = await fs.promises.readFile(packageFile(dir, p) ?? file);
            } catch (e) {
              if (e instanceof InputError) throw e;
              throw new InputError(`cannot read the model weights: ${clip((e as Error).message)}`, { file, cause: e });
            }
            buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
          }
        }
        const data = tf.io.concatenateArrayBuffers(buffers);
        checkWeightBytes(specs, data.byteLength, path.join(dir, WEIGHTS_BIN));
        return [specs, data];
      });
    },
  };
}
