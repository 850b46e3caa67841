// cairn as a library: one function per command, each taking one options object (with
// `cwd`) and returning plain data; none prints. Errors are CairnErrors with a stable
// `code` and `exitCode` (see docs/exit-codes.md). The CLI in src/cli/ is a thin layer
// over exactly these functions. Every function's Options and Result types are exported
// too (`import type { StatusResult } from 'cairn-ml'`).
export { init } from './init.js';
export type { InitOptions, InitResult } from './init.js';
export { add } from './add.js';
export type { AddOptions, AddResult, AddedTarget } from './add.js';
export { status } from './status.js';
export type { StatusOptions, StatusResult, TargetStatus, TargetState } from './status.js';
export { checkout } from './checkout.js';
export type { CheckoutOptions, CheckoutResult, CheckoutTargetResult } from './checkout.js';
export { commit } from './commit.js';
export type { CommitOptions, CommitResult, CommittedTarget } from './commit.js';
export { remove } from './remove.js';
export type { RemoveOptions, RemoveResult, RemovedTarget } from './remove.js';
export { unprotect } from './unprotect.js';
export type { UnprotectOptions, UnprotectResult } from './unprotect.js';
export { gc, gcCloud } from './gc.js';
export type { GcOptions, GcResult, GcCloudOptions, GcCloudResult, GcScopes } from './gc.js';
export { fsck } from './fsck.js';
export type { FsckOptions, FsckResult } from './fsck.js';
export { config } from './config.js';
export type { ConfigOptions, ConfigResult } from './config.js';
export { remoteAdd, remoteList, remoteRemove, remoteRename, remoteDefault, remoteModify } from './remote.js';
export type {
  RemoteInfo,
  RemoteAddOptions,
  RemoteListOptions,
  RemoteListResult,
  RemoteRemoveOptions,
  RemoteRemoveResult,
  RemoteRenameOptions,
  RemoteDefaultOptions,
  RemoteDefaultResult,
  RemoteModifyOptions,
} from './remote.js';
export { push } from './push.js';
export type { PushOptions, PushResult } from './push.js';
export { fetch } from './fetch.js';
export type { FetchOptions, FetchResult } from './fetch.js';
export { pull } from './pull.js';
export type { PullOptions, PullResult } from './pull.js';
export { cloudStatus } from './cloud-status.js';
export type { CloudStatusOptions, CloudStatusResult, CloudTarget, CloudState } from './cloud-status.js';
export { repro } from './repro.js';
export type { ReproOptions, ReproResult, ReproStage, ReproStatus } from './repro.js';
export { stageAdd } from './stage.js';
export type { StageAddOptions, StageAddResult } from './stage.js';
export { dag } from './dag.js';
export type { DagOptions, DagResult, DagStage } from './dag.js';
export { pipelineStatus } from './pipeline-status.js';
export type { PipelineStatusOptions, PipelineStatusResult, PipelineStageStatus } from './pipeline-status.js';
export { metricsShow, metricsDiff } from './metrics.js';
export type { MetricsShowOptions, MetricsShowResult, MetricsDiffOptions, MetricsDiffResult } from './metrics.js';
export { paramsShow, paramsDiff } from './params.js';
export type { ParamsShowOptions, ParamsShowResult, ParamsDiffOptions, ParamsDiffResult } from './params.js';
export type { RevError, RevLabel, RevMetrics } from '../metrics/revisions.js';
export type { DiffRow } from '../metrics/diff.js';
export { plots } from './plots.js';
export type { PlotsOptions, PlotsResult } from './plots.js';
export { install } from './install.js';
export type { InstallOptions, InstallResult } from './install.js';
export { mergeDriver } from './merge-driver.js';
export type { MergeDriverOptions, MergeDriverResult } from './merge-driver.js';
export { CairnError, ERROR_CODES, EXIT, exitCodeFor } from '../core/errors.js';
export type { ErrorCode, ExitCode } from '../core/errors.js';
export type { Verdict, VerdictResult } from '../core/verdict.js';
