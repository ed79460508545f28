/* eslint-disable */
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
export type Maybe<T> = T | null;
export type InputMaybe<T> = T | null | undefined;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** A 64-bit integer, serialised as a JSON number (steps, byte sizes, counts). */
  BigInt: { input: number; output: number; }
  /** Date with time (isoformat) */
  DateTime: { input: string; output: string; }
  /** The `JSON` scalar type represents JSON values as specified by [ECMA-404](https://ecma-international.org/wp-content/uploads/ECMA-404_2nd_edition_december_2017.pdf). */
  JSON: { input: unknown; output: unknown; }
  /** Represents a file upload. */
  Upload: { input: File; output: File; }
};

/** An API cost recorded against an experiment. */
export type ApiCost = {
  __typename?: 'ApiCost';
  /** Who recorded it. */
  addedBy: User;
  /** In the cost currency (`Cost.currency`). */
  amount: Scalars['Float']['output'];
  createdAt: Scalars['DateTime']['output'];
  description: Scalars['String']['output'];
  id: Scalars['ID']['output'];
};

export type ApiCostConnection = {
  __typename?: 'ApiCostConnection';
  edges: Array<ApiCostEdge>;
  pageInfo: PageInfo;
  /** Entries of the experiment, all pages. */
  totalCount: Scalars['Int']['output'];
};

export type ApiCostEdge = {
  __typename?: 'ApiCostEdge';
  cursor: Scalars['String']['output'];
  node: ApiCost;
};

/** An API token's record; the secret itself is shown only once. */
export type ApiToken = {
  __typename?: 'ApiToken';
  /** Neither revoked nor expired: it authenticates. */
  active: Scalars['Boolean']['output'];
  createdAt: Scalars['DateTime']['output'];
  /** null: never expires. */
  expiresAt?: Maybe<Scalars['DateTime']['output']>;
  id: Scalars['ID']['output'];
  /** The token's last four characters, to tell tokens apart. */
  last4?: Maybe<Scalars['String']['output']>;
  /** Recorded at most once a minute. */
  lastUsedAt?: Maybe<Scalars['DateTime']['output']>;
  name: Scalars['String']['output'];
  revokedAt?: Maybe<Scalars['DateTime']['output']>;
  user: User;
};

/** A file attached to an experiment: a model, checkpoint, report… */
export type Artifact = {
  __typename?: 'Artifact';
  contentType?: Maybe<Scalars['String']['output']>;
  createdAt: Scalars['DateTime']['output'];
  /** GET it with the bearer token for the bytes (Range supported; on S3 it redirects to a short-lived presigned URL). Relative unless EXPSVC_PUBLIC_BASE_URL is set. */
  downloadUrl: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  kind: ArtifactKind;
  name: Scalars['String']['output'];
  /** SHA-256 of the content, 64 lower-case hex digits. */
  sha256: Scalars['String']['output'];
  sizeBytes: Scalars['BigInt']['output'];
};

export type ArtifactKind =
  | 'CHECKPOINT'
  | 'DATASET'
  | 'MODEL'
  | 'OTHER'
  | 'REPORT';

/** Where to send the bytes of a direct upload: PUT part i (bytes [i*partSizeBytes, (i+1)*partSizeBytes)) to urls[i], then completeArtifactUpload. */
export type ArtifactUpload = {
  __typename?: 'ArtifactUpload';
  expiresAt: Scalars['DateTime']['output'];
  id: Scalars['ID']['output'];
  partSizeBytes: Scalars['BigInt']['output'];
  urls: Array<Scalars['String']['output']>;
};

export type BoardColumn = {
  __typename?: 'BoardColumn';
  count: Scalars['Int']['output'];
  /** The column's first experiments, newest first; `after` (an `endCursor` of `page`, or of the `experiments` query in its default order) continues from there. */
  experiments: Array<Experiment>;
  /** The column's experiments as a keyset-paginated connection (cursors as the `experiments` query gives for the same order): scroll a column with `after: pageInfo.endCursor`. */
  page: ExperimentConnection;
  status: ExperimentStatus;
};


export type BoardColumnExperimentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type BoardColumnPageArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<ExperimentOrder>;
};

export type ComparedSeries = {
  __typename?: 'ComparedSeries';
  experimentId: Scalars['ID']['output'];
  series: MetricSeries;
};

export type Comparison = {
  __typename?: 'Comparison';
  baselineId?: Maybe<Scalars['ID']['output']>;
  /** In the order asked. */
  experiments: Array<Experiment>;
  /** One row per metric key: metricKeys as given, or every key of the compared experiments, sorted. Without a goal a key is MIN when one of its words (split at non-alphanumerics and camelCase) is loss, error, err, mse, mae, rmse, mape, nll, perplexity, ppl, wer, cer, fid or latency, or ends in loss or error; MAX otherwise. */
  metrics: Array<MetricRow>;
  /** hyperparams and config, flattened with dotted keys, sorted. */
  params: Array<ParamRow>;
  /** Each experiment's history of `key`, as `Experiment.metric`. */
  series: Array<ComparedSeries>;
};


export type ComparisonSeriesArgs = {
  key: Scalars['String']['input'];
  maxPoints?: InputMaybe<Scalars['Int']['input']>;
};

/** GPU and CPU costs grow while the experiment runs; final at release. total = gpu + cpu + api. */
export type Cost = {
  __typename?: 'Cost';
  api: Scalars['Float']['output'];
  /** CPU cores x the pool's hourly rate per core x reserved time */
  cpu: Scalars['Float']['output'];
  currency: Scalars['String']['output'];
  gpu: Scalars['Float']['output'];
  total: Scalars['Float']['output'];
};

export type CreateExperimentInput = {
  approach?: InputMaybe<Scalars['String']['input']>;
  config?: InputMaybe<Scalars['JSON']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  framework: Scalars['String']['input'];
  git?: InputMaybe<GitRefInput>;
  hyperparams?: InputMaybe<Scalars['JSON']['input']>;
  hypothesisId: Scalars['ID']['input'];
  model: Scalars['String']['input'];
  name: Scalars['String']['input'];
  /** Nest it in this run: an experiment of the same hypothesis the caller may read. */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  /** The GPU queue's order: higher first (-1000-1000); above 0 only for TL, CURATOR and ADMIN. */
  priority?: Scalars['Int']['input'];
  resources?: InputMaybe<ResourceRequestInput>;
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  type: ExperimentType;
};

export type CreateHypothesisInput = {
  observerIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  teamLeadId?: InputMaybe<Scalars['ID']['input']>;
  title: Scalars['String']['input'];
};

export type CreateUserInput = {
  email: Scalars['String']['input'];
  name: Scalars['String']['input'];
  role: Role;
};

/** HELD waits for its digest, PENDING for its (next) attempt; DELIVERED; FAILED gave up (lastError says why). */
export type DeliveryStatus =
  | 'DELIVERED'
  | 'FAILED'
  | 'HELD'
  | 'PENDING';

export type Experiment = {
  __typename?: 'Experiment';
  /** What the caller may do to it now: the lifecycle moves its status allows (START, COMPLETE, FAIL, STOP; START not while it waits in the GPU queue), UPDATE and SET_PRIORITY while QUEUED (a priority above 0 only when the caller's User.mayRaisePriority), DEQUEUE while it waits in the GPU queue, UPLOAD_ARTIFACT and ADD_API_COST; empty for a caller who may only read it. The same rules refuse the others. */
  allowedActions: Array<ExperimentAction>;
  /** Its API cost entries (what addApiCost recorded), newest first, keyset-paginated (`after` is a `pageInfo.endCursor`); their sum is `cost.api`. */
  apiCosts: ApiCostConnection;
  approach?: Maybe<Scalars['String']['output']>;
  /** Its artifacts, oldest first. */
  artifacts: Array<Artifact>;
  /** The runs nested in it that the caller may read, oldest first, keyset-paginated (`after` is a `pageInfo.endCursor`). */
  children: ExperimentConnection;
  config: Scalars['JSON']['output'];
  /** GPU cost grows live while RUNNING; final at release. */
  cost: Cost;
  createdAt: Scalars['DateTime']['output'];
  description?: Maybe<Scalars['String']['output']>;
  durationSeconds?: Maybe<Scalars['Float']['output']>;
  failure?: Maybe<Failure>;
  finishedAt?: Maybe<Scalars['DateTime']['output']>;
  framework: Scalars['String']['output'];
  git?: Maybe<GitRef>;
  hyperparams: Scalars['JSON']['output'];
  hypothesis: Hypothesis;
  id: Scalars['ID']['output'];
  lastActivityAt?: Maybe<Scalars['DateTime']['output']>;
  /** The seq of its last log line (0 before any): the tail of N lines is `logs(after: lastLogSeq - N, first: N)`. */
  lastLogSeq: Scalars['Int']['output'];
  /** Lines after `after` (a seq), oldest first; `levels` and `search` (a case-insensitive substring of the message) filter them; `first` is at most 5000. A page also ends at the line whose message crosses EXPSVC_LOGS_MAX_PAGE_BYTES (4 MiB by default); `hasMore` then says to go on from `nextAfter`. */
  logs: LogPage;
  /** One metric's history, downsampled to at most maxPoints. */
  metric: MetricSeries;
  /** Keys of every metric logged, sorted. */
  metricKeys: Array<Scalars['String']['output']>;
  /** last / min / max / count per key (all keys by default). */
  metricSummaries: Array<MetricSummary>;
  /** Its run in MLflow; null until the mirror opened it (or without MLflow). */
  mlflow?: Maybe<MlflowLink>;
  model: Scalars['String']['output'];
  name: Scalars['String']['output'];
  owner: User;
  /** The run it is nested in (MLflow's `mlflow.parentRunId`); null without one, or when the caller may not read it. */
  parent?: Maybe<Experiment>;
  /** The GPU queue's order: higher first, then FIFO. */
  priority: Scalars['Int']['output'];
  progress: Progress;
  /** Its place in the GPU queue while it waits; null otherwise. */
  queue?: Maybe<QueueEntry>;
  /** The GPUs it holds (or held) from a pool. */
  reservation?: Maybe<Reservation>;
  resources: ResourceRequest;
  startedAt?: Maybe<Scalars['DateTime']['output']>;
  status: ExperimentStatus;
  /** The message given when it was stopped or failed. */
  statusMessage?: Maybe<Scalars['String']['output']>;
  tags: Array<Scalars['String']['output']>;
  type: ExperimentType;
  /** Its run in W&B; null until the mirror opened it (or without W&B). */
  wandb?: Maybe<WandbLink>;
};


export type ExperimentApiCostsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type ExperimentChildrenArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type ExperimentLogsArgs = {
  after?: InputMaybe<Scalars['Int']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  levels?: InputMaybe<Array<LogLevel>>;
  search?: InputMaybe<Scalars['String']['input']>;
};


export type ExperimentMetricArgs = {
  key: Scalars['String']['input'];
  maxPoints?: InputMaybe<Scalars['Int']['input']>;
  stepFrom?: InputMaybe<Scalars['BigInt']['input']>;
  stepTo?: InputMaybe<Scalars['BigInt']['input']>;
};


