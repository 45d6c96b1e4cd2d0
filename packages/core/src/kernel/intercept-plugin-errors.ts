import type { Hook, HookMap, FullTap } from 'tapable';
import type { KernelHooks } from './hooks';
import { wrapPluginError } from './plugin-error';

type AnyHook = Hook<unknown[], unknown>;
type AnyFn = (...args: unknown[]) => unknown;

/**
 * The one place plugin errors are caught: every tap on every hook is wrapped at registration so a
 * throw (sync, rejected promise or callback error) surfaces as a PluginError naming plugin and hook.
 * `ownerOf` maps a tap name to the plugin that registered it.
 */
export function interceptPluginErrors(hooks: KernelHooks, ownerOf: (tapName: string) => string): void {
  for (const [name, hook] of Object.entries(hooks)) {
    if (isHookMap(hook)) {
      hook.intercept({
        factory: (key: unknown, h: AnyHook) => {
          h.intercept({ register: (tap) => wrapTap(tap, `${name}[${String(key)}]`, ownerOf) });
          return h;
        },
      });
    } else {
      (hook as AnyHook).intercept({ register: (tap) => wrapTap(tap, name, ownerOf) });
    }
  }
}

function isHookMap(h: unknown): h is HookMap<AnyHook> {
  return typeof (h as HookMap<AnyHook>).for === 'function';
}

function wrapTap(tap: FullTap, hook: string, ownerOf: (tapName: string) => string): FullTap {
  const plugin = ownerOf(tap.name);
  const fn = tap.fn as AnyFn;
  const wrap = (e: unknown) => wrapPluginError(plugin, hook, e);
  let wrapped: AnyFn;
  if (tap.type === 'promise') {
    wrapped = (...args) => {
      try {
        return Promise.resolve(fn(...args)).catch((e) => Promise.reject(wrap(e)));
      } catch (e) {
        return Promise.reject(wrap(e));
      }
    };
  } else if (tap.type === 'async') {
    wrapped = (...args) => {
      const callback = args.pop() as (err?: unknown, result?: unknown) => void;
      try {
        fn(...args, (err?: unknown, result?: unknown) => (err ? callback(wrap(err)) : callback(err, result)));
      } catch (e) {
        callback(wrap(e));
      }
    };
  } else {
    wrapped = (...args) => {
      try {
        return fn(...args);
      } catch (e) {
        throw wrap(e);
      }
    };
  }
  return { ...tap, fn: wrapped } as FullTap;
}
