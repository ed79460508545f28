import { graphql } from "../../gql";

export const MonitorExperimentQuery = graphql(`
  query MonitorExperiment($id: ID!) {
    experiment(id: $id) {
      id
      name
      status
      allowedActions
      startedAt
      finishedAt
      lastLogSeq
      failure {
        reason
        message
      }
      progress {
        step
        totalSteps
        epoch
        totalEpochs
        fraction
        etaSeconds
      }
      cost {
        gpu
        cpu
        api
        total
        currency
      }
      reservation {
        gpuCount
        hourlyCostPerGpu
        cpuCores
        hourlyCostPerCpuCore
        reservedAt
        releasedAt
      }
      metricSummaries {
        key
        lastStep
      }
    }
  }
`);

export const MonitorLogsQuery = graphql(`
  query MonitorLogs($id: ID!, $after: Int, $first: Int!) {
    experiment(id: $id) {
      id
      logs(after: $after, first: $first) {
        hasMore
        nextAfter
        lines {
          ...MonitorLogLine
        }
      }
    }
  }
`);

export const MonitorLogLineFields = graphql(`
  fragment MonitorLogLine on LogLine {
    seq
    timestamp
    level
    message
    source
  }
`);

export const RunMonitorSubscription = graphql(`
  subscription RunMonitor($id: ID!) {
    runMonitor(experimentId: $id) {
      __typename
      ... on StatusEvent {
        status
        failure {
          reason
          message
        }
      }
      ... on ProgressEvent {
        progress {
          step
          totalSteps
          epoch
          totalEpochs
          fraction
          etaSeconds
        }
      }
      ... on MetricsEvent {
        points {
          key
          step
          value
          timestamp
        }
      }
      ... on LogsEvent {
        lines {
          ...MonitorLogLine
        }
      }
    }
  }
`);

export const StopExperimentMutation = graphql(`
  mutation MonitorStopExperiment($id: ID!, $message: String) {
    stopExperiment(id: $id, message: $message) {
      id
      status
      finishedAt
    }
  }
`);
