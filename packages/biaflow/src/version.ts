export const BIAFLOW_VERSION = '0.1.0';
