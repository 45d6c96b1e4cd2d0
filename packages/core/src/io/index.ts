// Image and point I/O. Filled by the image I/O work (issue 4); the signatures are the contract.
export * from './types';
