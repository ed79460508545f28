/** Every client-side route of the console. The service answers index.html for each (see
 * app/web_console.py), so a reload or a pasted link of any of them works. A view is added
 * by replacing its placeholder element here. */
import type { RouteObject } from "react-router";

import { RequireAuth } from "../auth/RequireAuth";
import { SignInPage } from "../auth/SignInPage";
import { CompareView } from "../views/compare/CompareView";
import { ExperimentDetailView } from "../views/experiment-detail/ExperimentDetailView";
import { ExperimentsView } from "../views/experiments/ExperimentsView";
import { NewExperimentView } from "../views/new-experiment/NewExperimentView";
import { NotificationsView } from "../views/notifications/NotificationsView";
import { MonitorView } from "../views/monitor/MonitorView";
import { NotFound } from "../views/not-found/NotFound";
import { Shell } from "./Shell";

export { paths } from "./paths";


export const routes: RouteObject[] = [
  { path: "/signin", element: <SignInPage /> },
  {
    element: (
      <RequireAuth>
        <Shell />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <ExperimentsView /> },
      { path: "experiments/new", element: <NewExperimentView /> },
      { path: "experiments/:id", element: <ExperimentDetailView /> },
      { path: "experiments/:id/monitor", element: <MonitorView /> },
      { path: "compare", element: <CompareView /> },
      { path: "notifications", element: <NotificationsView /> },
      { path: "*", element: <NotFound /> },
    ],
  },
];
