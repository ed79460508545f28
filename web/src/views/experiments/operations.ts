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
