/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n    }\n  }\n": typeof types.MeDocument,
    "\n  fragment ExperimentRow on Experiment {\n    id\n    name\n    status\n    type\n    model\n    tags\n    createdAt\n    durationSeconds\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n    }\n    cost {\n      total\n      currency\n    }\n  }\n": typeof types.ExperimentRowFragmentDoc,
    "\n  query ExperimentsPage(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ExperimentRow\n        }\n      }\n    }\n  }\n": typeof types.ExperimentsPageDocument,
    "\n  query HypothesisOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n  }\n": typeof types.HypothesisOptionsDocument,
    "\n  query MonitorExperiment($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      status\n      startedAt\n      finishedAt\n      lastLogSeq\n      failure {\n        reason\n        message\n      }\n      progress {\n        step\n        totalSteps\n        epoch\n        totalEpochs\n        fraction\n        etaSeconds\n      }\n      cost {\n        gpu\n        api\n        total\n        currency\n      }\n      reservation {\n        gpuCount\n        hourlyCostPerGpu\n        reservedAt\n        releasedAt\n      }\n      metricSummaries {\n        key\n        lastStep\n      }\n    }\n  }\n": typeof types.MonitorExperimentDocument,
    "\n  query MonitorMetric($id: ID!, $key: String!, $maxPoints: Int!, $stepFrom: BigInt, $stepTo: BigInt) {\n    experiment(id: $id) {\n      id\n      metric(key: $key, maxPoints: $maxPoints, stepFrom: $stepFrom, stepTo: $stepTo) {\n        key\n        downsampled\n        points {\n          step\n          value\n          timestamp\n        }\n      }\n    }\n  }\n": typeof types.MonitorMetricDocument,
    "\n  query MonitorLogs($id: ID!, $after: Int, $first: Int!) {\n    experiment(id: $id) {\n      id\n      logs(after: $after, first: $first) {\n        hasMore\n        nextAfter\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n": typeof types.MonitorLogsDocument,
    "\n  fragment MonitorLogLine on LogLine {\n    seq\n    timestamp\n    level\n    message\n    source\n  }\n": typeof types.MonitorLogLineFragmentDoc,
    "\n  subscription RunMonitor($id: ID!) {\n    runMonitor(experimentId: $id) {\n      __typename\n      ... on StatusEvent {\n        status\n        failure {\n          reason\n          message\n        }\n      }\n      ... on ProgressEvent {\n        progress {\n          step\n          totalSteps\n          epoch\n          totalEpochs\n          fraction\n          etaSeconds\n        }\n      }\n      ... on MetricsEvent {\n        points {\n          key\n          step\n          value\n          timestamp\n        }\n      }\n      ... on LogsEvent {\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n": typeof types.RunMonitorDocument,
    "\n  mutation MonitorStopExperiment($id: ID!, $message: String) {\n    stopExperiment(id: $id, message: $message) {\n      id\n      status\n      finishedAt\n    }\n  }\n": typeof types.MonitorStopExperimentDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n    }\n  }\n": types.MeDocument,
    "\n  fragment ExperimentRow on Experiment {\n    id\n    name\n    status\n    type\n    model\n    tags\n    createdAt\n    durationSeconds\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n    }\n    cost {\n      total\n      currency\n    }\n  }\n": types.ExperimentRowFragmentDoc,
    "\n  query ExperimentsPage(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ExperimentRow\n        }\n      }\n    }\n  }\n": types.ExperimentsPageDocument,
    "\n  query HypothesisOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n  }\n": types.HypothesisOptionsDocument,
    "\n  query MonitorExperiment($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      status\n      startedAt\n      finishedAt\n      lastLogSeq\n      failure {\n        reason\n        message\n      }\n      progress {\n        step\n        totalSteps\n        epoch\n        totalEpochs\n        fraction\n        etaSeconds\n      }\n      cost {\n        gpu\n        api\n        total\n        currency\n      }\n      reservation {\n        gpuCount\n        hourlyCostPerGpu\n        reservedAt\n        releasedAt\n      }\n      metricSummaries {\n        key\n        lastStep\n      }\n    }\n  }\n": types.MonitorExperimentDocument,
    "\n  query MonitorMetric($id: ID!, $key: String!, $maxPoints: Int!, $stepFrom: BigInt, $stepTo: BigInt) {\n    experiment(id: $id) {\n      id\n      metric(key: $key, maxPoints: $maxPoints, stepFrom: $stepFrom, stepTo: $stepTo) {\n        key\n        downsampled\n        points {\n          step\n          value\n          timestamp\n        }\n      }\n    }\n  }\n": types.MonitorMetricDocument,
    "\n  query MonitorLogs($id: ID!, $after: Int, $first: Int!) {\n    experiment(id: $id) {\n      id\n      logs(after: $after, first: $first) {\n        hasMore\n        nextAfter\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n": types.MonitorLogsDocument,
    "\n  fragment MonitorLogLine on LogLine {\n    seq\n    timestamp\n    level\n    message\n    source\n  }\n": types.MonitorLogLineFragmentDoc,
    "\n  subscription RunMonitor($id: ID!) {\n    runMonitor(experimentId: $id) {\n      __typename\n      ... on StatusEvent {\n        status\n        failure {\n          reason\n          message\n        }\n      }\n      ... on ProgressEvent {\n        progress {\n          step\n          totalSteps\n          epoch\n          totalEpochs\n          fraction\n          etaSeconds\n        }\n      }\n      ... on MetricsEvent {\n        points {\n          key\n          step\n          value\n          timestamp\n        }\n      }\n      ... on LogsEvent {\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n": types.RunMonitorDocument,
    "\n  mutation MonitorStopExperiment($id: ID!, $message: String) {\n    stopExperiment(id: $id, message: $message) {\n      id\n      status\n      finishedAt\n    }\n  }\n": types.MonitorStopExperimentDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ExperimentRow on Experiment {\n    id\n    name\n    status\n    type\n    model\n    tags\n    createdAt\n    durationSeconds\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n    }\n    cost {\n      total\n      currency\n    }\n  }\n"): (typeof documents)["\n  fragment ExperimentRow on Experiment {\n    id\n    name\n    status\n    type\n    model\n    tags\n    createdAt\n    durationSeconds\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n    }\n    cost {\n      total\n      currency\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentsPage(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ExperimentRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentsPage(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ExperimentRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HypothesisOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n  }\n"): (typeof documents)["\n  query HypothesisOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorExperiment($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      status\n      startedAt\n      finishedAt\n      lastLogSeq\n      failure {\n        reason\n        message\n      }\n      progress {\n        step\n        totalSteps\n        epoch\n        totalEpochs\n        fraction\n        etaSeconds\n      }\n      cost {\n        gpu\n        api\n        total\n        currency\n      }\n      reservation {\n        gpuCount\n        hourlyCostPerGpu\n        reservedAt\n        releasedAt\n      }\n      metricSummaries {\n        key\n        lastStep\n      }\n    }\n  }\n"): (typeof documents)["\n  query MonitorExperiment($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      status\n      startedAt\n      finishedAt\n      lastLogSeq\n      failure {\n        reason\n        message\n      }\n      progress {\n        step\n        totalSteps\n        epoch\n        totalEpochs\n        fraction\n        etaSeconds\n      }\n      cost {\n        gpu\n        api\n        total\n        currency\n      }\n      reservation {\n        gpuCount\n        hourlyCostPerGpu\n        reservedAt\n        releasedAt\n      }\n      metricSummaries {\n        key\n        lastStep\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorMetric($id: ID!, $key: String!, $maxPoints: Int!, $stepFrom: BigInt, $stepTo: BigInt) {\n    experiment(id: $id) {\n      id\n      metric(key: $key, maxPoints: $maxPoints, stepFrom: $stepFrom, stepTo: $stepTo) {\n        key\n        downsampled\n        points {\n          step\n          value\n          timestamp\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MonitorMetric($id: ID!, $key: String!, $maxPoints: Int!, $stepFrom: BigInt, $stepTo: BigInt) {\n    experiment(id: $id) {\n      id\n      metric(key: $key, maxPoints: $maxPoints, stepFrom: $stepFrom, stepTo: $stepTo) {\n        key\n        downsampled\n        points {\n          step\n          value\n          timestamp\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorLogs($id: ID!, $after: Int, $first: Int!) {\n    experiment(id: $id) {\n      id\n      logs(after: $after, first: $first) {\n        hasMore\n        nextAfter\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MonitorLogs($id: ID!, $after: Int, $first: Int!) {\n    experiment(id: $id) {\n      id\n      logs(after: $after, first: $first) {\n        hasMore\n        nextAfter\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MonitorLogLine on LogLine {\n    seq\n    timestamp\n    level\n    message\n    source\n  }\n"): (typeof documents)["\n  fragment MonitorLogLine on LogLine {\n    seq\n    timestamp\n    level\n    message\n    source\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RunMonitor($id: ID!) {\n    runMonitor(experimentId: $id) {\n      __typename\n      ... on StatusEvent {\n        status\n        failure {\n          reason\n          message\n        }\n      }\n      ... on ProgressEvent {\n        progress {\n          step\n          totalSteps\n          epoch\n          totalEpochs\n          fraction\n          etaSeconds\n        }\n      }\n      ... on MetricsEvent {\n        points {\n          key\n          step\n          value\n          timestamp\n        }\n      }\n      ... on LogsEvent {\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription RunMonitor($id: ID!) {\n    runMonitor(experimentId: $id) {\n      __typename\n      ... on StatusEvent {\n        status\n        failure {\n          reason\n          message\n        }\n      }\n      ... on ProgressEvent {\n        progress {\n          step\n          totalSteps\n          epoch\n          totalEpochs\n          fraction\n          etaSeconds\n        }\n      }\n      ... on MetricsEvent {\n        points {\n          key\n          step\n          value\n          timestamp\n        }\n      }\n      ... on LogsEvent {\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MonitorStopExperiment($id: ID!, $message: String) {\n    stopExperiment(id: $id, message: $message) {\n      id\n      status\n      finishedAt\n    }\n  }\n"): (typeof documents)["\n  mutation MonitorStopExperiment($id: ID!, $message: String) {\n    stopExperiment(id: $id, message: $message) {\n      id\n      status\n      finishedAt\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;