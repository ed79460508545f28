/** The GPU queue's controls: leave it, set a priority. Their answers carry the queue
 * state a view shows (`QueueState`, spread into the table's rows and the detail page);
 * the views' live feeds bring the rest (the positions the scheduler recomputes). */
import { graphql } from "../../gql";

export const QueueStateFields = graphql(`
  fragment QueueState on Experiment {
    id
    status
    priority
    allowedActions
    queue {
      pool
      position
      since
      estimatedStartAt
    }
  }
`);

export const DequeueExperimentMutation = graphql(`
  mutation DequeueExperiment($id: ID!) {
    dequeueExperiment(id: $id) {
      ...QueueState
    }
  }
`);

export const SetExperimentPriorityMutation = graphql(`
  mutation SetExperimentPriority($id: ID!, $priority: Int!) {
    setExperimentPriority(id: $id, priority: $priority) {
      ...QueueState
    }
  }
`);
