export const DATA_VERSION = '0.1.0';
