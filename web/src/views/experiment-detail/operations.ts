/** The Experiment detail view's GraphQL operations (typed by `make web-codegen`). */
import { graphql } from "../../gql";

/** Everything the header and the Overview, Code and Costs tabs show; the query and the
 * live `experimentUpdated` subscription select the same fields. */
export const ExperimentDetailFields = graphql(`
  fragment ExperimentDetail on Experiment {
    id
    name
    description
    status
    type
    model
    approach
    framework
    hyperparams
    config
    tags
    ...QueueState
    statusMessage
    hypothesis {
      id
      title
    }
    owner {
      id
      name
    }
    resources {
      gpuType
      gpuCount
      cpuCores
      memoryGb
      maxDurationMinutes
    }
    reservation {
      pool
      gpuCount
      reservedAt
      expiresAt
      releasedAt
    }
    progress {
      step
      totalSteps
      epoch
      totalEpochs
      fraction
      etaSeconds
    }
    git {
      repoUrl
      commit
      branch
      url
    }
    failure {
      reason
      message
    }
    cost {
      gpu
      api
      total
      currency
    }
    mlflow {
      runId
      url
    }
    createdAt
    startedAt
    finishedAt
    lastActivityAt
    durationSeconds
  }
`);

export const ExperimentDetailQuery = graphql(`
  query ExperimentDetailPage($id: ID!) {
    experiment(id: $id) {
      ...ExperimentDetail
    }
  }
`);

export const ExperimentUpdatedSubscription = graphql(`
  subscription ExperimentDetailUpdated($id: ID!) {
    experimentUpdated(id: $id, includeCurrent: true) {
      ...ExperimentDetail
    }
  }
`);

// `Start` starts now when the GPUs are free, else joins the GPU queue (wait: true, the
// API's default): the page then shows the run's place in the queue, live
export const StartExperimentMutation = graphql(`
  mutation StartExperimentFromDetail($id: ID!) {
    startExperiment(id: $id, wait: true) {
      ...ExperimentDetail
    }
  }
`);

export const CompleteExperimentMutation = graphql(`
  mutation CompleteExperimentFromDetail($id: ID!) {
    completeExperiment(id: $id) {
      ...ExperimentDetail
    }
  }
`);

export const StopExperimentMutation = graphql(`
  mutation StopExperimentFromDetail($id: ID!, $message: String) {
    stopExperiment(id: $id, message: $message) {
      ...ExperimentDetail
    }
  }
`);

export const FailExperimentMutation = graphql(`
  mutation FailExperimentFromDetail($id: ID!, $reason: FailureReason!, $message: String) {
    failExperiment(id: $id, reason: $reason, message: $message) {
      ...ExperimentDetail
    }
  }
`);

export const MetricSummariesQuery = graphql(`
  query ExperimentMetricSummaries($id: ID!) {
    experiment(id: $id) {
      id
      metricSummaries {
        key
        lastStep
        last
        min
        max
        count
      }
    }
  }
`);

/** Any new point: the Metrics tab refreshes its summaries. */
export const MetricPointsSubscription = graphql(`
  subscription ExperimentMetricPointsForSummaries($id: ID!) {
    metricPoints(experimentId: $id) {
      experimentId
      points {
        key
        step
      }
    }
  }
`);

export const LogPageQuery = graphql(`
  query ExperimentLogPage(
    $id: ID!
    $after: Int
    $levels: [LogLevel!]
    $search: String
    $first: Int
  ) {
    experiment(id: $id) {
      id
      logs(after: $after, levels: $levels, search: $search, first: $first) {
        nextAfter
        hasMore
        lines {
          seq
          timestamp
          level
          message
          source
        }
      }
    }
  }
`);

export const LogLinesSubscription = graphql(`
  subscription ExperimentLogTail($id: ID!, $levels: [LogLevel!], $after: Int) {
    logLines(experimentId: $id, levels: $levels, after: $after) {
      experimentId
      lines {
        seq
        timestamp
        level
        message
        source
      }
    }
  }
`);

export const ArtifactsQuery = graphql(`
  query ExperimentArtifacts($id: ID!) {
    experiment(id: $id) {
      id
      artifacts {
        id
        name
        kind
        sizeBytes
        sha256
        contentType
        createdAt
        downloadUrl
      }
    }
  }
`);

export const ApiCostsQuery = graphql(`
  query ExperimentApiCosts($id: ID!, $first: Int, $after: String) {
    experiment(id: $id) {
      id
      apiCosts(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            amount
            description
            createdAt
            addedBy {
              id
              name
            }
          }
        }
      }
    }
  }
`);

/** The run it is nested in and a page of the runs nested in it (oldest first). */
export const ExperimentNestingQuery = graphql(`
  query ExperimentNesting($id: ID!, $first: Int!, $after: String) {
    experiment(id: $id) {
      id
      parent {
        id
        name
      }
      children(first: $first, after: $after) {
        totalCount
        pageInfo {
          hasNextPage
          endCursor
        }
        edges {
          node {
            id
            name
            status
          }
        }
      }
    }
  }
`);
