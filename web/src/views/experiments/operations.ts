import { graphql } from "../../gql";

export const ExperimentRowFields = graphql(`
  fragment ExperimentRow on Experiment {
    id
    name
    status
    type
    model
    tags
    createdAt
    startedAt
    finishedAt
    durationSeconds
    hypothesis {
      id
      title
    }
    owner {
      id
      name
    }
    progress {
      step
      totalSteps
      epoch
      totalEpochs
      fraction
    }
    cost {
      total
      currency
    }
    ...QueueState
  }
`);

export const ExperimentsPageQuery = graphql(`
  query ExperimentsPage(
    $filter: ExperimentFilter
    $orderBy: ExperimentOrder
    $first: Int
    $after: String
  ) {
    experiments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
      totalCount
      pageInfo {
        hasNextPage
        endCursor
      }
      edges {
        cursor
        node {
          ...ExperimentRow
        }
      }
    }
  }
`);

export const HypothesisOptionsQuery = graphql(`
  query HypothesisOptions {
    hypotheses(first: 500) {
      id
      title
    }
  }
`);

/** Rows appear, change and leave as they happen (`liveList.ts` merges them). */
export const ExperimentsChangedSubscription = graphql(`
  subscription ExperimentsChanged($filter: ExperimentFilter) {
    experimentsChanged(filter: $filter) {
      kind
      experiment {
        ...ExperimentRow
      }
    }
  }
`);

export const ExperimentStatsQuery = graphql(`
  query ExperimentStatsStrip($filter: ExperimentFilter) {
    experimentStats(filter: $filter) {
      total
      byStatus
      successRate
      avgDurationSeconds
      totalCost
    }
  }
`);

/** The metric keys of the first experiments of the list, for the leaderboard's picker. */
export const MetricKeysQuery = graphql(`
  query ListMetricKeys($filter: ExperimentFilter, $orderBy: ExperimentOrder, $first: Int) {
    experiments(filter: $filter, orderBy: $orderBy, first: $first) {
      edges {
        node {
          id
          metricKeys
        }
      }
    }
  }
`);

/** The goal the service takes a metric key to have (compare's rule). */
export const MetricGoalQuery = graphql(`
  query MetricGoal($key: String!) {
    metricGoal(key: $key)
  }
`);

export const LeaderboardQuery = graphql(`
  query Leaderboard(
    $metricKey: String!
    $goal: MetricGoal
    $filter: ExperimentFilter
    $first: Int
  ) {
    leaderboard(metricKey: $metricKey, goal: $goal, filter: $filter, first: $first) {
      rank
      value
      step
      experiment {
        id
        name
        status
        owner {
          id
          name
        }
      }
    }
  }
`);

/** The Kanban board: every status column with its count and first cards. A column's
 * `Load more` asks the same with the filter narrowed to its status and `after`. */
export const BoardQuery = graphql(`
  query ExperimentBoard(
    $filter: ExperimentFilter
    $orderBy: ExperimentOrder
    $first: Int
    $after: String
  ) {
    experimentBoard(filter: $filter) {
      status
      count
      page(first: $first, after: $after, orderBy: $orderBy) {
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            ...ExperimentRow
          }
        }
      }
    }
  }
`);

/** The board's counts alone, refreshed after live changes. */
export const BoardCountsQuery = graphql(`
  query ExperimentBoardCounts($filter: ExperimentFilter) {
    experimentBoard(filter: $filter) {
      status
      count
    }
  }
`);

export const UserOptionsQuery = graphql(`
  query UserOptions($search: String, $first: Int) {
    users(search: $search, first: $first) {
      edges {
        node {
          id
          name
          role
        }
      }
    }
  }
`);

export const FacetsQuery = graphql(`
  query ExperimentFacetOptions($filter: ExperimentFilter, $search: String, $first: Int) {
    experimentFacets(filter: $filter, search: $search, first: $first) {
      models {
        value
        count
      }
      tags {
        value
        count
      }
    }
  }
`);
