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
export { ENGINE_ONNX_NAME, ENGINE_ONNX_VERSION } from './version';
