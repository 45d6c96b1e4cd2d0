export const REPORT_VERSION = '0.1.0';
