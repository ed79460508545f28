import type { CodegenConfig } from "@graphql-codegen/cli";

/** Typed document nodes for every `graphql(...)` operation in src/, from the service's
 * exported schema. The output is committed; `npm run codegen:check` (make test) fails
 * when it is stale. CODEGEN_OUT redirects the output (the check writes to a temp dir). */
const out = process.env.CODEGEN_OUT ?? "src/gql/";

const config: CodegenConfig = {
  schema: "../schema/schema.graphql",
  documents: ["src/**/*.{ts,tsx}", "!src/gql/**/*"],
  ignoreNoDocuments: true,
  generates: {
    [out]: {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: {
          BigInt: "number",
          DateTime: "string",
          JSON: "unknown",
          Upload: "File",
        },
      },
    },
  },
};

export default config;
