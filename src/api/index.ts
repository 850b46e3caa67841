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
export type { StatusOptions, StatusResult, TargetStatus, TargetState, PipelineStatusResult, PipelineStageStatus, CloudStatusResult, CloudTarget, CloudState } from './status.js';
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
  RemoteAddResult,
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
export { repro } from './repro.js';
export type { ReproOptions, ReproResult, ReproStage, ReproStatus } from './repro.js';
export { stageAdd } from './stage.js';
export type { StageAddOptions, StageAddResult } from './stage.js';
export { dag } from './dag.js';
export type { DagOptions, DagResult, DagStage } from './dag.js';
export { metricsShow, metricsDiff } from './metrics.js';
export type { MetricsShowOptions, MetricsShowResult, MetricsDiffOptions, MetricsDiffResult } from './metrics.js';
export { paramsShow, paramsDiff } from './params.js';
export type { ParamsShowOptions, ParamsShowResult, ParamsDiffOptions, ParamsDiffResult } from './params.js';
export type { RevError, RevLabel, RevMetrics } from '../metrics/revisions.js';
export type { DiffRow } from '../metrics/diff.js';
export { plots } from './plots.js';
export type { PlotsOptions, PlotsResult } from './plots.js';
export { plotsMetrics } from './plots-metrics.js';
export type { PlotsMetricsOptions, PlotsMetricsResult, TrendRevision, TrendMetric } from './plots-metrics.js';
export { install } from './install.js';
export type { InstallOptions, InstallResult } from './install.js';
export { mergeDriver } from './merge-driver.js';
export type { MergeDriverOptions, MergeDriverResult } from './merge-driver.js';
export { gate, registryProduction } from './gate.js';
export type { GateOptions, GateResult, GateReport, GateRule } from './gate.js';
export { runsList } from './runs-list.js';
export type { RunsListOptions, RunsListResult } from './runs-list.js';
export { runsShow } from './runs-show.js';
export type { RunsShowOptions, RunsShowResult } from './runs-show.js';
export { runsCompare } from './runs-compare.js';
export type { RunsCompareOptions, RunsCompareResult, RunsCompareRow } from './runs-compare.js';
export { modelRegister } from './model-register.js';
export type { ModelRegisterOptions, ModelRegisterResult } from './model-register.js';
export { modelList } from './model-list.js';
export type { ModelListOptions, ModelListResult, ModelListEntry } from './model-list.js';
export { modelShow } from './model-show.js';
export type { ModelShowOptions, ModelShowResult } from './model-show.js';
export { modelPromote } from './model-promote.js';
export type { ModelPromoteOptions, ModelPromoteResult } from './model-promote.js';
export { modelHistory } from './model-history.js';
export type { ModelHistoryOptions, ModelHistoryResult } from './model-history.js';
export { modelDeprecate } from './model-deprecate.js';
export type { ModelDeprecateOptions, ModelDeprecateResult } from './model-deprecate.js';
export { modelGet } from './model-get.js';
export type { ModelGetOptions, ModelGetResult } from './model-get.js';
export { modelPush } from './model-push.js';
export type { ModelPushOptions, ModelPushResult } from './model-push.js';
export { modelPull } from './model-pull.js';
export type { ModelPullOptions, ModelPullResult } from './model-pull.js';
export { modelDiff } from './model-diff.js';
export type { ModelDiffOptions, ModelDiffResult } from './model-diff.js';
export { modelExport } from './model-export.js';
export type { ModelExportOptions, ModelExportResult } from './model-export.js';
export { lineage } from './lineage.js';
export type { LineageOptions, LineageResult } from './lineage.js';
export { validate, inferSchema } from './validate.js';
export type { ValidateOptions, ValidateResult, InferOptions, InferResult } from './validate.js';
export { monitorDrift } from './monitor-drift.js';
export { monitorPerformance } from './monitor-performance.js';
export type { MonitorDriftOptions, MonitorDriftResult } from './monitor-drift.js';
export type { MonitorPerformanceOptions, MonitorPerformanceResult } from './monitor-performance.js';
export { deploy, deployStatus, deployResume, deployPause, deployAbort, deployPromote, deployEmit } from './deploy.js';
export type { DeployOptions, DeployControlOptions, DeployResult, DeployEmitOptions, DeployEmitResult, RolloutEvent } from './deploy.js';
export { CairnError, ERROR_CODES, EXIT, exitCodeFor } from '../core/errors.js';
export type { ErrorCode, ExitCode } from '../core/errors.js';
export type { Verdict, VerdictResult } from '../core/verdict.js';
export { importUrl } from './import-url.js';
export type { ImportUrlOptions, ImportUrlResult } from './import-url.js';
export { update } from './update.js';
export type { UpdateOptions, UpdateResult } from './update.js';
export { getUrl } from './get-url.js';
export type { GetUrlOptions } from './get-url.js';
export { exportPipeline } from './export.js';
export type { ExportOptions, ExportResult, ExportTarget } from './export.js';
export { ciInit } from './ci-init.js';
export type { CiInitOptions, CiInitResult, CiPlan, CiTarget } from './ci-init.js';
export { report } from './report.js';
export type { ReportOptions, ReportResult, ReportData, DataChange, ValidationSummary, ReportPlot, PostResult } from './report.js';
export { serve } from './serve.js';
export type { ServeOptions, ServeHandle, ServeState, ServeSettings } from './serve.js';
