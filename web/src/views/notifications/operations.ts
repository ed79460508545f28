import { graphql } from "../../gql";

/** Every notification query, the mutation and the live feed share this typename: the
 * mutation and each new notification invalidate the queries (urql's document cache). */
export const NOTIFICATION_CONTEXT = { additionalTypenames: ["Notification"] };

export const UnreadCountQuery = graphql(`
  query UnreadNotificationCount {
    unreadNotificationCount
  }
`);

export const NotificationFields = graphql(`
  fragment NotificationItem on Notification {
    id
    kind
    message
    createdAt
    readAt
    experiment {
      id
      name
    }
  }
`);

export const NotificationsQuery = graphql(`
  query NotificationList($first: Int) {
    notifications(first: $first) {
      ...NotificationItem
    }
  }
`);

export const NewNotificationsSubscription = graphql(`
  subscription NewNotifications {
    notifications {
      ...NotificationItem
    }
  }
`);

export const MarkReadMutation = graphql(`
  mutation MarkNotificationsRead($ids: [ID!]!) {
    markNotificationsRead(ids: $ids)
  }
`);

/** The ids `Mark all as read` marks (in batches of the API's maximum). */
export const UnreadIdsQuery = graphql(`
  query UnreadNotificationIds($first: Int) {
    notifications(unreadOnly: true, first: $first) {
      id
    }
  }
`);
