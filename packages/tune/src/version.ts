export const TUNE_VERSION = '0.1.0';
