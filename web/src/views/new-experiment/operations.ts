import { graphql } from "../../gql";

/** The form's choices: hypotheses to file the run under, the presets, the GPU pools. */
export const NewExperimentOptionsQuery = graphql(`
  query NewExperimentOptions {
    hypotheses(first: 500) {
      id
      title
    }
    presets {
      type
      description
      hyperparamSchema
      defaults
      defaultResources {
        gpuType
        gpuCount
        cpuCores
        memoryGb
        maxDurationMinutes
      }
    }
  }
`);

export const ResourcePoolsQuery = graphql(`
  query ResourcePools {
    resourcePools {
      name
      gpuType
      capacity
      reserved
      available
      hourlyCostPerGpu
      queueOrder
    }
  }
`);

export const CreateExperimentMutation = graphql(`
  mutation CreateExperiment($input: CreateExperimentInput!) {
    createExperiment(input: $input) {
      id
      name
      status
    }
  }
`);

// `Create and start`: starts now when the GPUs are free, else joins the GPU queue (wait:
// true, the API's default); refused only when no pool has its GPU type
export const StartExperimentMutation = graphql(`
  mutation StartExperiment($id: ID!) {
    startExperiment(id: $id, wait: true) {
      id
      status
    }
  }
`);
