import { Root, type Type } from 'protobufjs/light';
import { ONNX_SCHEMA } from './onnx-schema';
import type { ModelProto } from './onnx-types';

let modelType: Type | undefined;

function modelProtoType(): Type {
  modelType ??= Root.fromJSON(ONNX_SCHEMA).lookupType('onnx.ModelProto');
  return modelType;
}

/** Serialize a ModelProto to the bytes of an `.onnx` file. */
export function encodeModel(model: ModelProto): Uint8Array {
  const type = modelProtoType();
  return type.encode(type.fromObject(model as unknown as Record<string, unknown>)).finish();
}

/** Parse the bytes of an `.onnx` file (the subset this package knows; other fields are skipped). */
export function decodeModel(bytes: Uint8Array): ModelProto {
  const type = modelProtoType();
  return type.toObject(type.decode(bytes), { longs: Number, bytes: Uint8Array as never, defaults: false, arrays: true }) as unknown as ModelProto;
}
