import { useMemo } from "react";
import { createBrowserRouter } from "react-router";
import { RouterProvider } from "react-router/dom";

import { AuthProvider } from "../auth/AuthContext";
import { routes } from "./routes";

export function App() {
  const router = useMemo(() => createBrowserRouter(routes), []);
  return (
    <AuthProvider>
      <RouterProvider router={router} />
    </AuthProvider>
  );
}
