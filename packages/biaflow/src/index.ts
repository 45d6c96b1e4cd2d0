// biaflow: the command (`npx biaflow …`) and the library. From code, a trained model gives the same
// post-processed result as `biaflow predict`:
//
//   const model = await loadWorkflowModel('runs/first/model');
//   const result = await predict(model, await readImage('cells.tif'));
//
// This package sits on top of the others (core, io, the workflows); none of them imports it.
import 'reflect-metadata';

export { loadWorkflowModel, predictWithWorkflow, isWorkflowModel, type WorkflowModel, type WorkflowModelOptions, type ImageInput } from './workflow-model';
export { predict } from './predict';
export { createKernel, DEFAULT_PLUGINS } from './default-kernel';
export { loadConfig } from './load-config';
export { main } from './main';
export { readImage, readImageSync, writeImage, writeImageSync, readImageHeader, readPoints, writePoints, listImageFiles } from '@biaflow/io';
export type { ConfigRequest, LoadedConfig, ResolvedConfig, BiaflowPlugin, Prediction, NdArray, Image, PointList } from '@biaflow/core';
