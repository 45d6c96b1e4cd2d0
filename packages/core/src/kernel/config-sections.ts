import type { ZodRawShape, ZodType } from 'zod';

/** A config section contributed by a plugin. */
export interface ConfigSection {
  key: string;
  schema: ZodType;
  plugin: string;
}

/** Keys a plugin adds to a section of core's (`metrics.<key>`). */
export interface SectionExtension {
  section: string;
  shape: ZodRawShape;
  plugin: string;
}
