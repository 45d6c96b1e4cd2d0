export { imageLabelPairs } from './image-label-pairs';
export { pointLists } from './point-lists';
export { classFolderLayout } from './class-folders';
