/** The filter dropdowns' values: `experimentFacets` for the list's other filters. */
import { useQuery } from "urql";

import type { ExperimentFilter } from "../../gql/graphql";
import { formatCount } from "../../lib/format";
import { FacetsQuery } from "./operations";

export interface FacetCount {
  value: string;
  count: number;
}

/** Values offered per facet */
const FACET_VALUES = 100;

export function facetLabel(facet: FacetCount): string {
  return `${formatCount(facet.count)} experiment${facet.count === 1 ? "" : "s"}`;
}

export function useFacets(filter: ExperimentFilter): {
  models: readonly FacetCount[];
  tags: readonly FacetCount[];
} {
  const [{ data }] = useQuery({
    query: FacetsQuery,
    variables: { filter, first: FACET_VALUES },
  });
  return {
    models: data?.experimentFacets.models ?? [],
    tags: data?.experimentFacets.tags ?? [],
  };
}
