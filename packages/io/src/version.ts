export const IO_VERSION = '0.1.0';