export type ExperimentMetricSummariesArgs = {
  keys?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Something a caller may do to an experiment (Experiment.allowedActions). */
export type ExperimentAction =
  | 'ADD_API_COST'
  | 'COMPLETE'
  | 'DEQUEUE'
  | 'FAIL'
  | 'SET_PRIORITY'
  | 'START'
  | 'STOP'
  | 'UPDATE'
  | 'UPLOAD_ARTIFACT';

export type ExperimentChange = {
  __typename?: 'ExperimentChange';
  experiment: Experiment;
  /** CREATED or UPDATED: the experiment, as it is now, matches the filter (add or replace the row). LEFT: it matched the filter before this change and no longer does, e.g. its status moved out of the filtered ones (remove the row; ignore a LEFT for a row not shown). */
  kind: Scalars['String']['output'];
};

export type ExperimentConnection = {
  __typename?: 'ExperimentConnection';
  edges: Array<ExperimentEdge>;
  pageInfo: PageInfo;
  totalCount: Scalars['Int']['output'];
};

export type ExperimentEdge = {
  __typename?: 'ExperimentEdge';
  cursor: Scalars['String']['output'];
  node: Experiment;
};

export type ExperimentFacets = {
  __typename?: 'ExperimentFacets';
  models: Array<FacetCount>;
  tags: Array<FacetCount>;
};

export type ExperimentFilter = {
  createdAfter?: InputMaybe<Scalars['DateTime']['input']>;
  createdBefore?: InputMaybe<Scalars['DateTime']['input']>;
  hypothesisId?: InputMaybe<Scalars['ID']['input']>;
  model?: InputMaybe<Scalars['String']['input']>;
  ownerId?: InputMaybe<Scalars['ID']['input']>;
  /** Only the runs nested in this one. */
  parentId?: InputMaybe<Scalars['ID']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
  status?: InputMaybe<Array<ExperimentStatus>>;
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
  type?: InputMaybe<ExperimentType>;
};

export type ExperimentOrder = {
  direction?: InputMaybe<SortDirection>;
  field: ExperimentSortField;
  metricKey?: InputMaybe<Scalars['String']['input']>;
};

export type ExperimentSortField =
  | 'COST'
  | 'CREATED_AT'
  | 'DURATION'
  | 'FINISHED_AT'
  | 'METRIC'
  | 'NAME'
  | 'STARTED_AT';

export type ExperimentStats = {
  __typename?: 'ExperimentStats';
  avgCost?: Maybe<Scalars['Float']['output']>;
  avgDurationSeconds?: Maybe<Scalars['Float']['output']>;
  byFailureReason: Scalars['JSON']['output'];
  byStatus: Scalars['JSON']['output'];
  successRate?: Maybe<Scalars['Float']['output']>;
  total: Scalars['Int']['output'];
  totalCost: Scalars['Float']['output'];
};

export type ExperimentStatus =
  | 'COMPLETED'
  | 'FAILED'
  | 'QUEUED'
  | 'RUNNING'
  | 'STOPPED';

export type ExperimentType =
  | 'CV'
  | 'LLM'
  | 'ML';

/** One value of a facet and how many experiments carry it. */
export type FacetCount = {
  __typename?: 'FacetCount';
  count: Scalars['Int']['output'];
  value: Scalars['String']['output'];
};

export type Failure = {
  __typename?: 'Failure';
  message?: Maybe<Scalars['String']['output']>;
  reason: FailureReason;
};

export type FailureReason =
  | 'INTERNAL'
  | 'LOGGING_TIMEOUT'
  | 'OOM'
  | 'RESERVATION_EXPIRED'
  | 'RESOURCES_UNAVAILABLE'
  | 'STORAGE_LIMIT_EXCEEDED'
  | 'USER_ERROR';

export type GitRef = {
  __typename?: 'GitRef';
  branch?: Maybe<Scalars['String']['output']>;
  commit?: Maybe<Scalars['String']['output']>;
  repoUrl: Scalars['String']['output'];
  url?: Maybe<Scalars['String']['output']>;
};

export type GitRefInput = {
  branch?: InputMaybe<Scalars['String']['input']>;
  commit?: InputMaybe<Scalars['String']['input']>;
  repoUrl: Scalars['String']['input'];
};

export type Hypothesis = {
  __typename?: 'Hypothesis';
  experiments: ExperimentConnection;
  id: Scalars['ID']['output'];
  observers: Array<User>;
  owner: User;
  teamLead?: Maybe<User>;
  title: Scalars['String']['output'];
};


export type HypothesisExperimentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
};

export type LeaderboardEntry = {
  __typename?: 'LeaderboardEntry';
  experiment: Experiment;
  /** 1 for the best */
  rank: Scalars['Int']['output'];
  /** The step that value was logged at */
  step?: Maybe<Scalars['BigInt']['output']>;
  /** The experiment's best value of the metric */
  value: Scalars['Float']['output'];
};

export type LogLevel =
  | 'CRITICAL'
  | 'DEBUG'
  | 'ERROR'
  | 'INFO'
  | 'WARNING';

/** One log line; seq increases by one per line of the experiment. */
export type LogLine = {
  __typename?: 'LogLine';
  level: LogLevel;
  message: Scalars['String']['output'];
  seq: Scalars['Int']['output'];
  /** stdout, stderr or system */
  source?: Maybe<Scalars['String']['output']>;
  timestamp: Scalars['DateTime']['output'];
};

export type LogLineInput = {
  level?: InputMaybe<LogLevel>;
  /** At most 64 KiB of UTF-8; a longer one is cut and marked, not refused. */
  message: Scalars['String']['input'];
  /** stdout (default), stderr or system */
  source?: InputMaybe<Scalars['String']['input']>;
  /** Default: the time the batch is received. */
  timestamp?: InputMaybe<Scalars['DateTime']['input']>;
};

export type LogPage = {
  __typename?: 'LogPage';
  hasMore: Scalars['Boolean']['output'];
  lines: Array<LogLine>;
  /** Pass it as `after` for the next page (the seq of the last line). */
  nextAfter?: Maybe<Scalars['Int']['output']>;
};

export type LogsEvent = {
  __typename?: 'LogsEvent';
  experimentId: Scalars['ID']['output'];
  lines: Array<LogLine>;
};

export type MetricCell = {
  __typename?: 'MetricCell';
  /** min for a MIN key, max for a MAX key */
  best?: Maybe<Scalars['Float']['output']>;
  /** `deltaVsBaseline` as a percentage of the magnitude of the baseline's `last` (100 * delta / |baseline|: positive means higher); null when there is no delta or the baseline's `last` is 0. */
  deltaPercent?: Maybe<Scalars['Float']['output']>;
  /** `last` minus the baseline's `last`; null without a baseline, or when either is missing or not finite. 0 for the baseline itself. */
  deltaVsBaseline?: Maybe<Scalars['Float']['output']>;
  experimentId: Scalars['ID']['output'];
  last?: Maybe<Scalars['Float']['output']>;
  max?: Maybe<Scalars['Float']['output']>;
  min?: Maybe<Scalars['Float']['output']>;
};

export type MetricEventPoint = {
  __typename?: 'MetricEventPoint';
  key: Scalars['String']['output'];
  step: Scalars['BigInt']['output'];
  timestamp: Scalars['DateTime']['output'];
  /** null for NaN and infinities */
  value?: Maybe<Scalars['Float']['output']>;
};

export type MetricGoal =
  | 'MAX'
  | 'MIN';

/** Which way is better for one metric key. */
export type MetricGoalInput = {
  goal: MetricGoal;
  key: Scalars['String']['input'];
};

export type MetricPoint = {
  __typename?: 'MetricPoint';
  step: Scalars['BigInt']['output'];
  timestamp: Scalars['DateTime']['output'];
  /** null for NaN and infinities */
  value?: Maybe<Scalars['Float']['output']>;
};

export type MetricPointInput = {
  key: Scalars['String']['input'];
  /** 0 to 9007199254740991 (2^53 - 1): the steps a downsampled read supports */
  step: Scalars['BigInt']['input'];
  timestamp?: InputMaybe<Scalars['DateTime']['input']>;
  value: Scalars['Float']['input'];
};

export type MetricRow = {
  __typename?: 'MetricRow';
  /** The experiment with the best `best` (the first of equals). */
  bestExperimentId?: Maybe<Scalars['ID']['output']>;
  cells: Array<MetricCell>;
  /** The goal `best` was taken by. */
  goal: MetricGoal;
  key: Scalars['String']['output'];
};

/** At most maxPoints points; when downsampled each bucket keeps its min and max, and the series always ends with the true last point. */
export type MetricSeries = {
  __typename?: 'MetricSeries';
  downsampled: Scalars['Boolean']['output'];
  key: Scalars['String']['output'];
  points: Array<MetricPoint>;
  totalPoints: Scalars['BigInt']['output'];
};

export type MetricSummary = {
  __typename?: 'MetricSummary';
  count: Scalars['BigInt']['output'];
  key: Scalars['String']['output'];
  last?: Maybe<Scalars['Float']['output']>;
  lastStep?: Maybe<Scalars['BigInt']['output']>;
  /** The finite maximum; null when no value is finite. */
  max?: Maybe<Scalars['Float']['output']>;
  /** The mean of the finite values; null when none is finite or their sum overflows. */
  mean?: Maybe<Scalars['Float']['output']>;
  /** The finite minimum; null when no value is finite. */
  min?: Maybe<Scalars['Float']['output']>;
};

export type MetricsEvent = {
  __typename?: 'MetricsEvent';
  experimentId: Scalars['ID']['output'];
  points: Array<MetricEventPoint>;
};

/** The experiment's run in MLflow, and how far the mirror got. */
export type MlflowLink = {
  __typename?: 'MlflowLink';
  experimentId: Scalars['String']['output'];
  /** Why the last attempt failed; null once a later one succeeded. */
  lastError?: Maybe<Scalars['String']['output']>;
  lastErrorAt?: Maybe<Scalars['DateTime']['output']>;
  /** Metric points accepted here and not yet in MLflow. */
  pendingPoints: Scalars['BigInt']['output'];
  runId: Scalars['String']['output'];
  /** When MLflow last accepted something of this run. */
  syncedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The run in the MLflow UI. */
  url?: Maybe<Scalars['String']['output']>;
};

export type Mutation = {
  __typename?: 'Mutation';
  /** Record an API cost (LLM calls and the like) against an experiment. */
  addApiCost: Experiment;
  /** Finish a direct upload: checks the stored size (and the SHA-256 when one was given) and makes the artifact visible. VALIDATION_FAILED with `parts` while parts are missing (try again after sending them); with `sizeBytes` or `sha256` when the bytes do not match (the upload is then removed). */
  completeArtifactUpload: Artifact;
  /** RUNNING → COMPLETED. */
  completeExperiment: Experiment;
  /** A new API token for the caller, shown once. Without expiresAt it expires after EXPSVC_TOKEN_MAX_LIFETIME_DAYS (never when that is 0); with it, no later. At most EXPSVC_MAX_TOKENS_PER_USER live tokens per user (VALIDATION_FAILED beyond). */
  createApiToken: Scalars['String']['output'];
  /** Start a direct upload of a large file: reserves sizeBytes of the quotas and returns the URL(s) to PUT the bytes to (presigned S3 part URLs; on the local store, the service's own upload URL), valid until expiresAt. */
  createArtifactUpload: ArtifactUpload;
  createExperiment: Experiment;
  /** A new hypothesis owned by the caller. */
  createHypothesis: Hypothesis;
  /** ADMIN only. The answer carries the new user's token once. */
  createUser: UserWithToken;
  /** Leave the GPU queue: back to QUEUED, not waiting. */
  dequeueExperiment: Experiment;
  /** Push a RUNNING experiment's reservation back (up to the maximum). */
  extendReservation: Experiment;
  /** RUNNING → FAILED, with the reason. */
  failExperiment: Experiment;
  /** Append log lines to a RUNNING experiment; all or nothing. Returns the lines accepted. A message over 64 KiB is cut and marked, never refused. A retried batchId is a no-op answering the first count. */
  logMessages: Scalars['Int']['output'];
  /** Log metric points; all or nothing; RUNNING only. Returns points accepted. A retried batchId is a no-op answering the first count. */
  logMetrics: Scalars['Int']['output'];
  /** Mark the caller's notifications read; returns how many changed. */
  markNotificationsRead: Scalars['Int']['output'];
  /** Store progress; RUNNING only. A report with no field is a heartbeat: it keeps the experiment from the activity timeout (EXPSVC_ACTIVITY_TIMEOUT_SECONDS) and leaves the progress, its rate and the ETA as they were; it publishes no live event. Any report on an experiment that is not RUNNING is INVALID_TRANSITION with details.status. */
  reportProgress: Experiment;
  /** Revoke a token: the caller's own, or anyone's for an ADMIN (NOT_FOUND otherwise). Revoking it again changes nothing. A revoked token stops working at once on the replica that answers, and on the other replicas within the auth cache's lifetime (EXPSVC_AUTH_CACHE_TTL_SECONDS, default 10 s). */
  revokeApiToken: ApiToken;
  /** While QUEUED: the GPU queue's order, higher first (-1000-1000); above 0 only for TL, CURATOR and ADMIN. */
  setExperimentPriority: Experiment;
  /** QUEUED → RUNNING: reserves resources, opens the MLflow run. Without free GPUs (or while others wait for them, or past a cap) it waits in the queue (`queue`) and starts by itself as soon as they are free; wait: false refuses with RESOURCES_UNAVAILABLE instead. */
  startExperiment: Experiment;
  /** QUEUED or RUNNING → STOPPED. */
  stopExperiment: Experiment;
  /** Change the configuration; only while QUEUED. */
  updateExperiment: Experiment;
  /** Change a hypothesis' title, team lead or observers (observerIds replaces them): its owner, a CURATOR or an ADMIN. */
  updateHypothesis: Hypothesis;
  /** Change the caller's own delivery preferences: channels per kind, addresses (http/https URLs; not loopback or private addresses), digest. VALIDATION_FAILED changes nothing. */
  updateNotificationPreferences: NotificationPreferences;
  /** Upload a file (GraphQL multipart request), streamed to the store while its size and SHA-256 are computed. Allowed whatever the status, also after the run ended. ARTIFACT_TOO_LARGE / STORAGE_LIMIT_EXCEEDED as soon as a limit is crossed; a refused or failed upload leaves nothing behind. name defaults to the file's name. */
  uploadArtifact: Artifact;
  /** ADMIN only: add or change a GPU pool. */
  upsertResourcePool: ResourcePool;
};


