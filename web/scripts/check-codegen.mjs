// Fails when src/gql/ is not what graphql-codegen makes from ../schema/schema.graphql and
// the operations in src/: regenerates into a temp dir and compares file by file.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const committed = "src/gql";
const fresh = mkdtempSync(join(tmpdir(), "expsvc-codegen-"));
try {
  execFileSync(
    process.execPath,
    ["node_modules/@graphql-codegen/cli/cjs/bin.js", "--config", "codegen.ts", "--silent"],
    { env: { ...process.env, CODEGEN_OUT: `${fresh}/` }, stdio: "inherit" },
  );
  const names = new Set([...readdirSync(committed), ...readdirSync(fresh)]);
  const stale = [...names].sort().filter((name) => {
    const read = (dir) => {
      try {
        return readFileSync(join(dir, name), "utf8");
      } catch {
        return null;
      }
    };
    return read(committed) !== read(fresh);
  });
  if (stale.length > 0) {
    console.error(
      `web/src/gql is stale (${stale.join(", ")}): run \`make web-codegen\` ` +
        "(or `npm run codegen` in web/) and commit the result",
    );
    process.exit(1);
  }
  console.log("codegen: web/src/gql is up to date");
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
