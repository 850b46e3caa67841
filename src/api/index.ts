// cairn as a library: one function per command, each taking one options object (with
// `cwd`) and returning plain data; none prints. Errors are CairnErrors with a stable
// `code` and `exitCode` (see docs/exit-codes.md). The CLI in src/cli/ is a thin layer
// over exactly these functions.
export { init } from './init.js';
export { add } from './add.js';
export { status } from './status.js';
export type { StatusOptions, StatusResult, TargetStatus, TargetState, PipelineStatusResult, PipelineStageStatus, CloudStatusResult, CloudTarget, CloudState } from './status.js';
export { checkout } from './checkout.js';
export { commit } from './commit.js';
export { remove } from './remove.js';
export { unprotect } from './unprotect.js';
export { gc, gcCloud } from './gc.js';
export { fsck } from './fsck.js';
export { config } from './config.js';
export { remoteAdd, remoteList, remoteRemove, remoteRename, remoteDefault, remoteModify } from './remote.js';
export { push } from './push.js';
export { fetch } from './fetch.js';
export { pull } from './pull.js';
export { repro } from './repro.js';
export { stageAdd } from './stage.js';
export { dag } from './dag.js';
export { metricsShow, metricsDiff } from './metrics.js';
export { paramsShow, paramsDiff } from './params.js';
export { plots } from './plots.js';
export { plotsMetrics } from './plots-metrics.js';
export { install } from './install.js';
export { mergeDriver } from './merge-driver.js';
export { gate } from './gate.js';
export { runsList } from './runs-list.js';
export { runsShow } from './runs-show.js';
export { runsCompare } from './runs-compare.js';
export { modelRegister } from './model-register.js';
export { modelList } from './model-list.js';
export { modelShow } from './model-show.js';
export { modelPromote } from './model-promote.js';
export { modelHistory } from './model-history.js';
export { modelDeprecate } from './model-deprecate.js';
export { modelGet } from './model-get.js';
export { modelPush } from './model-push.js';
export { modelPull } from './model-pull.js';
export { modelDiff } from './model-diff.js';
export { modelExport } from './model-export.js';
export { lineage } from './lineage.js';
export { validate, inferSchema } from './validate.js';
export { monitorDrift } from './monitor-drift.js';
export { monitorPerformance } from './monitor-performance.js';
export { CairnError, ERROR_CODES, EXIT, exitCodeFor } from '../core/errors.js';