export type MutationAddApiCostArgs = {
  amount: Scalars['Float']['input'];
  description: Scalars['String']['input'];
  experimentId: Scalars['ID']['input'];
};


export type MutationCompleteArtifactUploadArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCompleteExperimentArgs = {
  id: Scalars['ID']['input'];
};


export type MutationCreateApiTokenArgs = {
  expiresAt?: InputMaybe<Scalars['DateTime']['input']>;
  name: Scalars['String']['input'];
};


export type MutationCreateArtifactUploadArgs = {
  experimentId: Scalars['ID']['input'];
  kind: ArtifactKind;
  name: Scalars['String']['input'];
  sha256?: InputMaybe<Scalars['String']['input']>;
  sizeBytes: Scalars['BigInt']['input'];
};


export type MutationCreateExperimentArgs = {
  input: CreateExperimentInput;
};


export type MutationCreateHypothesisArgs = {
  input: CreateHypothesisInput;
};


export type MutationCreateUserArgs = {
  input: CreateUserInput;
};


export type MutationDequeueExperimentArgs = {
  id: Scalars['ID']['input'];
};


export type MutationExtendReservationArgs = {
  experimentId: Scalars['ID']['input'];
  minutes: Scalars['Int']['input'];
};


export type MutationFailExperimentArgs = {
  id: Scalars['ID']['input'];
  message?: InputMaybe<Scalars['String']['input']>;
  reason: FailureReason;
};


export type MutationLogMessagesArgs = {
  batchId?: InputMaybe<Scalars['String']['input']>;
  experimentId: Scalars['ID']['input'];
  lines: Array<LogLineInput>;
};


export type MutationLogMetricsArgs = {
  batchId?: InputMaybe<Scalars['String']['input']>;
  experimentId: Scalars['ID']['input'];
  points: Array<MetricPointInput>;
};


export type MutationMarkNotificationsReadArgs = {
  ids: Array<Scalars['ID']['input']>;
};


export type MutationReportProgressArgs = {
  experimentId: Scalars['ID']['input'];
  progress: ProgressInput;
};


export type MutationRevokeApiTokenArgs = {
  id: Scalars['ID']['input'];
};


export type MutationSetExperimentPriorityArgs = {
  id: Scalars['ID']['input'];
  priority: Scalars['Int']['input'];
};


export type MutationStartExperimentArgs = {
  id: Scalars['ID']['input'];
  wait?: InputMaybe<Scalars['Boolean']['input']>;
};


export type MutationStopExperimentArgs = {
  id: Scalars['ID']['input'];
  message?: InputMaybe<Scalars['String']['input']>;
};


export type MutationUpdateExperimentArgs = {
  id: Scalars['ID']['input'];
  input: UpdateExperimentInput;
};


export type MutationUpdateHypothesisArgs = {
  id: Scalars['ID']['input'];
  input: UpdateHypothesisInput;
};


export type MutationUpdateNotificationPreferencesArgs = {
  input: UpdateNotificationPreferencesInput;
};


export type MutationUploadArtifactArgs = {
  experimentId: Scalars['ID']['input'];
  file: Scalars['Upload']['input'];
  kind: ArtifactKind;
  name?: InputMaybe<Scalars['String']['input']>;
  sizeBytes?: InputMaybe<Scalars['BigInt']['input']>;
};


export type MutationUpsertResourcePoolArgs = {
  input: ResourcePoolInput;
};

export type Notification = {
  __typename?: 'Notification';
  createdAt: Scalars['DateTime']['output'];
  /** Its deliveries beyond the console, one per channel the recipient chose. */
  deliveries: Array<NotificationDelivery>;
  experiment?: Maybe<Experiment>;
  id: Scalars['ID']['output'];
  kind: Scalars['String']['output'];
  message: Scalars['String']['output'];
  readAt?: Maybe<Scalars['DateTime']['output']>;
};

/** Where a notification goes: the console (IN_APP), email, the signed webhook, a Slack-compatible webhook. */
export type NotificationChannel =
  | 'EMAIL'
  | 'IN_APP'
  | 'SLACK'
  | 'WEBHOOK';

/** A notification on one channel besides the console. */
export type NotificationDelivery = {
  __typename?: 'NotificationDelivery';
  /** Sends tried so far. */
  attempts: Scalars['Int']['output'];
  channel: NotificationChannel;
  deliveredAt?: Maybe<Scalars['DateTime']['output']>;
  /** True when it went (or goes) out as part of a digest. */
  digest: Scalars['Boolean']['output'];
  /** The delivery id (the webhook-id; receivers de-duplicate). */
  id: Scalars['ID']['output'];
  /** Why the last attempt failed (null after a success). */
  lastError?: Maybe<Scalars['String']['output']>;
  /** When a PENDING delivery is tried (again). */
  nextAttemptAt?: Maybe<Scalars['DateTime']['output']>;
  status: DeliveryStatus;
};

export type NotificationKindChannels = {
  __typename?: 'NotificationKindChannels';
  channels: Array<NotificationChannel>;
  kind: Scalars['String']['output'];
};

export type NotificationKindChannelsInput = {
  channels: Array<NotificationChannel>;
  kind: Scalars['String']['input'];
};

/** The caller's delivery preferences; only they read them. */
export type NotificationPreferences = {
  __typename?: 'NotificationPreferences';
  /** Noisy kinds go out as one message per digestMinutes. */
  digest: Scalars['Boolean']['output'];
  /** The kinds a digest collects; the others go at once. */
  digestKinds: Array<Scalars['String']['output']>;
  digestMinutes: Scalars['Float']['output'];
  /** The address EMAIL goes to now. */
  effectiveEmail: Scalars['String']['output'];
  /** Where EMAIL goes; null: your account's email. */
  email?: Maybe<Scalars['String']['output']>;
  /** The channels of every kind. */
  kinds: Array<NotificationKindChannels>;
  /** Your Slack-compatible webhook; null: the installation's. */
  slackWebhookUrl?: Maybe<Scalars['String']['output']>;
  /** Signs your webhook (Standard Webhooks, whsec_…); set with its URL, replaced by rotateWebhookSecret. */
  webhookSecret?: Maybe<Scalars['String']['output']>;
  /** Your webhook; null: the installation's (if any). */
  webhookUrl?: Maybe<Scalars['String']['output']>;
};

export type PageInfo = {
  __typename?: 'PageInfo';
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** One flattened parameter across the compared experiments. */
export type ParamRow = {
  __typename?: 'ParamRow';
  differs: Scalars['Boolean']['output'];
  /** With a baseline: per experiment, in their order, whether its value differs from the baseline's (by the rule of `differs`; false for the baseline itself). Null without a baseline. */
  differsFromBaseline?: Maybe<Array<Scalars['Boolean']['output']>>;
  /** `hyperparams.<path>` or `config.<path>`, object keys joined with dots */
  key: Scalars['String']['output'];
  /** In the order of the experiments; null where one lacks the key. */
  values: Array<Maybe<Scalars['JSON']['output']>>;
};

export type Preset = {
  __typename?: 'Preset';
  defaultResources: ResourceRequest;
  defaults: Scalars['JSON']['output'];
  description: Scalars['String']['output'];
  hyperparamSchema: Scalars['JSON']['output'];
  type: ExperimentType;
};

export type Progress = {
  __typename?: 'Progress';
  epoch?: Maybe<Scalars['Int']['output']>;
  etaSeconds?: Maybe<Scalars['Float']['output']>;
  fraction?: Maybe<Scalars['Float']['output']>;
  step?: Maybe<Scalars['BigInt']['output']>;
  totalEpochs?: Maybe<Scalars['Int']['output']>;
  totalSteps?: Maybe<Scalars['BigInt']['output']>;
};

export type ProgressEvent = {
  __typename?: 'ProgressEvent';
  experimentId: Scalars['ID']['output'];
  progress: Progress;
};

export type ProgressInput = {
  epoch?: InputMaybe<Scalars['Int']['input']>;
  step?: InputMaybe<Scalars['BigInt']['input']>;
  totalEpochs?: InputMaybe<Scalars['Int']['input']>;
  totalSteps?: InputMaybe<Scalars['BigInt']['input']>;
};

export type Query = {
  __typename?: 'Query';
  /** API tokens, newest first, revoked and expired ones included (never the secret). Without userId the caller's; another user's only for an ADMIN (FORBIDDEN otherwise). */
  apiTokens: Array<ApiToken>;
  /** Experiments side by side, in the order asked: at most 100 ids, none twice, each readable by the caller (NOT_FOUND otherwise); baselineId must be one of them. `goals` names MIN or MAX per metric key. */
  compareExperiments: Comparison;
  experiment?: Maybe<Experiment>;
  /** Kanban columns, one per status, with counts. */
  experimentBoard: Array<BoardColumn>;
  /** The distinct models and tags, each with how many experiments carry it, for filter dropdowns: over the experiments the caller may read that `filter` matches, each facet counted with every filter but its own (so picking a model still offers the others). At most `first` (0-200) values per facet, the most frequent first (ties by value); `search` keeps the values containing it, in any case. */
  experimentFacets: ExperimentFacets;
  /** Counts and costs of the experiments the caller may read (matching the filter). byStatus maps every status to its count, byFailureReason every failure reason to the count of FAILED experiments with it; successRate is COMPLETED / finished (COMPLETED, FAILED or STOPPED), null before any finished; avgDurationSeconds is over finished runs that ran; costs include the live GPU cost of running experiments. */
  experimentStats: ExperimentStats;
  /** Experiments the caller may read; keyset-paginated. */
  experiments: ExperimentConnection;
  hypotheses: Array<Hypothesis>;
  hypothesis?: Maybe<Hypothesis>;
  /** Experiments ranked by their best value of one metric (the minimum for MIN, the maximum for MAX; finite values only); equal values rank the earlier finish first. Experiments without the metric are not listed. first: 0-500. */
  leaderboard: Array<LeaderboardEntry>;
  /** The caller. */
  me: User;
  /** The goal a metric key is taken to have when none is given: the rule of compareExperiments and of the console's leaderboard (MIN for loss- and error-like words, MAX otherwise). */
  metricGoal: MetricGoal;
  /** The caller's notification delivery preferences. */
  notificationPreferences: NotificationPreferences;
  /** The caller's, newest first. */
  notifications: Array<Notification>;
  /** Hyperparameter schemas, defaults and resources by type. */
  presets: Array<Preset>;
  /** GPU pools with what is reserved and available. */
  resourcePools: Array<ResourcePool>;
  /** How many of the caller's notifications are unread. */
  unreadNotificationCount: Scalars['Int']['output'];
  /** The user directory, for owner filters and user pickers: every user whose name contains `search` (any case), sorted by name, keyset-paginated (`after` is a `pageInfo.endCursor`). Any signed-in caller may list; `email` is shown only to an ADMIN and for the caller themself. */
  users: UserConnection;
};


export type QueryApiTokensArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  userId?: InputMaybe<Scalars['ID']['input']>;
};


export type QueryCompareExperimentsArgs = {
  baselineId?: InputMaybe<Scalars['ID']['input']>;
  goals?: InputMaybe<Array<MetricGoalInput>>;
  ids: Array<Scalars['ID']['input']>;
  metricKeys?: InputMaybe<Array<Scalars['String']['input']>>;
};


export type QueryExperimentArgs = {
  id: Scalars['ID']['input'];
};


export type QueryExperimentBoardArgs = {
  filter?: InputMaybe<ExperimentFilter>;
};


export type QueryExperimentFacetsArgs = {
  filter?: InputMaybe<ExperimentFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
};


export type QueryExperimentStatsArgs = {
  filter?: InputMaybe<ExperimentFilter>;
};


export type QueryExperimentsArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<ExperimentFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  orderBy?: InputMaybe<ExperimentOrder>;
};


export type QueryHypothesesArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
};


export type QueryHypothesisArgs = {
  id: Scalars['ID']['input'];
};


