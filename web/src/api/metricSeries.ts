/** One metric's history, downsampled to about `maxPoints` (each bucket's min and max
 * kept), optionally for a step range: what a chart of one key asks for (the Metrics tab,
 * the Run Monitor). */
import { graphql } from "../gql";

export const MetricSeriesQuery = graphql(`
  query MetricSeries($id: ID!, $key: String!, $maxPoints: Int!, $stepFrom: BigInt, $stepTo: BigInt) {
    experiment(id: $id) {
      id
      metric(key: $key, maxPoints: $maxPoints, stepFrom: $stepFrom, stepTo: $stepTo) {
        key
        downsampled
        points {
          step
          value
          timestamp
        }
      }
    }
  }
`);
