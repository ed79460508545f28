/** Which answer the detail page shows when answers race: the query's (on open and on
 * re-reads), the live `experimentUpdated` pushes and the answers to the page's own moves
 * (Start, Stop, Leave queue, Priority…).
 *
 * Live pushes arrive in the order the server read them, so the last push is the newest
 * state the feed has sent. A request's answer travels another way (HTTP) and may have been
 * read before a push that overtook it: a start's answer, say, before the scheduler stored
 * the run's estimated start. So an answer is shown only when no push arrived while it was
 * in flight; otherwise the page reads the experiment again, a read that starts after the
 * push and is therefore at least as new. After `MAX_REREADS` such reads in a row (a run
 * pushing progress faster than a read takes) the answer is shown anyway: the next push
 * corrects it. */
export const MAX_REREADS = 3;

export type Verdict = "show" | "reread";

export class AnswerOrder {
  private pushes = 0;
  private rereads = 0;

  /** A live push was shown. */
  pushed(): void {
    this.pushes += 1;
  }

  /** A request goes out; the returned function judges its answer when it arrives. */
  begin(): () => Verdict {
    const at = this.pushes;
    return () => {
      if (at === this.pushes || this.rereads >= MAX_REREADS) {
        this.rereads = 0;
        return "show";
      }
      this.rereads += 1;
      return "reread";
    };
  }
}