export type QueryLeaderboardArgs = {
  filter?: InputMaybe<ExperimentFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
  goal?: InputMaybe<MetricGoal>;
  metricKey: Scalars['String']['input'];
};


export type QueryMetricGoalArgs = {
  key: Scalars['String']['input'];
};


export type QueryNotificationsArgs = {
  first?: InputMaybe<Scalars['Int']['input']>;
  unreadOnly?: InputMaybe<Scalars['Boolean']['input']>;
};


export type QueryUsersArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
  search?: InputMaybe<Scalars['String']['input']>;
};

/** A waiting experiment's place in a pool's GPU queue. */
export type QueueEntry = {
  __typename?: 'QueueEntry';
  /** When it should start if every running reservation lasts to its end; null when no estimate holds (more GPUs than the pool has, a cap holding it back). */
  estimatedStartAt?: Maybe<Scalars['DateTime']['output']>;
  experiment: Experiment;
  /** The pool it waits for. */
  pool: Scalars['String']['output'];
  /** Its place in the pool's queue, from 1. */
  position: Scalars['Int']['output'];
  /** When it joined the queue. */
  since: Scalars['DateTime']['output'];
};

/** How a pool orders its waiting experiments within a priority (higher priorities always go first). FIFO: by the time they joined. WIDEST_FIRST: by the UTC day they joined, earlier days first; within a day, the ones asking for the most GPUs (then CPU cores, then memory) first, among equals the shorter maxDurationMinutes first, then by the time they joined. It keeps a pool's GPUs busier while work waits; a narrow request may be passed by wider ones that join later the same day, never by one of a later day. In both, a later entry starts ahead of an earlier one only where that cannot move the earlier one's estimated start. */
export type QueueOrder =
  | 'FIFO'
  | 'WIDEST_FIRST';

export type Reservation = {
  __typename?: 'Reservation';
  /** The CPU cores it holds */
  cpuCores: Scalars['Int']['output'];
  expiresAt: Scalars['DateTime']['output'];
  gpuCount: Scalars['Int']['output'];
  /** The pool's CPU rate when it was reserved: the CPU cost grows by cpuCores x hourlyCostPerCpuCore per hour until releasedAt. */
  hourlyCostPerCpuCore: Scalars['Float']['output'];
  /** The pool's rate when it was reserved: the GPU cost grows by gpuCount x hourlyCostPerGpu per hour until releasedAt. */
  hourlyCostPerGpu: Scalars['Float']['output'];
  /** The memory (GB) it holds */
  memoryGb: Scalars['Int']['output'];
  pool: Scalars['String']['output'];
  releasedAt?: Maybe<Scalars['DateTime']['output']>;
  reservedAt: Scalars['DateTime']['output'];
};

/** A pool's GPUs (capacity / reserved / available), CPU cores and memory (GB): every reservation holds all three in one pool. CPU-only runs may go to any pool (pools without GPUs first). */
export type ResourcePool = {
  __typename?: 'ResourcePool';
  available: Scalars['Int']['output'];
  capacity: Scalars['Int']['output'];
  cpuAvailable: Scalars['Int']['output'];
  cpuCores: Scalars['Int']['output'];
  cpuReserved: Scalars['Int']['output'];
  gpuType: Scalars['String']['output'];
  /** The CPU cost of a reservation grows by its cores x this per hour */
  hourlyCostPerCpuCore: Scalars['Float']['output'];
  hourlyCostPerGpu: Scalars['Float']['output'];
  memoryAvailable: Scalars['Int']['output'];
  memoryGb: Scalars['Int']['output'];
  memoryReserved: Scalars['Int']['output'];
  name: Scalars['String']['output'];
  /** The experiments waiting for this pool, in the order they will start (those the caller may read; positions count the others too). */
  queue: Array<QueueEntry>;
  /** How its waiting experiments are ordered within a priority. */
  queueOrder: QueueOrder;
  reserved: Scalars['Int']['output'];
};

/** A pool's settings. cpuCores / memoryGb / hourlyCostPerCpuCore / queueOrder left out: a new pool gets 16 cores and 128 GB per GPU, a CPU rate of 0 and FIFO; an existing pool keeps what it has. */
export type ResourcePoolInput = {
  capacity: Scalars['Int']['input'];
  cpuCores?: InputMaybe<Scalars['Int']['input']>;
  gpuType: Scalars['String']['input'];
  hourlyCostPerCpuCore?: InputMaybe<Scalars['Float']['input']>;
  hourlyCostPerGpu: Scalars['Float']['input'];
  memoryGb?: InputMaybe<Scalars['Int']['input']>;
  name: Scalars['String']['input'];
  queueOrder?: InputMaybe<QueueOrder>;
};

export type ResourceRequest = {
  __typename?: 'ResourceRequest';
  cpuCores: Scalars['Int']['output'];
  gpuCount: Scalars['Int']['output'];
  gpuType?: Maybe<Scalars['String']['output']>;
  maxDurationMinutes: Scalars['Int']['output'];
  memoryGb: Scalars['Int']['output'];
};

/** A null or missing number takes its default. */
export type ResourceRequestInput = {
  cpuCores?: InputMaybe<Scalars['Int']['input']>;
  gpuCount?: InputMaybe<Scalars['Int']['input']>;
  gpuType?: InputMaybe<Scalars['String']['input']>;
  maxDurationMinutes?: InputMaybe<Scalars['Int']['input']>;
  memoryGb?: InputMaybe<Scalars['Int']['input']>;
};

export type Role =
  | 'ADMIN'
  | 'CURATOR'
  | 'DS'
  | 'MLE'
  | 'TL';

export type RunMonitorEvent = LogsEvent | MetricsEvent | ProgressEvent | StatusEvent;

export type SortDirection =
  | 'ASC'
  | 'DESC';

export type StatusEvent = {
  __typename?: 'StatusEvent';
  experimentId: Scalars['ID']['output'];
  failure?: Maybe<Failure>;
  status: ExperimentStatus;
};

export type Subscription = {
  __typename?: 'Subscription';
  /** The experiment after each change of its state; with includeCurrent, first as it is once the subscription is open (a client that read it before subscribing then misses no change made in between). */
  experimentUpdated: Experiment;
  /** Created and changed experiments (live table, Kanban) the caller may read: CREATED / UPDATED when one matches the filter, LEFT when one stops matching. A progress report is an UPDATED too (at most one a second per experiment, the latest). */
  experimentsChanged: ExperimentChange;
  /** Log lines: those stored past `after` first (if given), then live. */
  logLines: LogsEvent;
  /** Metric points: those stored past sinceStep first (if given), then live. */
  metricPoints: MetricsEvent;
  /** The caller's new notifications, live. */
  notifications: Notification;
  /** The Run Monitor: status and progress now, then progress, metrics, logs and status as they happen. */
  runMonitor: RunMonitorEvent;
};


export type SubscriptionExperimentUpdatedArgs = {
  id: Scalars['ID']['input'];
  includeCurrent?: Scalars['Boolean']['input'];
};


export type SubscriptionExperimentsChangedArgs = {
  filter?: InputMaybe<ExperimentFilter>;
};


export type SubscriptionLogLinesArgs = {
  after?: InputMaybe<Scalars['Int']['input']>;
  experimentId: Scalars['ID']['input'];
  levels?: InputMaybe<Array<LogLevel>>;
};


export type SubscriptionMetricPointsArgs = {
  experimentId: Scalars['ID']['input'];
  keys?: InputMaybe<Array<Scalars['String']['input']>>;
  sinceStep?: InputMaybe<Scalars['BigInt']['input']>;
};


export type SubscriptionRunMonitorArgs = {
  experimentId: Scalars['ID']['input'];
};

export type UpdateExperimentInput = {
  approach?: InputMaybe<Scalars['String']['input']>;
  config?: InputMaybe<Scalars['JSON']['input']>;
  description?: InputMaybe<Scalars['String']['input']>;
  framework?: InputMaybe<Scalars['String']['input']>;
  git?: InputMaybe<GitRefInput>;
  hyperparams?: InputMaybe<Scalars['JSON']['input']>;
  model?: InputMaybe<Scalars['String']['input']>;
  name?: InputMaybe<Scalars['String']['input']>;
  resources?: InputMaybe<ResourceRequestInput>;
  tags?: InputMaybe<Array<Scalars['String']['input']>>;
};

/** Only the fields sent change; teamLeadId null removes the lead. */
export type UpdateHypothesisInput = {
  observerIds?: InputMaybe<Array<Scalars['ID']['input']>>;
  teamLeadId?: InputMaybe<Scalars['ID']['input']>;
  title?: InputMaybe<Scalars['String']['input']>;
};

/** Fields left out keep their value; a null address clears it. */
export type UpdateNotificationPreferencesInput = {
  digest?: InputMaybe<Scalars['Boolean']['input']>;
  email?: InputMaybe<Scalars['String']['input']>;
  kinds?: InputMaybe<Array<NotificationKindChannelsInput>>;
  rotateWebhookSecret?: InputMaybe<Scalars['Boolean']['input']>;
  slackWebhookUrl?: InputMaybe<Scalars['String']['input']>;
  webhookUrl?: InputMaybe<Scalars['String']['input']>;
};

export type User = {
  __typename?: 'User';
  email: Scalars['String']['output'];
  id: Scalars['ID']['output'];
  /** Whether this user may put experiments ahead of the FIFO order: a priority above 0 (on createExperiment or setExperimentPriority); TL, CURATOR, ADMIN. */
  mayRaisePriority: Scalars['Boolean']['output'];
  name: Scalars['String']['output'];
  role: Role;
};

export type UserConnection = {
  __typename?: 'UserConnection';
  edges: Array<UserEdge>;
  pageInfo: PageInfo;
  /** Users matching `search`, all pages. */
  totalCount: Scalars['Int']['output'];
};

export type UserEdge = {
  __typename?: 'UserEdge';
  cursor: Scalars['String']['output'];
  node: UserSummary;
};

/** A user as the directory lists them. */
export type UserSummary = {
  __typename?: 'UserSummary';
  /** Only for an ADMIN caller, and in the caller's own entry; else null. */
  email?: Maybe<Scalars['String']['output']>;
  id: Scalars['ID']['output'];
  name: Scalars['String']['output'];
  role: Role;
};

export type UserWithToken = {
  __typename?: 'UserWithToken';
  token: Scalars['String']['output'];
  user: User;
};

/** The experiment's run in W&B, and how far the mirror got. */
export type WandbLink = {
  __typename?: 'WandbLink';
  /** Why the last attempt failed; null once a later one succeeded. */
  lastError?: Maybe<Scalars['String']['output']>;
  lastErrorAt?: Maybe<Scalars['DateTime']['output']>;
  /** Metric points accepted here and not yet in W&B (a running experiment's latest step waits for its other keys). */
  pendingPoints: Scalars['BigInt']['output'];
  /** entity/project/run id (W&B's run path). */
  runPath: Scalars['String']['output'];
  /** When W&B last accepted something of this run. */
  syncedAt?: Maybe<Scalars['DateTime']['output']>;
  /** The run in the W&B UI; null while W&B has not named its entity (offline). */
  url?: Maybe<Scalars['String']['output']>;
};

export type MetricSeriesQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  key: Scalars['String']['input'];
  maxPoints: Scalars['Int']['input'];
  stepFrom?: InputMaybe<Scalars['BigInt']['input']>;
  stepTo?: InputMaybe<Scalars['BigInt']['input']>;
}>;


export type MetricSeriesQuery = { __typename?: 'Query', experiment?: { __typename?: 'Experiment', id: string, metric: { __typename?: 'MetricSeries', key: string, downsampled: boolean, points: Array<{ __typename?: 'MetricPoint', step: number, value?: number | null, timestamp: string }> } } | null };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { __typename?: 'Query', me: { __typename?: 'User', id: string, name: string, email: string, role: Role, mayRaisePriority: boolean } };

export type CompareExperimentsQueryVariables = Exact<{
  ids: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
  baselineId?: InputMaybe<Scalars['ID']['input']>;
}>;


export type CompareExperimentsQuery = { __typename?: 'Query', compareExperiments: { __typename?: 'Comparison', baselineId?: string | null, experiments: Array<{ __typename?: 'Experiment', id: string, name: string, status: ExperimentStatus, type: ExperimentType, model: string }>, params: Array<{ __typename?: 'ParamRow', key: string, values: Array<unknown | null>, differs: boolean, differsFromBaseline?: Array<boolean> | null }>, metrics: Array<{ __typename?: 'MetricRow', key: string, goal: MetricGoal, bestExperimentId?: string | null, cells: Array<{ __typename?: 'MetricCell', experimentId: string, last?: number | null, best?: number | null, deltaVsBaseline?: number | null, deltaPercent?: number | null }> }> } };

