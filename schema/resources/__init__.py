"""Resources in GraphQL: pools, the GPU queue, reservations, costs."""
