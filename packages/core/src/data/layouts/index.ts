export type { DataLayout, SetName, TestImage } from './data-layout';
export { imageLabelPairs } from './image-label-pairs';
export { pointLists } from './point-lists';
export { classFolderLayout } from './class-folders';
