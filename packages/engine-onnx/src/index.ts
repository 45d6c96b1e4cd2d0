// @biaflow/engine-onnx: biaflow networks exported to ONNX (channels first, opset 17) and run
// through ONNX Runtime.
export {
  exportOnnx,
  buildOnnxModel,
  ONNX_OPSET,
  ONNX_IR_VERSION,
  ONNX_INPUT_NAME,
  ONNX_OUTPUT_NAME,
  BIAFLOW_METADATA_KEY,
  type ExportOnnxOptions,
} from './export/export-onnx';
export { SUPPORTED_ACTIVATIONS } from './export/activations';
export { LAYER_CONVERTERS } from './export/layer-converters';
export { encodeModel, decodeModel } from './proto/encode-model';
export type { ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, AttributeProto } from './proto/onnx-types';
export { createOnnxPredictor, type BatchPredictor, type OnnxPredictor, type OnnxPredictorOptions } from './runtime/onnx-predictor';
export { loadBundleAsOnnx, createBundlePredictor, type OnnxBundle } from './bundle/load-bundle';
export { transpose, channelsFirstPerm, channelsLastPerm } from './layout';
export { ENGINE_ONNX_NAME, ENGINE_ONNX_VERSION } from "./version";

// The biaflow plugin (`plugins: [@biaflow/engine-onnx]`): the onnx engine, the export section and commands.
export { engineOnnxPlugin } from './plugin';
export { onnxEngine, ONNX_ENGINE_NAME } from './engine/onnx-engine';
export { runOnnxModel, openOnnxSession, type OnnxSession } from './runtime/onnx-session-runner';
export { zooModelFormat, ZOO_FORMAT_NAME, ZOO_FORMAT_DESCRIPTION } from './zoo/zoo-model-format';
export { zooNetwork } from './zoo/zoo-network';
export { exportModelPackage, type ExportRequest, type ExportResult } from './zoo/export-package';
export { testZooPackage, formatReport, type TestPackageOptions } from './zoo/test-package';
export { onnxRunner, tfjsRunner, isBiaflowTfjsZip } from './zoo/runners';
export { zooPreprocessing, ZOO_EPS, type ProcessingStep, type ZooPreprocessing } from './zoo/preprocessing';
export { exportSection, EXPORT_SECTION, type ExportSettings } from './zoo/export-section';
export { spatialRules, testSize, channelIdentifiers, type SpatialRule } from './zoo/axes';
export { describeModel, PACKAGE_FILES } from './zoo/describe-model';
export { coverImage } from './zoo/cover';
export { encodePng, type RgbImage } from './zoo/png';
export { exportCommand, testModelCommand } from './zoo/commands';

import { engineOnnxPlugin } from './plugin';
export default engineOnnxPlugin;
