import { graphql } from "../../gql";

export const CompareQuery = graphql(`
  query CompareExperiments($ids: [ID!]!, $baselineId: ID) {
    compareExperiments(ids: $ids, baselineId: $baselineId) {
      baselineId
      experiments {
        id
        name
        status
        type
        model
      }
      params {
        key
        values
        differs
        differsFromBaseline
      }
      metrics {
        key
        goal
        bestExperimentId
        cells {
          experimentId
          last
          best
          deltaVsBaseline
          deltaPercent
        }
      }
    }
  }
`);

/** The experiments offered by `Add experiment`: the newest the caller may read. */
export const CompareCandidatesQuery = graphql(`
  query CompareCandidates($first: Int) {
    experiments(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {
      edges {
        node {
          id
          name
          status
        }
      }
    }
  }
`);

/** One metric's history for every compared experiment (one chart). */
export const CompareSeriesQuery = graphql(`
  query CompareSeries($ids: [ID!]!, $key: String!, $maxPoints: Int!) {
    compareExperiments(ids: $ids) {
      series(key: $key, maxPoints: $maxPoints) {
        experimentId
        series {
          points {
            step
            value
            timestamp
          }
        }
      }
    }
  }
`);
