// The training engine: networks, model bundles, the training loop, seeded randomness.
export * from './models';
export * from './bundle';
export * from './training';
export { deriveSeed, SeededRandom } from '@biaflow/image';
