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

// wait: false — these buttons start now or say why not (the GPU queue is the API's
// default: startExperiment waits unless told not to)
export const StartExperimentMutation = graphql(`
  mutation StartExperiment($id: ID!) {
    startExperiment(id: $id, wait: false) {
      id
      status
    }
  }
`);
