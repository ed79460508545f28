/** The `mlflow` client prints links into MLflow's own UI ("View run at
 * http://host/#/experiments/<experiment>/runs/<run>"); pointed at this service, those hash
 * routes lead to the console's page of the same thing: a run's page, or the experiments
 * of a hypothesis (an MLflow experiment is a hypothesis). */
export function mlflowLinkTarget(hash: string): string | null {
  const run = /^#\/experiments\/[^/?#]+\/runs\/([^/?#]+)/.exec(hash)?.[1];
  if (run) return `/experiments/${run}`;
  const experiment = /^#\/experiments\/([^/?#]+)\/?$/.exec(hash)?.[1];
  if (experiment) return `/?hypothesis=${experiment}`;
  return null;
}