export type CompareCandidatesQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type CompareCandidatesQuery = { __typename?: 'Query', experiments: { __typename?: 'ExperimentConnection', edges: Array<{ __typename?: 'ExperimentEdge', node: { __typename?: 'Experiment', id: string, name: string, status: ExperimentStatus } }> } };

export type CompareSeriesQueryVariables = Exact<{
  ids: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
  key: Scalars['String']['input'];
  maxPoints: Scalars['Int']['input'];
}>;


export type CompareSeriesQuery = { __typename?: 'Query', compareExperiments: { __typename?: 'Comparison', series: Array<{ __typename?: 'ComparedSeries', experimentId: string, series: { __typename?: 'MetricSeries', points: Array<{ __typename?: 'MetricPoint', step: number, value?: number | null, timestamp: string }> } }> } };

export type ExperimentDetailFragment = { __typename?: 'Experiment', id: string, name: string, description?: string | null, status: ExperimentStatus, type: ExperimentType, model: string, approach?: string | null, framework: string, hyperparams: unknown, config: unknown, tags: Array<string>, statusMessage?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null, lastActivityAt?: string | null, durationSeconds?: number | null, priority: number, allowedActions: Array<ExperimentAction>, hypothesis: { __typename?: 'Hypothesis', id: string, title: string }, owner: { __typename?: 'User', id: string, name: string }, resources: { __typename?: 'ResourceRequest', gpuType?: string | null, gpuCount: number, cpuCores: number, memoryGb: number, maxDurationMinutes: number }, reservation?: { __typename?: 'Reservation', pool: string, gpuCount: number, reservedAt: string, expiresAt: string, releasedAt?: string | null } | null, progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null, etaSeconds?: number | null }, git?: { __typename?: 'GitRef', repoUrl: string, commit?: string | null, branch?: string | null, url?: string | null } | null, failure?: { __typename?: 'Failure', reason: FailureReason, message?: string | null } | null, cost: { __typename?: 'Cost', gpu: number, api: number, total: number, currency: string }, mlflow?: { __typename?: 'MlflowLink', runId: string, url?: string | null } | null, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null };

export type ExperimentDetailPageQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ExperimentDetailPageQuery = { __typename?: 'Query', experiment?: { __typename?: 'Experiment', id: string, name: string, description?: string | null, status: ExperimentStatus, type: ExperimentType, model: string, approach?: string | null, framework: string, hyperparams: unknown, config: unknown, tags: Array<string>, statusMessage?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null, lastActivityAt?: string | null, durationSeconds?: number | null, priority: number, allowedActions: Array<ExperimentAction>, hypothesis: { __typename?: 'Hypothesis', id: string, title: string }, owner: { __typename?: 'User', id: string, name: string }, resources: { __typename?: 'ResourceRequest', gpuType?: string | null, gpuCount: number, cpuCores: number, memoryGb: number, maxDurationMinutes: number }, reservation?: { __typename?: 'Reservation', pool: string, gpuCount: number, reservedAt: string, expiresAt: string, releasedAt?: string | null } | null, progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null, etaSeconds?: number | null }, git?: { __typename?: 'GitRef', repoUrl: string, commit?: string | null, branch?: string | null, url?: string | null } | null, failure?: { __typename?: 'Failure', reason: FailureReason, message?: string | null } | null, cost: { __typename?: 'Cost', gpu: number, api: number, total: number, currency: string }, mlflow?: { __typename?: 'MlflowLink', runId: string, url?: string | null } | null, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null } | null };

export type ExperimentDetailUpdatedSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ExperimentDetailUpdatedSubscription = { __typename?: 'Subscription', experimentUpdated: { __typename?: 'Experiment', id: string, name: string, description?: string | null, status: ExperimentStatus, type: ExperimentType, model: string, approach?: string | null, framework: string, hyperparams: unknown, config: unknown, tags: Array<string>, statusMessage?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null, lastActivityAt?: string | null, durationSeconds?: number | null, priority: number, allowedActions: Array<ExperimentAction>, hypothesis: { __typename?: 'Hypothesis', id: string, title: string }, owner: { __typename?: 'User', id: string, name: string }, resources: { __typename?: 'ResourceRequest', gpuType?: string | null, gpuCount: number, cpuCores: number, memoryGb: number, maxDurationMinutes: number }, reservation?: { __typename?: 'Reservation', pool: string, gpuCount: number, reservedAt: string, expiresAt: string, releasedAt?: string | null } | null, progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null, etaSeconds?: number | null }, git?: { __typename?: 'GitRef', repoUrl: string, commit?: string | null, branch?: string | null, url?: string | null } | null, failure?: { __typename?: 'Failure', reason: FailureReason, message?: string | null } | null, cost: { __typename?: 'Cost', gpu: number, api: number, total: number, currency: string }, mlflow?: { __typename?: 'MlflowLink', runId: string, url?: string | null } | null, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null } };

export type StartExperimentFromDetailMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type StartExperimentFromDetailMutation = { __typename?: 'Mutation', startExperiment: { __typename?: 'Experiment', id: string, name: string, description?: string | null, status: ExperimentStatus, type: ExperimentType, model: string, approach?: string | null, framework: string, hyperparams: unknown, config: unknown, tags: Array<string>, statusMessage?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null, lastActivityAt?: string | null, durationSeconds?: number | null, priority: number, allowedActions: Array<ExperimentAction>, hypothesis: { __typename?: 'Hypothesis', id: string, title: string }, owner: { __typename?: 'User', id: string, name: string }, resources: { __typename?: 'ResourceRequest', gpuType?: string | null, gpuCount: number, cpuCores: number, memoryGb: number, maxDurationMinutes: number }, reservation?: { __typename?: 'Reservation', pool: string, gpuCount: number, reservedAt: string, expiresAt: string, releasedAt?: string | null } | null, progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null, etaSeconds?: number | null }, git?: { __typename?: 'GitRef', repoUrl: string, commit?: string | null, branch?: string | null, url?: string | null } | null, failure?: { __typename?: 'Failure', reason: FailureReason, message?: string | null } | null, cost: { __typename?: 'Cost', gpu: number, api: number, total: number, currency: string }, mlflow?: { __typename?: 'MlflowLink', runId: string, url?: string | null } | null, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null } };

export type CompleteExperimentFromDetailMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type CompleteExperimentFromDetailMutation = { __typename?: 'Mutation', completeExperiment: { __typename?: 'Experiment', id: string, name: string, description?: string | null, status: ExperimentStatus, type: ExperimentType, model: string, approach?: string | null, framework: string, hyperparams: unknown, config: unknown, tags: Array<string>, statusMessage?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null, lastActivityAt?: string | null, durationSeconds?: number | null, priority: number, allowedActions: Array<ExperimentAction>, hypothesis: { __typename?: 'Hypothesis', id: string, title: string }, owner: { __typename?: 'User', id: string, name: string }, resources: { __typename?: 'ResourceRequest', gpuType?: string | null, gpuCount: number, cpuCores: number, memoryGb: number, maxDurationMinutes: number }, reservation?: { __typename?: 'Reservation', pool: string, gpuCount: number, reservedAt: string, expiresAt: string, releasedAt?: string | null } | null, progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null, etaSeconds?: number | null }, git?: { __typename?: 'GitRef', repoUrl: string, commit?: string | null, branch?: string | null, url?: string | null } | null, failure?: { __typename?: 'Failure', reason: FailureReason, message?: string | null } | null, cost: { __typename?: 'Cost', gpu: number, api: number, total: number, currency: string }, mlflow?: { __typename?: 'MlflowLink', runId: string, url?: string | null } | null, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null } };

export type StopExperimentFromDetailMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  message?: InputMaybe<Scalars['String']['input']>;
}>;


export type StopExperimentFromDetailMutation = { __typename?: 'Mutation', stopExperiment: { __typename?: 'Experiment', id: string, name: string, description?: string | null, status: ExperimentStatus, type: ExperimentType, model: string, approach?: string | null, framework: string, hyperparams: unknown, config: unknown, tags: Array<string>, statusMessage?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null, lastActivityAt?: string | null, durationSeconds?: number | null, priority: number, allowedActions: Array<ExperimentAction>, hypothesis: { __typename?: 'Hypothesis', id: string, title: string }, owner: { __typename?: 'User', id: string, name: string }, resources: { __typename?: 'ResourceRequest', gpuType?: string | null, gpuCount: number, cpuCores: number, memoryGb: number, maxDurationMinutes: number }, reservation?: { __typename?: 'Reservation', pool: string, gpuCount: number, reservedAt: string, expiresAt: string, releasedAt?: string | null } | null, progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null, etaSeconds?: number | null }, git?: { __typename?: 'GitRef', repoUrl: string, commit?: string | null, branch?: string | null, url?: string | null } | null, failure?: { __typename?: 'Failure', reason: FailureReason, message?: string | null } | null, cost: { __typename?: 'Cost', gpu: number, api: number, total: number, currency: string }, mlflow?: { __typename?: 'MlflowLink', runId: string, url?: string | null } | null, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null } };

export type FailExperimentFromDetailMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  reason: FailureReason;
  message?: InputMaybe<Scalars['String']['input']>;
}>;


export type FailExperimentFromDetailMutation = { __typename?: 'Mutation', failExperiment: { __typename?: 'Experiment', id: string, name: string, description?: string | null, status: ExperimentStatus, type: ExperimentType, model: string, approach?: string | null, framework: string, hyperparams: unknown, config: unknown, tags: Array<string>, statusMessage?: string | null, createdAt: string, startedAt?: string | null, finishedAt?: string | null, lastActivityAt?: string | null, durationSeconds?: number | null, priority: number, allowedActions: Array<ExperimentAction>, hypothesis: { __typename?: 'Hypothesis', id: string, title: string }, owner: { __typename?: 'User', id: string, name: string }, resources: { __typename?: 'ResourceRequest', gpuType?: string | null, gpuCount: number, cpuCores: number, memoryGb: number, maxDurationMinutes: number }, reservation?: { __typename?: 'Reservation', pool: string, gpuCount: number, reservedAt: string, expiresAt: string, releasedAt?: string | null } | null, progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null, etaSeconds?: number | null }, git?: { __typename?: 'GitRef', repoUrl: string, commit?: string | null, branch?: string | null, url?: string | null } | null, failure?: { __typename?: 'Failure', reason: FailureReason, message?: string | null } | null, cost: { __typename?: 'Cost', gpu: number, api: number, total: number, currency: string }, mlflow?: { __typename?: 'MlflowLink', runId: string, url?: string | null } | null, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null } };

export type ExperimentMetricSummariesQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ExperimentMetricSummariesQuery = { __typename?: 'Query', experiment?: { __typename?: 'Experiment', id: string, metricSummaries: Array<{ __typename?: 'MetricSummary', key: string, lastStep?: number | null, last?: number | null, min?: number | null, max?: number | null, count: number }> } | null };

export type ExperimentMetricPointsForSummariesSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ExperimentMetricPointsForSummariesSubscription = { __typename?: 'Subscription', metricPoints: { __typename?: 'MetricsEvent', experimentId: string, points: Array<{ __typename?: 'MetricEventPoint', key: string, step: number }> } };

export type ExperimentLogPageQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  after?: InputMaybe<Scalars['Int']['input']>;
  levels?: InputMaybe<Array<LogLevel> | LogLevel>;
  search?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type ExperimentLogPageQuery = { __typename?: 'Query', experiment?: { __typename?: 'Experiment', id: string, logs: { __typename?: 'LogPage', nextAfter?: number | null, hasMore: boolean, lines: Array<{ __typename?: 'LogLine', seq: number, timestamp: string, level: LogLevel, message: string, source?: string | null }> } } | null };

export type ExperimentLogTailSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
  levels?: InputMaybe<Array<LogLevel> | LogLevel>;
  after?: InputMaybe<Scalars['Int']['input']>;
}>;


export type ExperimentLogTailSubscription = { __typename?: 'Subscription', logLines: { __typename?: 'LogsEvent', experimentId: string, lines: Array<{ __typename?: 'LogLine', seq: number, timestamp: string, level: LogLevel, message: string, source?: string | null }> } };

