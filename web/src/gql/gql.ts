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
    "\n  fragment ExperimentRow on Experiment {\n    id\n    name\n    status\n    type\n    model\n    tags\n    createdAt\n    startedAt\n    finishedAt\n    durationSeconds\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n    }\n    cost {\n      total\n      currency\n    }\n  }\n": typeof types.ExperimentRowFragmentDoc,
    "\n  query ExperimentsPage(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ExperimentRow\n        }\n      }\n    }\n  }\n": typeof types.ExperimentsPageDocument,
    "\n  query HypothesisOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n  }\n": typeof types.HypothesisOptionsDocument,
    "\n  subscription ExperimentsChanged($filter: ExperimentFilter) {\n    experimentsChanged(filter: $filter) {\n      kind\n      experiment {\n        ...ExperimentRow\n      }\n    }\n  }\n": typeof types.ExperimentsChangedDocument,
    "\n  query ExperimentStatsStrip($filter: ExperimentFilter) {\n    experimentStats(filter: $filter) {\n      total\n      byStatus\n      successRate\n      avgDurationSeconds\n      totalCost\n    }\n  }\n": typeof types.ExperimentStatsStripDocument,
    "\n  query ListMetricKeys($filter: ExperimentFilter, $orderBy: ExperimentOrder, $first: Int) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first) {\n      edges {\n        node {\n          id\n          metricKeys\n        }\n      }\n    }\n  }\n": typeof types.ListMetricKeysDocument,
    "\n  query Leaderboard(\n    $metricKey: String!\n    $goal: MetricGoal\n    $filter: ExperimentFilter\n    $first: Int\n  ) {\n    leaderboard(metricKey: $metricKey, goal: $goal, filter: $filter, first: $first) {\n      rank\n      value\n      step\n      experiment {\n        id\n        name\n        status\n        owner {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.LeaderboardDocument,
    "\n  query ExperimentBoard(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n      page(first: $first, after: $after, orderBy: $orderBy) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...ExperimentRow\n          }\n        }\n      }\n    }\n  }\n": typeof types.ExperimentBoardDocument,
    "\n  query ExperimentBoardCounts($filter: ExperimentFilter) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n    }\n  }\n": typeof types.ExperimentBoardCountsDocument,
    "\n  query UserOptions($search: String, $first: Int) {\n    users(search: $search, first: $first) {\n      edges {\n        node {\n          id\n          name\n          role\n        }\n      }\n    }\n  }\n": typeof types.UserOptionsDocument,
    "\n  query ExperimentFacetOptions($filter: ExperimentFilter, $search: String, $first: Int) {\n    experimentFacets(filter: $filter, search: $search, first: $first) {\n      models {\n        value\n        count\n      }\n      tags {\n        value\n        count\n      }\n    }\n  }\n": typeof types.ExperimentFacetOptionsDocument,
};
const documents: Documents = {
    "\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n    }\n  }\n": types.MeDocument,
    "\n  fragment ExperimentRow on Experiment {\n    id\n    name\n    status\n    type\n    model\n    tags\n    createdAt\n    startedAt\n    finishedAt\n    durationSeconds\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n    }\n    cost {\n      total\n      currency\n    }\n  }\n": types.ExperimentRowFragmentDoc,
    "\n  query ExperimentsPage(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ExperimentRow\n        }\n      }\n    }\n  }\n": types.ExperimentsPageDocument,
    "\n  query HypothesisOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n  }\n": types.HypothesisOptionsDocument,
    "\n  subscription ExperimentsChanged($filter: ExperimentFilter) {\n    experimentsChanged(filter: $filter) {\n      kind\n      experiment {\n        ...ExperimentRow\n      }\n    }\n  }\n": types.ExperimentsChangedDocument,
    "\n  query ExperimentStatsStrip($filter: ExperimentFilter) {\n    experimentStats(filter: $filter) {\n      total\n      byStatus\n      successRate\n      avgDurationSeconds\n      totalCost\n    }\n  }\n": types.ExperimentStatsStripDocument,
    "\n  query ListMetricKeys($filter: ExperimentFilter, $orderBy: ExperimentOrder, $first: Int) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first) {\n      edges {\n        node {\n          id\n          metricKeys\n        }\n      }\n    }\n  }\n": types.ListMetricKeysDocument,
    "\n  query Leaderboard(\n    $metricKey: String!\n    $goal: MetricGoal\n    $filter: ExperimentFilter\n    $first: Int\n  ) {\n    leaderboard(metricKey: $metricKey, goal: $goal, filter: $filter, first: $first) {\n      rank\n      value\n      step\n      experiment {\n        id\n        name\n        status\n        owner {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.LeaderboardDocument,
    "\n  query ExperimentBoard(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n      page(first: $first, after: $after, orderBy: $orderBy) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...ExperimentRow\n          }\n        }\n      }\n    }\n  }\n": types.ExperimentBoardDocument,
    "\n  query ExperimentBoardCounts($filter: ExperimentFilter) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n    }\n  }\n": types.ExperimentBoardCountsDocument,
    "\n  query UserOptions($search: String, $first: Int) {\n    users(search: $search, first: $first) {\n      edges {\n        node {\n          id\n          name\n          role\n        }\n      }\n    }\n  }\n": types.UserOptionsDocument,
    "\n  query ExperimentFacetOptions($filter: ExperimentFilter, $search: String, $first: Int) {\n    experimentFacets(filter: $filter, search: $search, first: $first) {\n      models {\n        value\n        count\n      }\n      tags {\n        value\n        count\n      }\n    }\n  }\n": types.ExperimentFacetOptionsDocument,
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
export function graphql(source: "\n  fragment ExperimentRow on Experiment {\n    id\n    name\n    status\n    type\n    model\n    tags\n    createdAt\n    startedAt\n    finishedAt\n    durationSeconds\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n    }\n    cost {\n      total\n      currency\n    }\n  }\n"): (typeof documents)["\n  fragment ExperimentRow on Experiment {\n    id\n    name\n    status\n    type\n    model\n    tags\n    createdAt\n    startedAt\n    finishedAt\n    durationSeconds\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n    }\n    cost {\n      total\n      currency\n    }\n  }\n"];
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
export function graphql(source: "\n  subscription ExperimentsChanged($filter: ExperimentFilter) {\n    experimentsChanged(filter: $filter) {\n      kind\n      experiment {\n        ...ExperimentRow\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ExperimentsChanged($filter: ExperimentFilter) {\n    experimentsChanged(filter: $filter) {\n      kind\n      experiment {\n        ...ExperimentRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentStatsStrip($filter: ExperimentFilter) {\n    experimentStats(filter: $filter) {\n      total\n      byStatus\n      successRate\n      avgDurationSeconds\n      totalCost\n    }\n  }\n"): (typeof documents)["\n  query ExperimentStatsStrip($filter: ExperimentFilter) {\n    experimentStats(filter: $filter) {\n      total\n      byStatus\n      successRate\n      avgDurationSeconds\n      totalCost\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListMetricKeys($filter: ExperimentFilter, $orderBy: ExperimentOrder, $first: Int) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first) {\n      edges {\n        node {\n          id\n          metricKeys\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListMetricKeys($filter: ExperimentFilter, $orderBy: ExperimentOrder, $first: Int) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first) {\n      edges {\n        node {\n          id\n          metricKeys\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Leaderboard(\n    $metricKey: String!\n    $goal: MetricGoal\n    $filter: ExperimentFilter\n    $first: Int\n  ) {\n    leaderboard(metricKey: $metricKey, goal: $goal, filter: $filter, first: $first) {\n      rank\n      value\n      step\n      experiment {\n        id\n        name\n        status\n        owner {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Leaderboard(\n    $metricKey: String!\n    $goal: MetricGoal\n    $filter: ExperimentFilter\n    $first: Int\n  ) {\n    leaderboard(metricKey: $metricKey, goal: $goal, filter: $filter, first: $first) {\n      rank\n      value\n      step\n      experiment {\n        id\n        name\n        status\n        owner {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentBoard(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n      page(first: $first, after: $after, orderBy: $orderBy) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...ExperimentRow\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentBoard(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n      page(first: $first, after: $after, orderBy: $orderBy) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...ExperimentRow\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentBoardCounts($filter: ExperimentFilter) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n    }\n  }\n"): (typeof documents)["\n  query ExperimentBoardCounts($filter: ExperimentFilter) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserOptions($search: String, $first: Int) {\n    users(search: $search, first: $first) {\n      edges {\n        node {\n          id\n          name\n          role\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query UserOptions($search: String, $first: Int) {\n    users(search: $search, first: $first) {\n      edges {\n        node {\n          id\n          name\n          role\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentFacetOptions($filter: ExperimentFilter, $search: String, $first: Int) {\n    experimentFacets(filter: $filter, search: $search, first: $first) {\n      models {\n        value\n        count\n      }\n      tags {\n        value\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentFacetOptions($filter: ExperimentFilter, $search: String, $first: Int) {\n    experimentFacets(filter: $filter, search: $search, first: $first) {\n      models {\n        value\n        count\n      }\n      tags {\n        value\n        count\n      }\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;