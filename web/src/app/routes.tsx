/** Every client-side route of the console. The service answers index.html for each (see
 * app/web_console.py), so a reload or a pasted link of any of them works. A view is added
 * by replacing its placeholder element here. */
import type { RouteObject } from "react-router";

import { RequireAuth } from "../auth/RequireAuth";
import { SignInPage } from "../auth/SignInPage";
import { ExperimentsView } from "../views/experiments/ExperimentsView";
import { MonitorView } from "../views/monitor/MonitorView";
import { NotFound, Placeholder } from "../views/placeholder/Placeholder";
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
      { path: "experiments/new", element: <Placeholder title="New experiment" /> },
      { path: "experiments/:id", element: <Placeholder title="Experiment" /> },
      { path: "experiments/:id/monitor", element: <MonitorView /> },
      { path: "compare", element: <Placeholder title="Compare" /> },
      { path: "notifications", element: <Placeholder title="Notifications" /> },
      { path: "*", element: <NotFound /> },
    ],
  },
];
