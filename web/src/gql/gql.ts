/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query MetricSeries($id: ID!, $key: String!, $maxPoints: Int!, $stepFrom: BigInt, $stepTo: BigInt) {\n    experiment(id: $id) {\n      id\n      metric(key: $key, maxPoints: $maxPoints, stepFrom: $stepFrom, stepTo: $stepTo) {\n        key\n        downsampled\n        points {\n          step\n          value\n          timestamp\n        }\n      }\n    }\n  }\n": typeof types.MetricSeriesDocument,
    "\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n      mayRaisePriority\n    }\n  }\n": typeof types.MeDocument,
    "\n  query CompareExperiments($ids: [ID!]!, $baselineId: ID) {\n    compareExperiments(ids: $ids, baselineId: $baselineId) {\n      baselineId\n      experiments {\n        id\n        name\n        status\n        type\n        model\n      }\n      params {\n        key\n        values\n        differs\n        differsFromBaseline\n      }\n      metrics {\n        key\n        goal\n        bestExperimentId\n        cells {\n          experimentId\n          last\n          best\n          deltaVsBaseline\n          deltaPercent\n        }\n      }\n    }\n  }\n": typeof types.CompareExperimentsDocument,
    "\n  query CompareCandidates($first: Int) {\n    experiments(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {\n      edges {\n        node {\n          id\n          name\n          status\n        }\n      }\n    }\n  }\n": typeof types.CompareCandidatesDocument,
    "\n  query CompareSeries($ids: [ID!]!, $key: String!, $maxPoints: Int!) {\n    compareExperiments(ids: $ids) {\n      series(key: $key, maxPoints: $maxPoints) {\n        experimentId\n        series {\n          points {\n            step\n            value\n            timestamp\n          }\n        }\n      }\n    }\n  }\n": typeof types.CompareSeriesDocument,
    "\n  fragment ExperimentDetail on Experiment {\n    id\n    name\n    description\n    status\n    type\n    model\n    approach\n    framework\n    hyperparams\n    config\n    tags\n    ...QueueState\n    statusMessage\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    resources {\n      gpuType\n      gpuCount\n      cpuCores\n      memoryGb\n      maxDurationMinutes\n    }\n    reservation {\n      pool\n      gpuCount\n      reservedAt\n      expiresAt\n      releasedAt\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n      etaSeconds\n    }\n    git {\n      repoUrl\n      commit\n      branch\n      url\n    }\n    failure {\n      reason\n      message\n    }\n    cost {\n      gpu\n      api\n      total\n      currency\n    }\n    mlflow {\n      runId\n      url\n    }\n    createdAt\n    startedAt\n    finishedAt\n    lastActivityAt\n    durationSeconds\n  }\n": typeof types.ExperimentDetailFragmentDoc,
    "\n  query ExperimentDetailPage($id: ID!) {\n    experiment(id: $id) {\n      ...ExperimentDetail\n    }\n  }\n": typeof types.ExperimentDetailPageDocument,
    "\n  subscription ExperimentDetailUpdated($id: ID!) {\n    experimentUpdated(id: $id, includeCurrent: true) {\n      ...ExperimentDetail\n    }\n  }\n": typeof types.ExperimentDetailUpdatedDocument,
    "\n  mutation StartExperimentFromDetail($id: ID!) {\n    startExperiment(id: $id, wait: true) {\n      ...ExperimentDetail\n    }\n  }\n": typeof types.StartExperimentFromDetailDocument,
    "\n  mutation CompleteExperimentFromDetail($id: ID!) {\n    completeExperiment(id: $id) {\n      ...ExperimentDetail\n    }\n  }\n": typeof types.CompleteExperimentFromDetailDocument,
    "\n  mutation StopExperimentFromDetail($id: ID!, $message: String) {\n    stopExperiment(id: $id, message: $message) {\n      ...ExperimentDetail\n    }\n  }\n": typeof types.StopExperimentFromDetailDocument,
    "\n  mutation FailExperimentFromDetail($id: ID!, $reason: FailureReason!, $message: String) {\n    failExperiment(id: $id, reason: $reason, message: $message) {\n      ...ExperimentDetail\n    }\n  }\n": typeof types.FailExperimentFromDetailDocument,
    "\n  query ExperimentMetricSummaries($id: ID!) {\n    experiment(id: $id) {\n      id\n      metricSummaries {\n        key\n        lastStep\n        last\n        min\n        max\n        count\n      }\n    }\n  }\n": typeof types.ExperimentMetricSummariesDocument,
    "\n  subscription ExperimentMetricPointsForSummaries($id: ID!) {\n    metricPoints(experimentId: $id) {\n      experimentId\n      points {\n        key\n        step\n      }\n    }\n  }\n": typeof types.ExperimentMetricPointsForSummariesDocument,
    "\n  query ExperimentLogPage(\n    $id: ID!\n    $after: Int\n    $levels: [LogLevel!]\n    $search: String\n    $first: Int\n  ) {\n    experiment(id: $id) {\n      id\n      logs(after: $after, levels: $levels, search: $search, first: $first) {\n        nextAfter\n        hasMore\n        lines {\n          seq\n          timestamp\n          level\n          message\n          source\n        }\n      }\n    }\n  }\n": typeof types.ExperimentLogPageDocument,
    "\n  subscription ExperimentLogTail($id: ID!, $levels: [LogLevel!], $after: Int) {\n    logLines(experimentId: $id, levels: $levels, after: $after) {\n      experimentId\n      lines {\n        seq\n        timestamp\n        level\n        message\n        source\n      }\n    }\n  }\n": typeof types.ExperimentLogTailDocument,
    "\n  query ExperimentArtifacts($id: ID!) {\n    experiment(id: $id) {\n      id\n      artifacts {\n        id\n        name\n        kind\n        sizeBytes\n        sha256\n        contentType\n        createdAt\n        downloadUrl\n      }\n    }\n  }\n": typeof types.ExperimentArtifactsDocument,
    "\n  query ExperimentApiCosts($id: ID!, $first: Int, $after: String) {\n    experiment(id: $id) {\n      id\n      apiCosts(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            amount\n            description\n            createdAt\n            addedBy {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": typeof types.ExperimentApiCostsDocument,
    "\n  query ExperimentNesting($id: ID!, $first: Int!, $after: String) {\n    experiment(id: $id) {\n      id\n      parent {\n        id\n        name\n      }\n      children(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            name\n            status\n          }\n        }\n      }\n    }\n  }\n": typeof types.ExperimentNestingDocument,
    "\n  fragment ExperimentRow on Experiment {\n    id\n    name\n    status\n    type\n    model\n    tags\n    createdAt\n    startedAt\n    finishedAt\n    durationSeconds\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n    }\n    cost {\n      total\n      currency\n    }\n    ...QueueState\n  }\n": typeof types.ExperimentRowFragmentDoc,
    "\n  query ExperimentsPage(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ExperimentRow\n        }\n      }\n    }\n  }\n": typeof types.ExperimentsPageDocument,
    "\n  query HypothesisOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n  }\n": typeof types.HypothesisOptionsDocument,
    "\n  subscription ExperimentsChanged($filter: ExperimentFilter) {\n    experimentsChanged(filter: $filter) {\n      kind\n      experiment {\n        ...ExperimentRow\n      }\n    }\n  }\n": typeof types.ExperimentsChangedDocument,
    "\n  query ExperimentStatsStrip($filter: ExperimentFilter) {\n    experimentStats(filter: $filter) {\n      total\n      byStatus\n      successRate\n      avgDurationSeconds\n      totalCost\n    }\n  }\n": typeof types.ExperimentStatsStripDocument,
    "\n  query ListMetricKeys($filter: ExperimentFilter, $orderBy: ExperimentOrder, $first: Int) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first) {\n      edges {\n        node {\n          id\n          metricKeys\n        }\n      }\n    }\n  }\n": typeof types.ListMetricKeysDocument,
    "\n  query MetricGoal($key: String!) {\n    metricGoal(key: $key)\n  }\n": typeof types.MetricGoalDocument,
    "\n  query Leaderboard(\n    $metricKey: String!\n    $goal: MetricGoal\n    $filter: ExperimentFilter\n    $first: Int\n  ) {\n    leaderboard(metricKey: $metricKey, goal: $goal, filter: $filter, first: $first) {\n      rank\n      value\n      step\n      experiment {\n        id\n        name\n        status\n        owner {\n          id\n          name\n        }\n      }\n    }\n  }\n": typeof types.LeaderboardDocument,
    "\n  query ExperimentBoard(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n      page(first: $first, after: $after, orderBy: $orderBy) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...ExperimentRow\n          }\n        }\n      }\n    }\n  }\n": typeof types.ExperimentBoardDocument,
    "\n  query ExperimentBoardCounts($filter: ExperimentFilter) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n    }\n  }\n": typeof types.ExperimentBoardCountsDocument,
    "\n  query UserOptions($search: String, $first: Int) {\n    users(search: $search, first: $first) {\n      edges {\n        node {\n          id\n          name\n          role\n        }\n      }\n    }\n  }\n": typeof types.UserOptionsDocument,
    "\n  query ExperimentFacetOptions($filter: ExperimentFilter, $search: String, $first: Int) {\n    experimentFacets(filter: $filter, search: $search, first: $first) {\n      models {\n        value\n        count\n      }\n      tags {\n        value\n        count\n      }\n    }\n  }\n": typeof types.ExperimentFacetOptionsDocument,
    "\n  query MonitorExperiment($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      status\n      allowedActions\n      startedAt\n      finishedAt\n      lastLogSeq\n      failure {\n        reason\n        message\n      }\n      progress {\n        step\n        totalSteps\n        epoch\n        totalEpochs\n        fraction\n        etaSeconds\n      }\n      cost {\n        gpu\n        cpu\n        api\n        total\n        currency\n      }\n      reservation {\n        gpuCount\n        hourlyCostPerGpu\n        cpuCores\n        hourlyCostPerCpuCore\n        reservedAt\n        releasedAt\n      }\n      metricSummaries {\n        key\n        lastStep\n      }\n    }\n  }\n": typeof types.MonitorExperimentDocument,
    "\n  query MonitorLogs($id: ID!, $after: Int, $first: Int!) {\n    experiment(id: $id) {\n      id\n      logs(after: $after, first: $first) {\n        hasMore\n        nextAfter\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n": typeof types.MonitorLogsDocument,
    "\n  fragment MonitorLogLine on LogLine {\n    seq\n    timestamp\n    level\n    message\n    source\n  }\n": typeof types.MonitorLogLineFragmentDoc,
    "\n  subscription RunMonitor($id: ID!) {\n    runMonitor(experimentId: $id) {\n      __typename\n      ... on StatusEvent {\n        status\n        failure {\n          reason\n          message\n        }\n      }\n      ... on ProgressEvent {\n        progress {\n          step\n          totalSteps\n          epoch\n          totalEpochs\n          fraction\n          etaSeconds\n        }\n      }\n      ... on MetricsEvent {\n        points {\n          key\n          step\n          value\n          timestamp\n        }\n      }\n      ... on LogsEvent {\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n": typeof types.RunMonitorDocument,
    "\n  mutation MonitorStopExperiment($id: ID!, $message: String) {\n    stopExperiment(id: $id, message: $message) {\n      id\n      status\n      finishedAt\n    }\n  }\n": typeof types.MonitorStopExperimentDocument,
    "\n  query NewExperimentOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n    presets {\n      type\n      description\n      hyperparamSchema\n      defaults\n      defaultResources {\n        gpuType\n        gpuCount\n        cpuCores\n        memoryGb\n        maxDurationMinutes\n      }\n    }\n  }\n": typeof types.NewExperimentOptionsDocument,
    "\n  query ResourcePools {\n    resourcePools {\n      name\n      gpuType\n      capacity\n      reserved\n      available\n      hourlyCostPerGpu\n      queueOrder\n    }\n  }\n": typeof types.ResourcePoolsDocument,
    "\n  mutation CreateExperiment($input: CreateExperimentInput!) {\n    createExperiment(input: $input) {\n      id\n      name\n      status\n    }\n  }\n": typeof types.CreateExperimentDocument,
    "\n  mutation StartExperiment($id: ID!) {\n    startExperiment(id: $id, wait: true) {\n      id\n      status\n    }\n  }\n": typeof types.StartExperimentDocument,
    "\n  query UnreadNotificationCount {\n    unreadNotificationCount\n  }\n": typeof types.UnreadNotificationCountDocument,
    "\n  fragment NotificationItem on Notification {\n    id\n    kind\n    message\n    createdAt\n    readAt\n    experiment {\n      id\n      name\n    }\n  }\n": typeof types.NotificationItemFragmentDoc,
    "\n  query NotificationList($first: Int) {\n    notifications(first: $first) {\n      ...NotificationItem\n    }\n  }\n": typeof types.NotificationListDocument,
    "\n  subscription NewNotifications {\n    notifications {\n      ...NotificationItem\n    }\n  }\n": typeof types.NewNotificationsDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n": typeof types.MarkNotificationsReadDocument,
    "\n  query UnreadNotificationIds($first: Int) {\n    notifications(unreadOnly: true, first: $first) {\n      id\n    }\n  }\n": typeof types.UnreadNotificationIdsDocument,
    "\n  fragment QueueState on Experiment {\n    id\n    status\n    priority\n    allowedActions\n    queue {\n      pool\n      position\n      since\n      estimatedStartAt\n    }\n  }\n": typeof types.QueueStateFragmentDoc,
    "\n  mutation DequeueExperiment($id: ID!) {\n    dequeueExperiment(id: $id) {\n      ...QueueState\n    }\n  }\n": typeof types.DequeueExperimentDocument,
    "\n  mutation SetExperimentPriority($id: ID!, $priority: Int!) {\n    setExperimentPriority(id: $id, priority: $priority) {\n      ...QueueState\n    }\n  }\n": typeof types.SetExperimentPriorityDocument,
};
const documents: Documents = {
    "\n  query MetricSeries($id: ID!, $key: String!, $maxPoints: Int!, $stepFrom: BigInt, $stepTo: BigInt) {\n    experiment(id: $id) {\n      id\n      metric(key: $key, maxPoints: $maxPoints, stepFrom: $stepFrom, stepTo: $stepTo) {\n        key\n        downsampled\n        points {\n          step\n          value\n          timestamp\n        }\n      }\n    }\n  }\n": types.MetricSeriesDocument,
    "\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n      mayRaisePriority\n    }\n  }\n": types.MeDocument,
    "\n  query CompareExperiments($ids: [ID!]!, $baselineId: ID) {\n    compareExperiments(ids: $ids, baselineId: $baselineId) {\n      baselineId\n      experiments {\n        id\n        name\n        status\n        type\n        model\n      }\n      params {\n        key\n        values\n        differs\n        differsFromBaseline\n      }\n      metrics {\n        key\n        goal\n        bestExperimentId\n        cells {\n          experimentId\n          last\n          best\n          deltaVsBaseline\n          deltaPercent\n        }\n      }\n    }\n  }\n": types.CompareExperimentsDocument,
    "\n  query CompareCandidates($first: Int) {\n    experiments(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {\n      edges {\n        node {\n          id\n          name\n          status\n        }\n      }\n    }\n  }\n": types.CompareCandidatesDocument,
    "\n  query CompareSeries($ids: [ID!]!, $key: String!, $maxPoints: Int!) {\n    compareExperiments(ids: $ids) {\n      series(key: $key, maxPoints: $maxPoints) {\n        experimentId\n        series {\n          points {\n            step\n            value\n            timestamp\n          }\n        }\n      }\n    }\n  }\n": types.CompareSeriesDocument,
    "\n  fragment ExperimentDetail on Experiment {\n    id\n    name\n    description\n    status\n    type\n    model\n    approach\n    framework\n    hyperparams\n    config\n    tags\n    ...QueueState\n    statusMessage\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    resources {\n      gpuType\n      gpuCount\n      cpuCores\n      memoryGb\n      maxDurationMinutes\n    }\n    reservation {\n      pool\n      gpuCount\n      reservedAt\n      expiresAt\n      releasedAt\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n      etaSeconds\n    }\n    git {\n      repoUrl\n      commit\n      branch\n      url\n    }\n    failure {\n      reason\n      message\n    }\n    cost {\n      gpu\n      api\n      total\n      currency\n    }\n    mlflow {\n      runId\n      url\n    }\n    createdAt\n    startedAt\n    finishedAt\n    lastActivityAt\n    durationSeconds\n  }\n": types.ExperimentDetailFragmentDoc,
    "\n  query ExperimentDetailPage($id: ID!) {\n    experiment(id: $id) {\n      ...ExperimentDetail\n    }\n  }\n": types.ExperimentDetailPageDocument,
    "\n  subscription ExperimentDetailUpdated($id: ID!) {\n    experimentUpdated(id: $id, includeCurrent: true) {\n      ...ExperimentDetail\n    }\n  }\n": types.ExperimentDetailUpdatedDocument,
    "\n  mutation StartExperimentFromDetail($id: ID!) {\n    startExperiment(id: $id, wait: true) {\n      ...ExperimentDetail\n    }\n  }\n": types.StartExperimentFromDetailDocument,
    "\n  mutation CompleteExperimentFromDetail($id: ID!) {\n    completeExperiment(id: $id) {\n      ...ExperimentDetail\n    }\n  }\n": types.CompleteExperimentFromDetailDocument,
    "\n  mutation StopExperimentFromDetail($id: ID!, $message: String) {\n    stopExperiment(id: $id, message: $message) {\n      ...ExperimentDetail\n    }\n  }\n": types.StopExperimentFromDetailDocument,
    "\n  mutation FailExperimentFromDetail($id: ID!, $reason: FailureReason!, $message: String) {\n    failExperiment(id: $id, reason: $reason, message: $message) {\n      ...ExperimentDetail\n    }\n  }\n": types.FailExperimentFromDetailDocument,
    "\n  query ExperimentMetricSummaries($id: ID!) {\n    experiment(id: $id) {\n      id\n      metricSummaries {\n        key\n        lastStep\n        last\n        min\n        max\n        count\n      }\n    }\n  }\n": types.ExperimentMetricSummariesDocument,
    "\n  subscription ExperimentMetricPointsForSummaries($id: ID!) {\n    metricPoints(experimentId: $id) {\n      experimentId\n      points {\n        key\n        step\n      }\n    }\n  }\n": types.ExperimentMetricPointsForSummariesDocument,
    "\n  query ExperimentLogPage(\n    $id: ID!\n    $after: Int\n    $levels: [LogLevel!]\n    $search: String\n    $first: Int\n  ) {\n    experiment(id: $id) {\n      id\n      logs(after: $after, levels: $levels, search: $search, first: $first) {\n        nextAfter\n        hasMore\n        lines {\n          seq\n          timestamp\n          level\n          message\n          source\n        }\n      }\n    }\n  }\n": types.ExperimentLogPageDocument,
    "\n  subscription ExperimentLogTail($id: ID!, $levels: [LogLevel!], $after: Int) {\n    logLines(experimentId: $id, levels: $levels, after: $after) {\n      experimentId\n      lines {\n        seq\n        timestamp\n        level\n        message\n        source\n      }\n    }\n  }\n": types.ExperimentLogTailDocument,
    "\n  query ExperimentArtifacts($id: ID!) {\n    experiment(id: $id) {\n      id\n      artifacts {\n        id\n        name\n        kind\n        sizeBytes\n        sha256\n        contentType\n        createdAt\n        downloadUrl\n      }\n    }\n  }\n": types.ExperimentArtifactsDocument,
    "\n  query ExperimentApiCosts($id: ID!, $first: Int, $after: String) {\n    experiment(id: $id) {\n      id\n      apiCosts(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            amount\n            description\n            createdAt\n            addedBy {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n": types.ExperimentApiCostsDocument,
    "\n  query ExperimentNesting($id: ID!, $first: Int!, $after: String) {\n    experiment(id: $id) {\n      id\n      parent {\n        id\n        name\n      }\n      children(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            name\n            status\n          }\n        }\n      }\n    }\n  }\n": types.ExperimentNestingDocument,
    "\n  fragment ExperimentRow on Experiment {\n    id\n    name\n    status\n    type\n    model\n    tags\n    createdAt\n    startedAt\n    finishedAt\n    durationSeconds\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n    }\n    cost {\n      total\n      currency\n    }\n    ...QueueState\n  }\n": types.ExperimentRowFragmentDoc,
    "\n  query ExperimentsPage(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ExperimentRow\n        }\n      }\n    }\n  }\n": types.ExperimentsPageDocument,
    "\n  query HypothesisOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n  }\n": types.HypothesisOptionsDocument,
    "\n  subscription ExperimentsChanged($filter: ExperimentFilter) {\n    experimentsChanged(filter: $filter) {\n      kind\n      experiment {\n        ...ExperimentRow\n      }\n    }\n  }\n": types.ExperimentsChangedDocument,
    "\n  query ExperimentStatsStrip($filter: ExperimentFilter) {\n    experimentStats(filter: $filter) {\n      total\n      byStatus\n      successRate\n      avgDurationSeconds\n      totalCost\n    }\n  }\n": types.ExperimentStatsStripDocument,
    "\n  query ListMetricKeys($filter: ExperimentFilter, $orderBy: ExperimentOrder, $first: Int) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first) {\n      edges {\n        node {\n          id\n          metricKeys\n        }\n      }\n    }\n  }\n": types.ListMetricKeysDocument,
    "\n  query MetricGoal($key: String!) {\n    metricGoal(key: $key)\n  }\n": types.MetricGoalDocument,
    "\n  query Leaderboard(\n    $metricKey: String!\n    $goal: MetricGoal\n    $filter: ExperimentFilter\n    $first: Int\n  ) {\n    leaderboard(metricKey: $metricKey, goal: $goal, filter: $filter, first: $first) {\n      rank\n      value\n      step\n      experiment {\n        id\n        name\n        status\n        owner {\n          id\n          name\n        }\n      }\n    }\n  }\n": types.LeaderboardDocument,
    "\n  query ExperimentBoard(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n      page(first: $first, after: $after, orderBy: $orderBy) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...ExperimentRow\n          }\n        }\n      }\n    }\n  }\n": types.ExperimentBoardDocument,
    "\n  query ExperimentBoardCounts($filter: ExperimentFilter) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n    }\n  }\n": types.ExperimentBoardCountsDocument,
    "\n  query UserOptions($search: String, $first: Int) {\n    users(search: $search, first: $first) {\n      edges {\n        node {\n          id\n          name\n          role\n        }\n      }\n    }\n  }\n": types.UserOptionsDocument,
    "\n  query ExperimentFacetOptions($filter: ExperimentFilter, $search: String, $first: Int) {\n    experimentFacets(filter: $filter, search: $search, first: $first) {\n      models {\n        value\n        count\n      }\n      tags {\n        value\n        count\n      }\n    }\n  }\n": types.ExperimentFacetOptionsDocument,
    "\n  query MonitorExperiment($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      status\n      allowedActions\n      startedAt\n      finishedAt\n      lastLogSeq\n      failure {\n        reason\n        message\n      }\n      progress {\n        step\n        totalSteps\n        epoch\n        totalEpochs\n        fraction\n        etaSeconds\n      }\n      cost {\n        gpu\n        cpu\n        api\n        total\n        currency\n      }\n      reservation {\n        gpuCount\n        hourlyCostPerGpu\n        cpuCores\n        hourlyCostPerCpuCore\n        reservedAt\n        releasedAt\n      }\n      metricSummaries {\n        key\n        lastStep\n      }\n    }\n  }\n": types.MonitorExperimentDocument,
    "\n  query MonitorLogs($id: ID!, $after: Int, $first: Int!) {\n    experiment(id: $id) {\n      id\n      logs(after: $after, first: $first) {\n        hasMore\n        nextAfter\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n": types.MonitorLogsDocument,
    "\n  fragment MonitorLogLine on LogLine {\n    seq\n    timestamp\n    level\n    message\n    source\n  }\n": types.MonitorLogLineFragmentDoc,
    "\n  subscription RunMonitor($id: ID!) {\n    runMonitor(experimentId: $id) {\n      __typename\n      ... on StatusEvent {\n        status\n        failure {\n          reason\n          message\n        }\n      }\n      ... on ProgressEvent {\n        progress {\n          step\n          totalSteps\n          epoch\n          totalEpochs\n          fraction\n          etaSeconds\n        }\n      }\n      ... on MetricsEvent {\n        points {\n          key\n          step\n          value\n          timestamp\n        }\n      }\n      ... on LogsEvent {\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n": types.RunMonitorDocument,
    "\n  mutation MonitorStopExperiment($id: ID!, $message: String) {\n    stopExperiment(id: $id, message: $message) {\n      id\n      status\n      finishedAt\n    }\n  }\n": types.MonitorStopExperimentDocument,
    "\n  query NewExperimentOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n    presets {\n      type\n      description\n      hyperparamSchema\n      defaults\n      defaultResources {\n        gpuType\n        gpuCount\n        cpuCores\n        memoryGb\n        maxDurationMinutes\n      }\n    }\n  }\n": types.NewExperimentOptionsDocument,
    "\n  query ResourcePools {\n    resourcePools {\n      name\n      gpuType\n      capacity\n      reserved\n      available\n      hourlyCostPerGpu\n      queueOrder\n    }\n  }\n": types.ResourcePoolsDocument,
    "\n  mutation CreateExperiment($input: CreateExperimentInput!) {\n    createExperiment(input: $input) {\n      id\n      name\n      status\n    }\n  }\n": types.CreateExperimentDocument,
    "\n  mutation StartExperiment($id: ID!) {\n    startExperiment(id: $id, wait: true) {\n      id\n      status\n    }\n  }\n": types.StartExperimentDocument,
    "\n  query UnreadNotificationCount {\n    unreadNotificationCount\n  }\n": types.UnreadNotificationCountDocument,
    "\n  fragment NotificationItem on Notification {\n    id\n    kind\n    message\n    createdAt\n    readAt\n    experiment {\n      id\n      name\n    }\n  }\n": types.NotificationItemFragmentDoc,
    "\n  query NotificationList($first: Int) {\n    notifications(first: $first) {\n      ...NotificationItem\n    }\n  }\n": types.NotificationListDocument,
    "\n  subscription NewNotifications {\n    notifications {\n      ...NotificationItem\n    }\n  }\n": types.NewNotificationsDocument,
    "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n": types.MarkNotificationsReadDocument,
    "\n  query UnreadNotificationIds($first: Int) {\n    notifications(unreadOnly: true, first: $first) {\n      id\n    }\n  }\n": types.UnreadNotificationIdsDocument,
    "\n  fragment QueueState on Experiment {\n    id\n    status\n    priority\n    allowedActions\n    queue {\n      pool\n      position\n      since\n      estimatedStartAt\n    }\n  }\n": types.QueueStateFragmentDoc,
    "\n  mutation DequeueExperiment($id: ID!) {\n    dequeueExperiment(id: $id) {\n      ...QueueState\n    }\n  }\n": types.DequeueExperimentDocument,
    "\n  mutation SetExperimentPriority($id: ID!, $priority: Int!) {\n    setExperimentPriority(id: $id, priority: $priority) {\n      ...QueueState\n    }\n  }\n": types.SetExperimentPriorityDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MetricSeries($id: ID!, $key: String!, $maxPoints: Int!, $stepFrom: BigInt, $stepTo: BigInt) {\n    experiment(id: $id) {\n      id\n      metric(key: $key, maxPoints: $maxPoints, stepFrom: $stepFrom, stepTo: $stepTo) {\n        key\n        downsampled\n        points {\n          step\n          value\n          timestamp\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MetricSeries($id: ID!, $key: String!, $maxPoints: Int!, $stepFrom: BigInt, $stepTo: BigInt) {\n    experiment(id: $id) {\n      id\n      metric(key: $key, maxPoints: $maxPoints, stepFrom: $stepFrom, stepTo: $stepTo) {\n        key\n        downsampled\n        points {\n          step\n          value\n          timestamp\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n      mayRaisePriority\n    }\n  }\n"): (typeof documents)["\n  query Me {\n    me {\n      id\n      name\n      email\n      role\n      mayRaisePriority\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareExperiments($ids: [ID!]!, $baselineId: ID) {\n    compareExperiments(ids: $ids, baselineId: $baselineId) {\n      baselineId\n      experiments {\n        id\n        name\n        status\n        type\n        model\n      }\n      params {\n        key\n        values\n        differs\n        differsFromBaseline\n      }\n      metrics {\n        key\n        goal\n        bestExperimentId\n        cells {\n          experimentId\n          last\n          best\n          deltaVsBaseline\n          deltaPercent\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CompareExperiments($ids: [ID!]!, $baselineId: ID) {\n    compareExperiments(ids: $ids, baselineId: $baselineId) {\n      baselineId\n      experiments {\n        id\n        name\n        status\n        type\n        model\n      }\n      params {\n        key\n        values\n        differs\n        differsFromBaseline\n      }\n      metrics {\n        key\n        goal\n        bestExperimentId\n        cells {\n          experimentId\n          last\n          best\n          deltaVsBaseline\n          deltaPercent\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareCandidates($first: Int) {\n    experiments(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {\n      edges {\n        node {\n          id\n          name\n          status\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CompareCandidates($first: Int) {\n    experiments(first: $first, orderBy: { field: CREATED_AT, direction: DESC }) {\n      edges {\n        node {\n          id\n          name\n          status\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareSeries($ids: [ID!]!, $key: String!, $maxPoints: Int!) {\n    compareExperiments(ids: $ids) {\n      series(key: $key, maxPoints: $maxPoints) {\n        experimentId\n        series {\n          points {\n            step\n            value\n            timestamp\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query CompareSeries($ids: [ID!]!, $key: String!, $maxPoints: Int!) {\n    compareExperiments(ids: $ids) {\n      series(key: $key, maxPoints: $maxPoints) {\n        experimentId\n        series {\n          points {\n            step\n            value\n            timestamp\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ExperimentDetail on Experiment {\n    id\n    name\n    description\n    status\n    type\n    model\n    approach\n    framework\n    hyperparams\n    config\n    tags\n    ...QueueState\n    statusMessage\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    resources {\n      gpuType\n      gpuCount\n      cpuCores\n      memoryGb\n      maxDurationMinutes\n    }\n    reservation {\n      pool\n      gpuCount\n      reservedAt\n      expiresAt\n      releasedAt\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n      etaSeconds\n    }\n    git {\n      repoUrl\n      commit\n      branch\n      url\n    }\n    failure {\n      reason\n      message\n    }\n    cost {\n      gpu\n      api\n      total\n      currency\n    }\n    mlflow {\n      runId\n      url\n    }\n    createdAt\n    startedAt\n    finishedAt\n    lastActivityAt\n    durationSeconds\n  }\n"): (typeof documents)["\n  fragment ExperimentDetail on Experiment {\n    id\n    name\n    description\n    status\n    type\n    model\n    approach\n    framework\n    hyperparams\n    config\n    tags\n    ...QueueState\n    statusMessage\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    resources {\n      gpuType\n      gpuCount\n      cpuCores\n      memoryGb\n      maxDurationMinutes\n    }\n    reservation {\n      pool\n      gpuCount\n      reservedAt\n      expiresAt\n      releasedAt\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n      etaSeconds\n    }\n    git {\n      repoUrl\n      commit\n      branch\n      url\n    }\n    failure {\n      reason\n      message\n    }\n    cost {\n      gpu\n      api\n      total\n      currency\n    }\n    mlflow {\n      runId\n      url\n    }\n    createdAt\n    startedAt\n    finishedAt\n    lastActivityAt\n    durationSeconds\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentDetailPage($id: ID!) {\n    experiment(id: $id) {\n      ...ExperimentDetail\n    }\n  }\n"): (typeof documents)["\n  query ExperimentDetailPage($id: ID!) {\n    experiment(id: $id) {\n      ...ExperimentDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ExperimentDetailUpdated($id: ID!) {\n    experimentUpdated(id: $id, includeCurrent: true) {\n      ...ExperimentDetail\n    }\n  }\n"): (typeof documents)["\n  subscription ExperimentDetailUpdated($id: ID!) {\n    experimentUpdated(id: $id, includeCurrent: true) {\n      ...ExperimentDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartExperimentFromDetail($id: ID!) {\n    startExperiment(id: $id, wait: true) {\n      ...ExperimentDetail\n    }\n  }\n"): (typeof documents)["\n  mutation StartExperimentFromDetail($id: ID!) {\n    startExperiment(id: $id, wait: true) {\n      ...ExperimentDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CompleteExperimentFromDetail($id: ID!) {\n    completeExperiment(id: $id) {\n      ...ExperimentDetail\n    }\n  }\n"): (typeof documents)["\n  mutation CompleteExperimentFromDetail($id: ID!) {\n    completeExperiment(id: $id) {\n      ...ExperimentDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StopExperimentFromDetail($id: ID!, $message: String) {\n    stopExperiment(id: $id, message: $message) {\n      ...ExperimentDetail\n    }\n  }\n"): (typeof documents)["\n  mutation StopExperimentFromDetail($id: ID!, $message: String) {\n    stopExperiment(id: $id, message: $message) {\n      ...ExperimentDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation FailExperimentFromDetail($id: ID!, $reason: FailureReason!, $message: String) {\n    failExperiment(id: $id, reason: $reason, message: $message) {\n      ...ExperimentDetail\n    }\n  }\n"): (typeof documents)["\n  mutation FailExperimentFromDetail($id: ID!, $reason: FailureReason!, $message: String) {\n    failExperiment(id: $id, reason: $reason, message: $message) {\n      ...ExperimentDetail\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentMetricSummaries($id: ID!) {\n    experiment(id: $id) {\n      id\n      metricSummaries {\n        key\n        lastStep\n        last\n        min\n        max\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentMetricSummaries($id: ID!) {\n    experiment(id: $id) {\n      id\n      metricSummaries {\n        key\n        lastStep\n        last\n        min\n        max\n        count\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ExperimentMetricPointsForSummaries($id: ID!) {\n    metricPoints(experimentId: $id) {\n      experimentId\n      points {\n        key\n        step\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ExperimentMetricPointsForSummaries($id: ID!) {\n    metricPoints(experimentId: $id) {\n      experimentId\n      points {\n        key\n        step\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentLogPage(\n    $id: ID!\n    $after: Int\n    $levels: [LogLevel!]\n    $search: String\n    $first: Int\n  ) {\n    experiment(id: $id) {\n      id\n      logs(after: $after, levels: $levels, search: $search, first: $first) {\n        nextAfter\n        hasMore\n        lines {\n          seq\n          timestamp\n          level\n          message\n          source\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentLogPage(\n    $id: ID!\n    $after: Int\n    $levels: [LogLevel!]\n    $search: String\n    $first: Int\n  ) {\n    experiment(id: $id) {\n      id\n      logs(after: $after, levels: $levels, search: $search, first: $first) {\n        nextAfter\n        hasMore\n        lines {\n          seq\n          timestamp\n          level\n          message\n          source\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ExperimentLogTail($id: ID!, $levels: [LogLevel!], $after: Int) {\n    logLines(experimentId: $id, levels: $levels, after: $after) {\n      experimentId\n      lines {\n        seq\n        timestamp\n        level\n        message\n        source\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ExperimentLogTail($id: ID!, $levels: [LogLevel!], $after: Int) {\n    logLines(experimentId: $id, levels: $levels, after: $after) {\n      experimentId\n      lines {\n        seq\n        timestamp\n        level\n        message\n        source\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentArtifacts($id: ID!) {\n    experiment(id: $id) {\n      id\n      artifacts {\n        id\n        name\n        kind\n        sizeBytes\n        sha256\n        contentType\n        createdAt\n        downloadUrl\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentArtifacts($id: ID!) {\n    experiment(id: $id) {\n      id\n      artifacts {\n        id\n        name\n        kind\n        sizeBytes\n        sha256\n        contentType\n        createdAt\n        downloadUrl\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentApiCosts($id: ID!, $first: Int, $after: String) {\n    experiment(id: $id) {\n      id\n      apiCosts(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            amount\n            description\n            createdAt\n            addedBy {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentApiCosts($id: ID!, $first: Int, $after: String) {\n    experiment(id: $id) {\n      id\n      apiCosts(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            amount\n            description\n            createdAt\n            addedBy {\n              id\n              name\n            }\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentNesting($id: ID!, $first: Int!, $after: String) {\n    experiment(id: $id) {\n      id\n      parent {\n        id\n        name\n      }\n      children(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            name\n            status\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentNesting($id: ID!, $first: Int!, $after: String) {\n    experiment(id: $id) {\n      id\n      parent {\n        id\n        name\n      }\n      children(first: $first, after: $after) {\n        totalCount\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            id\n            name\n            status\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ExperimentRow on Experiment {\n    id\n    name\n    status\n    type\n    model\n    tags\n    createdAt\n    startedAt\n    finishedAt\n    durationSeconds\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n    }\n    cost {\n      total\n      currency\n    }\n    ...QueueState\n  }\n"): (typeof documents)["\n  fragment ExperimentRow on Experiment {\n    id\n    name\n    status\n    type\n    model\n    tags\n    createdAt\n    startedAt\n    finishedAt\n    durationSeconds\n    hypothesis {\n      id\n      title\n    }\n    owner {\n      id\n      name\n    }\n    progress {\n      step\n      totalSteps\n      epoch\n      totalEpochs\n      fraction\n    }\n    cost {\n      total\n      currency\n    }\n    ...QueueState\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentsPage(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ExperimentRow\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentsPage(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {\n      totalCount\n      pageInfo {\n        hasNextPage\n        endCursor\n      }\n      edges {\n        cursor\n        node {\n          ...ExperimentRow\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query HypothesisOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n  }\n"): (typeof documents)["\n  query HypothesisOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ExperimentsChanged($filter: ExperimentFilter) {\n    experimentsChanged(filter: $filter) {\n      kind\n      experiment {\n        ...ExperimentRow\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription ExperimentsChanged($filter: ExperimentFilter) {\n    experimentsChanged(filter: $filter) {\n      kind\n      experiment {\n        ...ExperimentRow\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentStatsStrip($filter: ExperimentFilter) {\n    experimentStats(filter: $filter) {\n      total\n      byStatus\n      successRate\n      avgDurationSeconds\n      totalCost\n    }\n  }\n"): (typeof documents)["\n  query ExperimentStatsStrip($filter: ExperimentFilter) {\n    experimentStats(filter: $filter) {\n      total\n      byStatus\n      successRate\n      avgDurationSeconds\n      totalCost\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ListMetricKeys($filter: ExperimentFilter, $orderBy: ExperimentOrder, $first: Int) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first) {\n      edges {\n        node {\n          id\n          metricKeys\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ListMetricKeys($filter: ExperimentFilter, $orderBy: ExperimentOrder, $first: Int) {\n    experiments(filter: $filter, orderBy: $orderBy, first: $first) {\n      edges {\n        node {\n          id\n          metricKeys\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MetricGoal($key: String!) {\n    metricGoal(key: $key)\n  }\n"): (typeof documents)["\n  query MetricGoal($key: String!) {\n    metricGoal(key: $key)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Leaderboard(\n    $metricKey: String!\n    $goal: MetricGoal\n    $filter: ExperimentFilter\n    $first: Int\n  ) {\n    leaderboard(metricKey: $metricKey, goal: $goal, filter: $filter, first: $first) {\n      rank\n      value\n      step\n      experiment {\n        id\n        name\n        status\n        owner {\n          id\n          name\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Leaderboard(\n    $metricKey: String!\n    $goal: MetricGoal\n    $filter: ExperimentFilter\n    $first: Int\n  ) {\n    leaderboard(metricKey: $metricKey, goal: $goal, filter: $filter, first: $first) {\n      rank\n      value\n      step\n      experiment {\n        id\n        name\n        status\n        owner {\n          id\n          name\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentBoard(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n      page(first: $first, after: $after, orderBy: $orderBy) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...ExperimentRow\n          }\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentBoard(\n    $filter: ExperimentFilter\n    $orderBy: ExperimentOrder\n    $first: Int\n    $after: String\n  ) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n      page(first: $first, after: $after, orderBy: $orderBy) {\n        pageInfo {\n          hasNextPage\n          endCursor\n        }\n        edges {\n          node {\n            ...ExperimentRow\n          }\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentBoardCounts($filter: ExperimentFilter) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n    }\n  }\n"): (typeof documents)["\n  query ExperimentBoardCounts($filter: ExperimentFilter) {\n    experimentBoard(filter: $filter) {\n      status\n      count\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserOptions($search: String, $first: Int) {\n    users(search: $search, first: $first) {\n      edges {\n        node {\n          id\n          name\n          role\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query UserOptions($search: String, $first: Int) {\n    users(search: $search, first: $first) {\n      edges {\n        node {\n          id\n          name\n          role\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ExperimentFacetOptions($filter: ExperimentFilter, $search: String, $first: Int) {\n    experimentFacets(filter: $filter, search: $search, first: $first) {\n      models {\n        value\n        count\n      }\n      tags {\n        value\n        count\n      }\n    }\n  }\n"): (typeof documents)["\n  query ExperimentFacetOptions($filter: ExperimentFilter, $search: String, $first: Int) {\n    experimentFacets(filter: $filter, search: $search, first: $first) {\n      models {\n        value\n        count\n      }\n      tags {\n        value\n        count\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorExperiment($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      status\n      allowedActions\n      startedAt\n      finishedAt\n      lastLogSeq\n      failure {\n        reason\n        message\n      }\n      progress {\n        step\n        totalSteps\n        epoch\n        totalEpochs\n        fraction\n        etaSeconds\n      }\n      cost {\n        gpu\n        cpu\n        api\n        total\n        currency\n      }\n      reservation {\n        gpuCount\n        hourlyCostPerGpu\n        cpuCores\n        hourlyCostPerCpuCore\n        reservedAt\n        releasedAt\n      }\n      metricSummaries {\n        key\n        lastStep\n      }\n    }\n  }\n"): (typeof documents)["\n  query MonitorExperiment($id: ID!) {\n    experiment(id: $id) {\n      id\n      name\n      status\n      allowedActions\n      startedAt\n      finishedAt\n      lastLogSeq\n      failure {\n        reason\n        message\n      }\n      progress {\n        step\n        totalSteps\n        epoch\n        totalEpochs\n        fraction\n        etaSeconds\n      }\n      cost {\n        gpu\n        cpu\n        api\n        total\n        currency\n      }\n      reservation {\n        gpuCount\n        hourlyCostPerGpu\n        cpuCores\n        hourlyCostPerCpuCore\n        reservedAt\n        releasedAt\n      }\n      metricSummaries {\n        key\n        lastStep\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MonitorLogs($id: ID!, $after: Int, $first: Int!) {\n    experiment(id: $id) {\n      id\n      logs(after: $after, first: $first) {\n        hasMore\n        nextAfter\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query MonitorLogs($id: ID!, $after: Int, $first: Int!) {\n    experiment(id: $id) {\n      id\n      logs(after: $after, first: $first) {\n        hasMore\n        nextAfter\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment MonitorLogLine on LogLine {\n    seq\n    timestamp\n    level\n    message\n    source\n  }\n"): (typeof documents)["\n  fragment MonitorLogLine on LogLine {\n    seq\n    timestamp\n    level\n    message\n    source\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RunMonitor($id: ID!) {\n    runMonitor(experimentId: $id) {\n      __typename\n      ... on StatusEvent {\n        status\n        failure {\n          reason\n          message\n        }\n      }\n      ... on ProgressEvent {\n        progress {\n          step\n          totalSteps\n          epoch\n          totalEpochs\n          fraction\n          etaSeconds\n        }\n      }\n      ... on MetricsEvent {\n        points {\n          key\n          step\n          value\n          timestamp\n        }\n      }\n      ... on LogsEvent {\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription RunMonitor($id: ID!) {\n    runMonitor(experimentId: $id) {\n      __typename\n      ... on StatusEvent {\n        status\n        failure {\n          reason\n          message\n        }\n      }\n      ... on ProgressEvent {\n        progress {\n          step\n          totalSteps\n          epoch\n          totalEpochs\n          fraction\n          etaSeconds\n        }\n      }\n      ... on MetricsEvent {\n        points {\n          key\n          step\n          value\n          timestamp\n        }\n      }\n      ... on LogsEvent {\n        lines {\n          ...MonitorLogLine\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MonitorStopExperiment($id: ID!, $message: String) {\n    stopExperiment(id: $id, message: $message) {\n      id\n      status\n      finishedAt\n    }\n  }\n"): (typeof documents)["\n  mutation MonitorStopExperiment($id: ID!, $message: String) {\n    stopExperiment(id: $id, message: $message) {\n      id\n      status\n      finishedAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NewExperimentOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n    presets {\n      type\n      description\n      hyperparamSchema\n      defaults\n      defaultResources {\n        gpuType\n        gpuCount\n        cpuCores\n        memoryGb\n        maxDurationMinutes\n      }\n    }\n  }\n"): (typeof documents)["\n  query NewExperimentOptions {\n    hypotheses(first: 500) {\n      id\n      title\n    }\n    presets {\n      type\n      description\n      hyperparamSchema\n      defaults\n      defaultResources {\n        gpuType\n        gpuCount\n        cpuCores\n        memoryGb\n        maxDurationMinutes\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ResourcePools {\n    resourcePools {\n      name\n      gpuType\n      capacity\n      reserved\n      available\n      hourlyCostPerGpu\n      queueOrder\n    }\n  }\n"): (typeof documents)["\n  query ResourcePools {\n    resourcePools {\n      name\n      gpuType\n      capacity\n      reserved\n      available\n      hourlyCostPerGpu\n      queueOrder\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateExperiment($input: CreateExperimentInput!) {\n    createExperiment(input: $input) {\n      id\n      name\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation CreateExperiment($input: CreateExperimentInput!) {\n    createExperiment(input: $input) {\n      id\n      name\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation StartExperiment($id: ID!) {\n    startExperiment(id: $id, wait: true) {\n      id\n      status\n    }\n  }\n"): (typeof documents)["\n  mutation StartExperiment($id: ID!) {\n    startExperiment(id: $id, wait: true) {\n      id\n      status\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnreadNotificationCount {\n    unreadNotificationCount\n  }\n"): (typeof documents)["\n  query UnreadNotificationCount {\n    unreadNotificationCount\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment NotificationItem on Notification {\n    id\n    kind\n    message\n    createdAt\n    readAt\n    experiment {\n      id\n      name\n    }\n  }\n"): (typeof documents)["\n  fragment NotificationItem on Notification {\n    id\n    kind\n    message\n    createdAt\n    readAt\n    experiment {\n      id\n      name\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query NotificationList($first: Int) {\n    notifications(first: $first) {\n      ...NotificationItem\n    }\n  }\n"): (typeof documents)["\n  query NotificationList($first: Int) {\n    notifications(first: $first) {\n      ...NotificationItem\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription NewNotifications {\n    notifications {\n      ...NotificationItem\n    }\n  }\n"): (typeof documents)["\n  subscription NewNotifications {\n    notifications {\n      ...NotificationItem\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n"): (typeof documents)["\n  mutation MarkNotificationsRead($ids: [ID!]!) {\n    markNotificationsRead(ids: $ids)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnreadNotificationIds($first: Int) {\n    notifications(unreadOnly: true, first: $first) {\n      id\n    }\n  }\n"): (typeof documents)["\n  query UnreadNotificationIds($first: Int) {\n    notifications(unreadOnly: true, first: $first) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment QueueState on Experiment {\n    id\n    status\n    priority\n    allowedActions\n    queue {\n      pool\n      position\n      since\n      estimatedStartAt\n    }\n  }\n"): (typeof documents)["\n  fragment QueueState on Experiment {\n    id\n    status\n    priority\n    allowedActions\n    queue {\n      pool\n      position\n      since\n      estimatedStartAt\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DequeueExperiment($id: ID!) {\n    dequeueExperiment(id: $id) {\n      ...QueueState\n    }\n  }\n"): (typeof documents)["\n  mutation DequeueExperiment($id: ID!) {\n    dequeueExperiment(id: $id) {\n      ...QueueState\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetExperimentPriority($id: ID!, $priority: Int!) {\n    setExperimentPriority(id: $id, priority: $priority) {\n      ...QueueState\n    }\n  }\n"): (typeof documents)["\n  mutation SetExperimentPriority($id: ID!, $priority: Int!) {\n    setExperimentPriority(id: $id, priority: $priority) {\n      ...QueueState\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;