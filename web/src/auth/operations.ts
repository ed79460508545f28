import { graphql } from "../gql";

/** Who the token belongs to: the sign-in check, and the name in the header. */
export const MeQuery = graphql(`
  query Me {
    me {
      id
      name
      email
      role
      mayRaisePriority
    }
  }
`);
