// @biaflow/fs: the ground floor. The error classes every biaflow package throws (`errors.ts`: each
// with its exit code, and `@biaflow/fs/errors` alone for a browser), and files that survive a crash:
// atomic writes (a temporary name, then a rename), leftovers of killed runs, file-system faults in
// plain words, interruption (Ctrl-C finishes the step), links refused inside a run folder, and the
// run folder's lock. Imports nothing of biaflow but `@biaflow/image`'s text helpers.
export { temporaryPath, parseTemporaryName, createExclusiveSync, writeFileAtomic, writeFileAtomicSync, replaceDirAtomic } from './atomic-write';
export { crashPoint } from './crash-point';
export { BiaflowError, UsageError, ConfigError, InputError, DataError, isDataError, FileSystemError, InterruptedError, interruptionOf, isBiaflowError, exitCodeOf, hintOf, type ExitCode, type ConfigIssue } from './errors';
export { stopIfAsked, stopOnFault, letSignalsIn } from './interrupt';
export { isLeftover, restoreSwappedDir, removeLeftovers, type SwappedDir } from './leftovers';
export { HEARTBEAT_MS, STALE_MS, lockTiming, thisHolder, sameHolding, lockStat, readLockText, parseHolder, readHolder, silence, staleReason, describeBusy, type LockHolder } from './lock-holder';
export { nearestExisting, makeDirsSync, makeDirs } from './make-dirs';
export { packageFile } from './package-file';
export { thisProcessTable, sameProcessTable, isRunning, processStart, isStopped, type ProcessTable } from './process-identity';
export { removeOutputSync, removeOutput } from './remove-output';
export { assertNoLinkInRunFolder, assertNoLinksInRunFolder, guardRunFolder, assertNoLinkInGuardedFolder } from './run-folder-links';
export { LOCK_FILE, RunFolderTakenError, acquireRunLock, type RunLock } from './run-lock';
export { MAX_SETTINGS_FILE_BYTES, MAX_MODEL_JSON_BYTES, checkSettingsFileSize } from './settings-file-limit';
export { isSystemCallError, reasonOf, hintFor, systemFault, asSystemFault, systemFaultOf, type SystemCallError, type FaultOptions } from './system-faults';
export { ensureWritableFolder } from './writable-folder';
