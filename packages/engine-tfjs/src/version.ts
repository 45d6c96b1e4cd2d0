export const ENGINE_TFJS_VERSION = '0.1.0';
