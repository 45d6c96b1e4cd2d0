/**
 * A crash-test hook. When the environment variable `BIAFLOW_FAULT_AT` names a point
 * (`replace-dir:model`: between the two renames that swap `model/`), the process kills itself with
 * SIGKILL there, as `kill -9` or a power cut would at the worst moment. Tests use it to check what
 * such a crash leaves and that the next start recovers; without the variable it does nothing.
 */
export function crashPoint(name: string): void {
  if (process.env.BIAFLOW_FAULT_AT !== name) return;
  process.kill(process.pid, 'SIGKILL');
  // The signal is delivered before kill returns; block anyway, so nothing after this point runs.
  for (;;) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1000);
}
