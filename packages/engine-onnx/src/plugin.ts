import { definePlugin, type BiaflowPlugin } from './core-api';
import { onnxEngine } from './engine/onnx-engine';
import { ENGINE_ONNX_CORE_RANGE, ENGINE_ONNX_DESCRIPTION, ENGINE_ONNX_NAME, ENGINE_ONNX_VERSION } from './version';
import { exportCommand, testModelCommand } from './zoo/commands';
import { EXPORT_SECTION, exportSection } from './zoo/export-section';
import { zooModelFormat } from './zoo/zoo-model-format';

/**
 * The biaflow plugin: the `onnx` inference engine (`predict.engine: onnx`), the BioImage Model Zoo
 * model format (`predict --model PACKAGE`, `model.load: PACKAGE`), the `export:` config
 * section, and the `export` / `test-model` commands for BioImage Model Zoo packages. Listed in the
 * package's `biaflow` manifest, so `biaflow --help` shows the commands without loading it.
 */
export const engineOnnxPlugin = definePlugin(
  (): BiaflowPlugin => ({
    name: ENGINE_ONNX_NAME,
    version: ENGINE_ONNX_VERSION,
    core: ENGINE_ONNX_CORE_RANGE,
    description: ENGINE_ONNX_DESCRIPTION,
    apply(kernel) {
      kernel.registerInferenceEngine(onnxEngine);
      kernel.registerModelFormat(zooModelFormat);
      kernel.registerConfigSection(EXPORT_SECTION, exportSection);
      kernel.registerCommand(exportCommand);
      kernel.registerCommand(testModelCommand);
    },
  }),
);
