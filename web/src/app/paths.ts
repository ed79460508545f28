/** Links to the console's views (the route table is app/routes.tsx). */
export const paths = {
  experiments: "/",
  newExperiment: "/experiments/new",
  experiment: (id: string) => `/experiments/${encodeURIComponent(id)}`,
  monitor: (id: string) => `/experiments/${encodeURIComponent(id)}/monitor`,
  compare: (ids: readonly string[]) =>
    ids.length ? `/compare?ids=${ids.map(encodeURIComponent).join(",")}` : "/compare",
  notifications: "/notifications",
  signIn: "/signin",
} as const;
