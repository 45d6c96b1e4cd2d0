import { z } from 'zod';

/** `name` or `[name, options]`, as in Babel. Names resolve from the config file's folder. */
const pluginEntry = z.union([z.string().min(1), z.tuple([z.string().min(1), z.record(z.string(), z.unknown())])]);

export const pluginsSection = z
  .array(pluginEntry)
  .default([])
  .describe(
    'Plugins to load: npm package names, first-party short names (see `biaflow plugins`) or paths relative to the config file; [name, options] passes options to a plugin factory.',
  );