export type ExperimentArtifactsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type ExperimentArtifactsQuery = { __typename?: 'Query', experiment?: { __typename?: 'Experiment', id: string, artifacts: Array<{ __typename?: 'Artifact', id: string, name: string, kind: ArtifactKind, sizeBytes: number, sha256: string, contentType?: string | null, createdAt: string, downloadUrl: string }> } | null };

export type ExperimentApiCostsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ExperimentApiCostsQuery = { __typename?: 'Query', experiment?: { __typename?: 'Experiment', id: string, apiCosts: { __typename?: 'ApiCostConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'ApiCostEdge', node: { __typename?: 'ApiCost', id: string, amount: number, description: string, createdAt: string, addedBy: { __typename?: 'User', id: string, name: string } } }> } } | null };

export type ExperimentNestingQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  first: Scalars['Int']['input'];
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ExperimentNestingQuery = { __typename?: 'Query', experiment?: { __typename?: 'Experiment', id: string, parent?: { __typename?: 'Experiment', id: string, name: string } | null, children: { __typename?: 'ExperimentConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'ExperimentEdge', node: { __typename?: 'Experiment', id: string, name: string, status: ExperimentStatus } }> } } | null };

export type ExperimentRowFragment = { __typename?: 'Experiment', id: string, name: string, status: ExperimentStatus, type: ExperimentType, model: string, tags: Array<string>, createdAt: string, startedAt?: string | null, finishedAt?: string | null, durationSeconds?: number | null, priority: number, allowedActions: Array<ExperimentAction>, hypothesis: { __typename?: 'Hypothesis', id: string, title: string }, owner: { __typename?: 'User', id: string, name: string }, progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null }, cost: { __typename?: 'Cost', total: number, currency: string }, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null };

export type ExperimentsPageQueryVariables = Exact<{
  filter?: InputMaybe<ExperimentFilter>;
  orderBy?: InputMaybe<ExperimentOrder>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ExperimentsPageQuery = { __typename?: 'Query', experiments: { __typename?: 'ExperimentConnection', totalCount: number, pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'ExperimentEdge', cursor: string, node: { __typename?: 'Experiment', id: string, name: string, status: ExperimentStatus, type: ExperimentType, model: string, tags: Array<string>, createdAt: string, startedAt?: string | null, finishedAt?: string | null, durationSeconds?: number | null, priority: number, allowedActions: Array<ExperimentAction>, hypothesis: { __typename?: 'Hypothesis', id: string, title: string }, owner: { __typename?: 'User', id: string, name: string }, progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null }, cost: { __typename?: 'Cost', total: number, currency: string }, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null } }> } };

export type HypothesisOptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type HypothesisOptionsQuery = { __typename?: 'Query', hypotheses: Array<{ __typename?: 'Hypothesis', id: string, title: string }> };

export type ExperimentsChangedSubscriptionVariables = Exact<{
  filter?: InputMaybe<ExperimentFilter>;
}>;


export type ExperimentsChangedSubscription = { __typename?: 'Subscription', experimentsChanged: { __typename?: 'ExperimentChange', kind: string, experiment: { __typename?: 'Experiment', id: string, name: string, status: ExperimentStatus, type: ExperimentType, model: string, tags: Array<string>, createdAt: string, startedAt?: string | null, finishedAt?: string | null, durationSeconds?: number | null, priority: number, allowedActions: Array<ExperimentAction>, hypothesis: { __typename?: 'Hypothesis', id: string, title: string }, owner: { __typename?: 'User', id: string, name: string }, progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null }, cost: { __typename?: 'Cost', total: number, currency: string }, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null } } };

export type ExperimentStatsStripQueryVariables = Exact<{
  filter?: InputMaybe<ExperimentFilter>;
}>;


export type ExperimentStatsStripQuery = { __typename?: 'Query', experimentStats: { __typename?: 'ExperimentStats', total: number, byStatus: unknown, successRate?: number | null, avgDurationSeconds?: number | null, totalCost: number } };

export type ListMetricKeysQueryVariables = Exact<{
  filter?: InputMaybe<ExperimentFilter>;
  orderBy?: InputMaybe<ExperimentOrder>;
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type ListMetricKeysQuery = { __typename?: 'Query', experiments: { __typename?: 'ExperimentConnection', edges: Array<{ __typename?: 'ExperimentEdge', node: { __typename?: 'Experiment', id: string, metricKeys: Array<string> } }> } };

export type MetricGoalQueryVariables = Exact<{
  key: Scalars['String']['input'];
}>;


export type MetricGoalQuery = { __typename?: 'Query', metricGoal: MetricGoal };

export type LeaderboardQueryVariables = Exact<{
  metricKey: Scalars['String']['input'];
  goal?: InputMaybe<MetricGoal>;
  filter?: InputMaybe<ExperimentFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type LeaderboardQuery = { __typename?: 'Query', leaderboard: Array<{ __typename?: 'LeaderboardEntry', rank: number, value: number, step?: number | null, experiment: { __typename?: 'Experiment', id: string, name: string, status: ExperimentStatus, owner: { __typename?: 'User', id: string, name: string } } }> };

export type ExperimentBoardQueryVariables = Exact<{
  filter?: InputMaybe<ExperimentFilter>;
  orderBy?: InputMaybe<ExperimentOrder>;
  first?: InputMaybe<Scalars['Int']['input']>;
  after?: InputMaybe<Scalars['String']['input']>;
}>;


export type ExperimentBoardQuery = { __typename?: 'Query', experimentBoard: Array<{ __typename?: 'BoardColumn', status: ExperimentStatus, count: number, page: { __typename?: 'ExperimentConnection', pageInfo: { __typename?: 'PageInfo', hasNextPage: boolean, endCursor?: string | null }, edges: Array<{ __typename?: 'ExperimentEdge', node: { __typename?: 'Experiment', id: string, name: string, status: ExperimentStatus, type: ExperimentType, model: string, tags: Array<string>, createdAt: string, startedAt?: string | null, finishedAt?: string | null, durationSeconds?: number | null, priority: number, allowedActions: Array<ExperimentAction>, hypothesis: { __typename?: 'Hypothesis', id: string, title: string }, owner: { __typename?: 'User', id: string, name: string }, progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null }, cost: { __typename?: 'Cost', total: number, currency: string }, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null } }> } }> };

export type ExperimentBoardCountsQueryVariables = Exact<{
  filter?: InputMaybe<ExperimentFilter>;
}>;


export type ExperimentBoardCountsQuery = { __typename?: 'Query', experimentBoard: Array<{ __typename?: 'BoardColumn', status: ExperimentStatus, count: number }> };

export type UserOptionsQueryVariables = Exact<{
  search?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type UserOptionsQuery = { __typename?: 'Query', users: { __typename?: 'UserConnection', edges: Array<{ __typename?: 'UserEdge', node: { __typename?: 'UserSummary', id: string, name: string, role: Role } }> } };

export type ExperimentFacetOptionsQueryVariables = Exact<{
  filter?: InputMaybe<ExperimentFilter>;
  search?: InputMaybe<Scalars['String']['input']>;
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type ExperimentFacetOptionsQuery = { __typename?: 'Query', experimentFacets: { __typename?: 'ExperimentFacets', models: Array<{ __typename?: 'FacetCount', value: string, count: number }>, tags: Array<{ __typename?: 'FacetCount', value: string, count: number }> } };

export type MonitorExperimentQueryVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type MonitorExperimentQuery = { __typename?: 'Query', experiment?: { __typename?: 'Experiment', id: string, name: string, status: ExperimentStatus, allowedActions: Array<ExperimentAction>, startedAt?: string | null, finishedAt?: string | null, lastLogSeq: number, failure?: { __typename?: 'Failure', reason: FailureReason, message?: string | null } | null, progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null, etaSeconds?: number | null }, cost: { __typename?: 'Cost', gpu: number, cpu: number, api: number, total: number, currency: string }, reservation?: { __typename?: 'Reservation', gpuCount: number, hourlyCostPerGpu: number, cpuCores: number, hourlyCostPerCpuCore: number, reservedAt: string, releasedAt?: string | null } | null, metricSummaries: Array<{ __typename?: 'MetricSummary', key: string, lastStep?: number | null }> } | null };

export type MonitorLogsQueryVariables = Exact<{
  id: Scalars['ID']['input'];
  after?: InputMaybe<Scalars['Int']['input']>;
  first: Scalars['Int']['input'];
}>;


export type MonitorLogsQuery = { __typename?: 'Query', experiment?: { __typename?: 'Experiment', id: string, logs: { __typename?: 'LogPage', hasMore: boolean, nextAfter?: number | null, lines: Array<{ __typename?: 'LogLine', seq: number, timestamp: string, level: LogLevel, message: string, source?: string | null }> } } | null };

export type MonitorLogLineFragment = { __typename?: 'LogLine', seq: number, timestamp: string, level: LogLevel, message: string, source?: string | null };

export type RunMonitorSubscriptionVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type RunMonitorSubscription = { __typename?: 'Subscription', runMonitor:
    | { __typename: 'LogsEvent', lines: Array<{ __typename?: 'LogLine', seq: number, timestamp: string, level: LogLevel, message: string, source?: string | null }> }
    | { __typename: 'MetricsEvent', points: Array<{ __typename?: 'MetricEventPoint', key: string, step: number, value?: number | null, timestamp: string }> }
    | { __typename: 'ProgressEvent', progress: { __typename?: 'Progress', step?: number | null, totalSteps?: number | null, epoch?: number | null, totalEpochs?: number | null, fraction?: number | null, etaSeconds?: number | null } }
    | { __typename: 'StatusEvent', status: ExperimentStatus, failure?: { __typename?: 'Failure', reason: FailureReason, message?: string | null } | null }
   };

export type MonitorStopExperimentMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  message?: InputMaybe<Scalars['String']['input']>;
}>;


export type MonitorStopExperimentMutation = { __typename?: 'Mutation', stopExperiment: { __typename?: 'Experiment', id: string, status: ExperimentStatus, finishedAt?: string | null } };

export type NewExperimentOptionsQueryVariables = Exact<{ [key: string]: never; }>;


export type NewExperimentOptionsQuery = { __typename?: 'Query', hypotheses: Array<{ __typename?: 'Hypothesis', id: string, title: string }>, presets: Array<{ __typename?: 'Preset', type: ExperimentType, description: string, hyperparamSchema: unknown, defaults: unknown, defaultResources: { __typename?: 'ResourceRequest', gpuType?: string | null, gpuCount: number, cpuCores: number, memoryGb: number, maxDurationMinutes: number } }> };

export type ResourcePoolsQueryVariables = Exact<{ [key: string]: never; }>;


export type ResourcePoolsQuery = { __typename?: 'Query', resourcePools: Array<{ __typename?: 'ResourcePool', name: string, gpuType: string, capacity: number, reserved: number, available: number, hourlyCostPerGpu: number, queueOrder: QueueOrder }> };

export type CreateExperimentMutationVariables = Exact<{
  input: CreateExperimentInput;
}>;


export type CreateExperimentMutation = { __typename?: 'Mutation', createExperiment: { __typename?: 'Experiment', id: string, name: string, status: ExperimentStatus } };

export type StartExperimentMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type StartExperimentMutation = { __typename?: 'Mutation', startExperiment: { __typename?: 'Experiment', id: string, status: ExperimentStatus } };

export type UnreadNotificationCountQueryVariables = Exact<{ [key: string]: never; }>;


export type UnreadNotificationCountQuery = { __typename?: 'Query', unreadNotificationCount: number };

export type NotificationItemFragment = { __typename?: 'Notification', id: string, kind: string, message: string, createdAt: string, readAt?: string | null, experiment?: { __typename?: 'Experiment', id: string, name: string } | null };

export type NotificationListQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type NotificationListQuery = { __typename?: 'Query', notifications: Array<{ __typename?: 'Notification', id: string, kind: string, message: string, createdAt: string, readAt?: string | null, experiment?: { __typename?: 'Experiment', id: string, name: string } | null }> };

export type NewNotificationsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type NewNotificationsSubscription = { __typename?: 'Subscription', notifications: { __typename?: 'Notification', id: string, kind: string, message: string, createdAt: string, readAt?: string | null, experiment?: { __typename?: 'Experiment', id: string, name: string } | null } };

export type MarkNotificationsReadMutationVariables = Exact<{
  ids: Array<Scalars['ID']['input']> | Scalars['ID']['input'];
}>;


export type MarkNotificationsReadMutation = { __typename?: 'Mutation', markNotificationsRead: number };

export type UnreadNotificationIdsQueryVariables = Exact<{
  first?: InputMaybe<Scalars['Int']['input']>;
}>;


export type UnreadNotificationIdsQuery = { __typename?: 'Query', notifications: Array<{ __typename?: 'Notification', id: string }> };

export type QueueStateFragment = { __typename?: 'Experiment', id: string, status: ExperimentStatus, priority: number, allowedActions: Array<ExperimentAction>, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null };

export type DequeueExperimentMutationVariables = Exact<{
  id: Scalars['ID']['input'];
}>;


export type DequeueExperimentMutation = { __typename?: 'Mutation', dequeueExperiment: { __typename?: 'Experiment', id: string, status: ExperimentStatus, priority: number, allowedActions: Array<ExperimentAction>, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null } };

export type SetExperimentPriorityMutationVariables = Exact<{
  id: Scalars['ID']['input'];
  priority: Scalars['Int']['input'];
}>;


export type SetExperimentPriorityMutation = { __typename?: 'Mutation', setExperimentPriority: { __typename?: 'Experiment', id: string, status: ExperimentStatus, priority: number, allowedActions: Array<ExperimentAction>, queue?: { __typename?: 'QueueEntry', pool: string, position: number, since: string, estimatedStartAt?: string | null } | null } };

export const QueueStateFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}}]} as unknown as DocumentNode<QueueStateFragment, unknown>;
export const ExperimentDetailFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExperimentDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"approach"}},{"kind":"Field","name":{"kind":"Name","value":"framework"}},{"kind":"Field","name":{"kind":"Name","value":"hyperparams"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}},{"kind":"Field","name":{"kind":"Name","value":"statusMessage"}},{"kind":"Field","name":{"kind":"Name","value":"hypothesis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpuType"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"cpuCores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryGb"}},{"kind":"Field","name":{"kind":"Name","value":"maxDurationMinutes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reservation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"reservedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"releasedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}},{"kind":"Field","name":{"kind":"Name","value":"etaSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"git"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"repoUrl"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"branch"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"failure"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpu"}},{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mlflow"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivityAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}}]} as unknown as DocumentNode<ExperimentDetailFragment, unknown>;
export const ExperimentRowFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExperimentRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"hypothesis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}}]} as unknown as DocumentNode<ExperimentRowFragment, unknown>;
export const MonitorLogLineFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MonitorLogLine"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LogLine"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]} as unknown as DocumentNode<MonitorLogLineFragment, unknown>;
export const NotificationItemFragmentDoc = {"kind":"Document","definitions":[{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotificationItem"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notification"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<NotificationItemFragment, unknown>;
export const MetricSeriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MetricSeries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"key"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"maxPoints"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stepFrom"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BigInt"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"stepTo"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"BigInt"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metric"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"key"},"value":{"kind":"Variable","name":{"kind":"Name","value":"key"}}},{"kind":"Argument","name":{"kind":"Name","value":"maxPoints"},"value":{"kind":"Variable","name":{"kind":"Name","value":"maxPoints"}}},{"kind":"Argument","name":{"kind":"Name","value":"stepFrom"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stepFrom"}}},{"kind":"Argument","name":{"kind":"Name","value":"stepTo"},"value":{"kind":"Variable","name":{"kind":"Name","value":"stepTo"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"downsampled"}},{"kind":"Field","name":{"kind":"Name","value":"points"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}}]}}]}}]}}]}}]} as unknown as DocumentNode<MetricSeriesQuery, MetricSeriesQueryVariables>;
export const MeDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"me"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"email"}},{"kind":"Field","name":{"kind":"Name","value":"role"}},{"kind":"Field","name":{"kind":"Name","value":"mayRaisePriority"}}]}}]}}]} as unknown as DocumentNode<MeQuery, MeQueryVariables>;
export const CompareExperimentsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CompareExperiments"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"baselineId"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"compareExperiments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}},{"kind":"Argument","name":{"kind":"Name","value":"baselineId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"baselineId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"baselineId"}},{"kind":"Field","name":{"kind":"Name","value":"experiments"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"model"}}]}},{"kind":"Field","name":{"kind":"Name","value":"params"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"values"}},{"kind":"Field","name":{"kind":"Name","value":"differs"}},{"kind":"Field","name":{"kind":"Name","value":"differsFromBaseline"}}]}},{"kind":"Field","name":{"kind":"Name","value":"metrics"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"goal"}},{"kind":"Field","name":{"kind":"Name","value":"bestExperimentId"}},{"kind":"Field","name":{"kind":"Name","value":"cells"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentId"}},{"kind":"Field","name":{"kind":"Name","value":"last"}},{"kind":"Field","name":{"kind":"Name","value":"best"}},{"kind":"Field","name":{"kind":"Name","value":"deltaVsBaseline"}},{"kind":"Field","name":{"kind":"Name","value":"deltaPercent"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CompareExperimentsQuery, CompareExperimentsQueryVariables>;
export const CompareCandidatesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CompareCandidates"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"ObjectValue","fields":[{"kind":"ObjectField","name":{"kind":"Name","value":"field"},"value":{"kind":"EnumValue","value":"CREATED_AT"}},{"kind":"ObjectField","name":{"kind":"Name","value":"direction"},"value":{"kind":"EnumValue","value":"DESC"}}]}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]} as unknown as DocumentNode<CompareCandidatesQuery, CompareCandidatesQueryVariables>;
export const CompareSeriesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CompareSeries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"key"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"maxPoints"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"compareExperiments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"series"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"key"},"value":{"kind":"Variable","name":{"kind":"Name","value":"key"}}},{"kind":"Argument","name":{"kind":"Name","value":"maxPoints"},"value":{"kind":"Variable","name":{"kind":"Name","value":"maxPoints"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentId"}},{"kind":"Field","name":{"kind":"Name","value":"series"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"points"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<CompareSeriesQuery, CompareSeriesQueryVariables>;
export const ExperimentDetailPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentDetailPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExperimentDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExperimentDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"approach"}},{"kind":"Field","name":{"kind":"Name","value":"framework"}},{"kind":"Field","name":{"kind":"Name","value":"hyperparams"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}},{"kind":"Field","name":{"kind":"Name","value":"statusMessage"}},{"kind":"Field","name":{"kind":"Name","value":"hypothesis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpuType"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"cpuCores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryGb"}},{"kind":"Field","name":{"kind":"Name","value":"maxDurationMinutes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reservation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"reservedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"releasedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}},{"kind":"Field","name":{"kind":"Name","value":"etaSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"git"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"repoUrl"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"branch"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"failure"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpu"}},{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mlflow"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivityAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}}]}}]} as unknown as DocumentNode<ExperimentDetailPageQuery, ExperimentDetailPageQueryVariables>;
export const ExperimentDetailUpdatedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ExperimentDetailUpdated"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentUpdated"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"includeCurrent"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExperimentDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExperimentDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"approach"}},{"kind":"Field","name":{"kind":"Name","value":"framework"}},{"kind":"Field","name":{"kind":"Name","value":"hyperparams"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}},{"kind":"Field","name":{"kind":"Name","value":"statusMessage"}},{"kind":"Field","name":{"kind":"Name","value":"hypothesis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpuType"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"cpuCores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryGb"}},{"kind":"Field","name":{"kind":"Name","value":"maxDurationMinutes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reservation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"reservedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"releasedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}},{"kind":"Field","name":{"kind":"Name","value":"etaSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"git"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"repoUrl"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"branch"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"failure"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpu"}},{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mlflow"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivityAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}}]}}]} as unknown as DocumentNode<ExperimentDetailUpdatedSubscription, ExperimentDetailUpdatedSubscriptionVariables>;
export const StartExperimentFromDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartExperimentFromDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startExperiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"wait"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExperimentDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExperimentDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"approach"}},{"kind":"Field","name":{"kind":"Name","value":"framework"}},{"kind":"Field","name":{"kind":"Name","value":"hyperparams"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}},{"kind":"Field","name":{"kind":"Name","value":"statusMessage"}},{"kind":"Field","name":{"kind":"Name","value":"hypothesis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpuType"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"cpuCores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryGb"}},{"kind":"Field","name":{"kind":"Name","value":"maxDurationMinutes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reservation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"reservedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"releasedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}},{"kind":"Field","name":{"kind":"Name","value":"etaSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"git"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"repoUrl"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"branch"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"failure"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpu"}},{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mlflow"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivityAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}}]}}]} as unknown as DocumentNode<StartExperimentFromDetailMutation, StartExperimentFromDetailMutationVariables>;
export const CompleteExperimentFromDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CompleteExperimentFromDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"completeExperiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExperimentDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExperimentDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"approach"}},{"kind":"Field","name":{"kind":"Name","value":"framework"}},{"kind":"Field","name":{"kind":"Name","value":"hyperparams"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}},{"kind":"Field","name":{"kind":"Name","value":"statusMessage"}},{"kind":"Field","name":{"kind":"Name","value":"hypothesis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpuType"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"cpuCores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryGb"}},{"kind":"Field","name":{"kind":"Name","value":"maxDurationMinutes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reservation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"reservedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"releasedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}},{"kind":"Field","name":{"kind":"Name","value":"etaSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"git"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"repoUrl"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"branch"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"failure"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpu"}},{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mlflow"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivityAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}}]}}]} as unknown as DocumentNode<CompleteExperimentFromDetailMutation, CompleteExperimentFromDetailMutationVariables>;
export const StopExperimentFromDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StopExperimentFromDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"message"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stopExperiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"message"},"value":{"kind":"Variable","name":{"kind":"Name","value":"message"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExperimentDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExperimentDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"approach"}},{"kind":"Field","name":{"kind":"Name","value":"framework"}},{"kind":"Field","name":{"kind":"Name","value":"hyperparams"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}},{"kind":"Field","name":{"kind":"Name","value":"statusMessage"}},{"kind":"Field","name":{"kind":"Name","value":"hypothesis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpuType"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"cpuCores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryGb"}},{"kind":"Field","name":{"kind":"Name","value":"maxDurationMinutes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reservation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"reservedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"releasedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}},{"kind":"Field","name":{"kind":"Name","value":"etaSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"git"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"repoUrl"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"branch"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"failure"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpu"}},{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mlflow"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivityAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}}]}}]} as unknown as DocumentNode<StopExperimentFromDetailMutation, StopExperimentFromDetailMutationVariables>;
export const FailExperimentFromDetailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"FailExperimentFromDetail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"reason"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"FailureReason"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"message"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"failExperiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"reason"},"value":{"kind":"Variable","name":{"kind":"Name","value":"reason"}}},{"kind":"Argument","name":{"kind":"Name","value":"message"},"value":{"kind":"Variable","name":{"kind":"Name","value":"message"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExperimentDetail"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExperimentDetail"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"approach"}},{"kind":"Field","name":{"kind":"Name","value":"framework"}},{"kind":"Field","name":{"kind":"Name","value":"hyperparams"}},{"kind":"Field","name":{"kind":"Name","value":"config"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}},{"kind":"Field","name":{"kind":"Name","value":"statusMessage"}},{"kind":"Field","name":{"kind":"Name","value":"hypothesis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"resources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpuType"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"cpuCores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryGb"}},{"kind":"Field","name":{"kind":"Name","value":"maxDurationMinutes"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reservation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"reservedAt"}},{"kind":"Field","name":{"kind":"Name","value":"expiresAt"}},{"kind":"Field","name":{"kind":"Name","value":"releasedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}},{"kind":"Field","name":{"kind":"Name","value":"etaSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"git"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"repoUrl"}},{"kind":"Field","name":{"kind":"Name","value":"commit"}},{"kind":"Field","name":{"kind":"Name","value":"branch"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"failure"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpu"}},{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"mlflow"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runId"}},{"kind":"Field","name":{"kind":"Name","value":"url"}}]}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastActivityAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}}]}}]} as unknown as DocumentNode<FailExperimentFromDetailMutation, FailExperimentFromDetailMutationVariables>;
export const ExperimentMetricSummariesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentMetricSummaries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metricSummaries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"lastStep"}},{"kind":"Field","name":{"kind":"Name","value":"last"}},{"kind":"Field","name":{"kind":"Name","value":"min"}},{"kind":"Field","name":{"kind":"Name","value":"max"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}}]}}]} as unknown as DocumentNode<ExperimentMetricSummariesQuery, ExperimentMetricSummariesQueryVariables>;
export const ExperimentMetricPointsForSummariesDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ExperimentMetricPointsForSummaries"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metricPoints"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"experimentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentId"}},{"kind":"Field","name":{"kind":"Name","value":"points"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"step"}}]}}]}}]}}]} as unknown as DocumentNode<ExperimentMetricPointsForSummariesSubscription, ExperimentMetricPointsForSummariesSubscriptionVariables>;
export const ExperimentLogPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentLogPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"levels"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LogLevel"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"logs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"levels"},"value":{"kind":"Variable","name":{"kind":"Name","value":"levels"}}},{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"nextAfter"}},{"kind":"Field","name":{"kind":"Name","value":"hasMore"}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ExperimentLogPageQuery, ExperimentLogPageQueryVariables>;
export const ExperimentLogTailDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ExperimentLogTail"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"levels"}},"type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"LogLevel"}}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"logLines"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"experimentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"levels"},"value":{"kind":"Variable","name":{"kind":"Name","value":"levels"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentId"}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]}}]}}]} as unknown as DocumentNode<ExperimentLogTailSubscription, ExperimentLogTailSubscriptionVariables>;
export const ExperimentArtifactsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentArtifacts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"artifacts"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"sizeBytes"}},{"kind":"Field","name":{"kind":"Name","value":"sha256"}},{"kind":"Field","name":{"kind":"Name","value":"contentType"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"downloadUrl"}}]}}]}}]}}]} as unknown as DocumentNode<ExperimentArtifactsQuery, ExperimentArtifactsQueryVariables>;
export const ExperimentApiCostsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentApiCosts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"apiCosts"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"amount"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"addedBy"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ExperimentApiCostsQuery, ExperimentApiCostsQueryVariables>;
export const ExperimentNestingDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentNesting"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"parent"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"children"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<ExperimentNestingQuery, ExperimentNestingQueryVariables>;
export const ExperimentsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ExperimentFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ExperimentOrder"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExperimentRow"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExperimentRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"hypothesis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}}]}}]} as unknown as DocumentNode<ExperimentsPageQuery, ExperimentsPageQueryVariables>;
export const HypothesisOptionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"HypothesisOptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hypotheses"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"500"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}}]}}]} as unknown as DocumentNode<HypothesisOptionsQuery, HypothesisOptionsQueryVariables>;
export const ExperimentsChangedDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"ExperimentsChanged"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ExperimentFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentsChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExperimentRow"}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExperimentRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"hypothesis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}}]}}]} as unknown as DocumentNode<ExperimentsChangedSubscription, ExperimentsChangedSubscriptionVariables>;
export const ExperimentStatsStripDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentStatsStrip"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ExperimentFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"byStatus"}},{"kind":"Field","name":{"kind":"Name","value":"successRate"}},{"kind":"Field","name":{"kind":"Name","value":"avgDurationSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"totalCost"}}]}}]}}]} as unknown as DocumentNode<ExperimentStatsStripQuery, ExperimentStatsStripQueryVariables>;
export const ListMetricKeysDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ListMetricKeys"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ExperimentFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ExperimentOrder"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiments"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"metricKeys"}}]}}]}}]}}]}}]} as unknown as DocumentNode<ListMetricKeysQuery, ListMetricKeysQueryVariables>;
export const MetricGoalDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MetricGoal"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"key"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"metricGoal"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"key"},"value":{"kind":"Variable","name":{"kind":"Name","value":"key"}}}]}]}}]} as unknown as DocumentNode<MetricGoalQuery, MetricGoalQueryVariables>;
export const LeaderboardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Leaderboard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"metricKey"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"goal"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"MetricGoal"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ExperimentFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"leaderboard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"metricKey"},"value":{"kind":"Variable","name":{"kind":"Name","value":"metricKey"}}},{"kind":"Argument","name":{"kind":"Name","value":"goal"},"value":{"kind":"Variable","name":{"kind":"Name","value":"goal"}}},{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]}}]}}]} as unknown as DocumentNode<LeaderboardQuery, LeaderboardQueryVariables>;
export const ExperimentBoardDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentBoard"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ExperimentFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ExperimentOrder"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"count"}},{"kind":"Field","name":{"kind":"Name","value":"page"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"orderBy"},"value":{"kind":"Variable","name":{"kind":"Name","value":"orderBy"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"ExperimentRow"}}]}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"ExperimentRow"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"model"}},{"kind":"Field","name":{"kind":"Name","value":"tags"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"durationSeconds"}},{"kind":"Field","name":{"kind":"Name","value":"hypothesis"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"owner"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}}]}}]} as unknown as DocumentNode<ExperimentBoardQuery, ExperimentBoardQueryVariables>;
export const ExperimentBoardCountsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentBoardCounts"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ExperimentFilter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentBoard"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}}]} as unknown as DocumentNode<ExperimentBoardCountsQuery, ExperimentBoardCountsQueryVariables>;
export const UserOptionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UserOptions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"users"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"role"}}]}}]}}]}}]}}]} as unknown as DocumentNode<UserOptionsQuery, UserOptionsQueryVariables>;
export const ExperimentFacetOptionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ExperimentFacetOptions"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ExperimentFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"search"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experimentFacets"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"search"},"value":{"kind":"Variable","name":{"kind":"Name","value":"search"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"models"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}},{"kind":"Field","name":{"kind":"Name","value":"tags"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}}]}}]} as unknown as DocumentNode<ExperimentFacetOptionsQuery, ExperimentFacetOptionsQueryVariables>;
export const MonitorExperimentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MonitorExperiment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"startedAt"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}},{"kind":"Field","name":{"kind":"Name","value":"lastLogSeq"}},{"kind":"Field","name":{"kind":"Name","value":"failure"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}},{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}},{"kind":"Field","name":{"kind":"Name","value":"etaSeconds"}}]}},{"kind":"Field","name":{"kind":"Name","value":"cost"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpu"}},{"kind":"Field","name":{"kind":"Name","value":"cpu"}},{"kind":"Field","name":{"kind":"Name","value":"api"}},{"kind":"Field","name":{"kind":"Name","value":"total"}},{"kind":"Field","name":{"kind":"Name","value":"currency"}}]}},{"kind":"Field","name":{"kind":"Name","value":"reservation"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyCostPerGpu"}},{"kind":"Field","name":{"kind":"Name","value":"cpuCores"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyCostPerCpuCore"}},{"kind":"Field","name":{"kind":"Name","value":"reservedAt"}},{"kind":"Field","name":{"kind":"Name","value":"releasedAt"}}]}},{"kind":"Field","name":{"kind":"Name","value":"metricSummaries"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"lastStep"}}]}}]}}]}}]} as unknown as DocumentNode<MonitorExperimentQuery, MonitorExperimentQueryVariables>;
export const MonitorLogsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"MonitorLogs"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"experiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"logs"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasMore"}},{"kind":"Field","name":{"kind":"Name","value":"nextAfter"}},{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MonitorLogLine"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MonitorLogLine"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LogLine"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]} as unknown as DocumentNode<MonitorLogsQuery, MonitorLogsQueryVariables>;
export const RunMonitorDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"RunMonitor"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"runMonitor"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"experimentId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"StatusEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"failure"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"reason"}},{"kind":"Field","name":{"kind":"Name","value":"message"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"ProgressEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"progress"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"totalSteps"}},{"kind":"Field","name":{"kind":"Name","value":"epoch"}},{"kind":"Field","name":{"kind":"Name","value":"totalEpochs"}},{"kind":"Field","name":{"kind":"Name","value":"fraction"}},{"kind":"Field","name":{"kind":"Name","value":"etaSeconds"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"MetricsEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"points"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"step"}},{"kind":"Field","name":{"kind":"Name","value":"value"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}}]}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LogsEvent"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"lines"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"MonitorLogLine"}}]}}]}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"MonitorLogLine"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"LogLine"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"seq"}},{"kind":"Field","name":{"kind":"Name","value":"timestamp"}},{"kind":"Field","name":{"kind":"Name","value":"level"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"source"}}]}}]} as unknown as DocumentNode<RunMonitorSubscription, RunMonitorSubscriptionVariables>;
export const MonitorStopExperimentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MonitorStopExperiment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"message"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"stopExperiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"message"},"value":{"kind":"Variable","name":{"kind":"Name","value":"message"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"finishedAt"}}]}}]}}]} as unknown as DocumentNode<MonitorStopExperimentMutation, MonitorStopExperimentMutationVariables>;
export const NewExperimentOptionsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NewExperimentOptions"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hypotheses"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"500"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"title"}}]}},{"kind":"Field","name":{"kind":"Name","value":"presets"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"description"}},{"kind":"Field","name":{"kind":"Name","value":"hyperparamSchema"}},{"kind":"Field","name":{"kind":"Name","value":"defaults"}},{"kind":"Field","name":{"kind":"Name","value":"defaultResources"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"gpuType"}},{"kind":"Field","name":{"kind":"Name","value":"gpuCount"}},{"kind":"Field","name":{"kind":"Name","value":"cpuCores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryGb"}},{"kind":"Field","name":{"kind":"Name","value":"maxDurationMinutes"}}]}}]}}]}}]} as unknown as DocumentNode<NewExperimentOptionsQuery, NewExperimentOptionsQueryVariables>;
export const ResourcePoolsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ResourcePools"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"resourcePools"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"gpuType"}},{"kind":"Field","name":{"kind":"Name","value":"capacity"}},{"kind":"Field","name":{"kind":"Name","value":"reserved"}},{"kind":"Field","name":{"kind":"Name","value":"available"}},{"kind":"Field","name":{"kind":"Name","value":"hourlyCostPerGpu"}},{"kind":"Field","name":{"kind":"Name","value":"queueOrder"}}]}}]}}]} as unknown as DocumentNode<ResourcePoolsQuery, ResourcePoolsQueryVariables>;
export const CreateExperimentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"CreateExperiment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"CreateExperimentInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"createExperiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<CreateExperimentMutation, CreateExperimentMutationVariables>;
export const StartExperimentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"StartExperiment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"startExperiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"wait"},"value":{"kind":"BooleanValue","value":true}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]} as unknown as DocumentNode<StartExperimentMutation, StartExperimentMutationVariables>;
export const UnreadNotificationCountDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnreadNotificationCount"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"unreadNotificationCount"}}]}}]} as unknown as DocumentNode<UnreadNotificationCountQuery, UnreadNotificationCountQueryVariables>;
export const NotificationListDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NotificationList"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NotificationItem"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotificationItem"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notification"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<NotificationListQuery, NotificationListQueryVariables>;
export const NewNotificationsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"NewNotifications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notifications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"NotificationItem"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"NotificationItem"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Notification"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"message"}},{"kind":"Field","name":{"kind":"Name","value":"createdAt"}},{"kind":"Field","name":{"kind":"Name","value":"readAt"}},{"kind":"Field","name":{"kind":"Name","value":"experiment"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}}]}}]}}]} as unknown as DocumentNode<NewNotificationsSubscription, NewNotificationsSubscriptionVariables>;
export const MarkNotificationsReadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"MarkNotificationsRead"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"ids"}},"type":{"kind":"NonNullType","type":{"kind":"ListType","type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"markNotificationsRead"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"ids"},"value":{"kind":"Variable","name":{"kind":"Name","value":"ids"}}}]}]}}]} as unknown as DocumentNode<MarkNotificationsReadMutation, MarkNotificationsReadMutationVariables>;
export const UnreadNotificationIdsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"UnreadNotificationIds"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"notifications"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"unreadOnly"},"value":{"kind":"BooleanValue","value":true}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}}]}}]} as unknown as DocumentNode<UnreadNotificationIdsQuery, UnreadNotificationIdsQueryVariables>;
export const DequeueExperimentDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"DequeueExperiment"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"dequeueExperiment"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}}]} as unknown as DocumentNode<DequeueExperimentMutation, DequeueExperimentMutationVariables>;
export const SetExperimentPriorityDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"SetExperimentPriority"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"priority"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"setExperimentPriority"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}},{"kind":"Argument","name":{"kind":"Name","value":"priority"},"value":{"kind":"Variable","name":{"kind":"Name","value":"priority"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"FragmentSpread","name":{"kind":"Name","value":"QueueState"}}]}}]}},{"kind":"FragmentDefinition","name":{"kind":"Name","value":"QueueState"},"typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Experiment"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"priority"}},{"kind":"Field","name":{"kind":"Name","value":"allowedActions"}},{"kind":"Field","name":{"kind":"Name","value":"queue"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"pool"}},{"kind":"Field","name":{"kind":"Name","value":"position"}},{"kind":"Field","name":{"kind":"Name","value":"since"}},{"kind":"Field","name":{"kind":"Name","value":"estimatedStartAt"}}]}}]}}]} as unknown as DocumentNode<SetExperimentPriorityMutation, SetExperimentPriorityMutationVariables>;