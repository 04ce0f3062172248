"""Generate docs/metrics.md from the registry, so the docs cannot drift from the code."""

from __future__ import annotations

from .base import GRAIN_KEYS
from .registry import all_metrics

_INTRO = """# Metrics

*Generated from the metric registry by `engagelens metrics docs --out docs/metrics.md`; do not
edit by hand.* Rates are fractions (0.042) everywhere except human-readable output, where they
print as percentages.

## Computing

```python
from engagelens.metrics import compute, Filters, baseline
t = compute(store, ["interactions", "engagement_rate_by_reach"], by="content",
            filters=Filters(ownership="own"))          # an Ibis table
t.to_polars()                                            # or .to_pandas()
baseline(store, "shares", n=10, direction="next")        # "69 vs an average of 158"
```

```
engagelens metrics compute interactions engagement_rate_by_reach --by account --format table
```

Grains and their key columns: {grains}.
Day, week (Monday) and month keys are computed in the `timezone` setting: an event at 23:30 UTC
on 31 December counts on 1 January in Paris.

## Events, snapshots and double counting

Counters come from event rows (`interaction`) and from the lifetime counters of the latest
`content_snapshot` of each content (greatest `as_of`). **Per content and per counter**
(likes, comments, shares, saves, views, clicks, follows) EngageLens uses the events when the
content has at least one event of that counter's kinds, otherwise the snapshot counter,
otherwise 0; the two are never added. Brand-authored events (`is_brand`) are not audience
interactions. Events count distinct `interaction_id`s, so a duplicated row counts once.
Reach, impressions, engaged users and completed views come from snapshots only.

**Interactions** = likes + comments + shares + saves (Facebook's *Total Interactions* is
comment + like + share; saves are 0 there). **Engagement rate by reach** uses *engaged users*
(unique people who engaged, Facebook's `Lifetime Engaged Users`) when the export reports them,
and interactions otherwise: on the Facebook UCI file the per-post ERR equals
Lifetime Engaged Users ÷ Lifetime Post Total Reach. Followers at publish time come from the
snapshot's `followers`, else the account's `account_snapshot` on or just before the publish
date (UTC); unknown followers give a null rate, never a guess.

Zero or unknown denominators give null, not infinity and not an error. *Mean of posts*
variants average each post's rate (posts without a rate are left out); *pooled* variants
(`…_pooled`) divide sums.

## E-mail, revenue and ROI

E-mail rates count **e-mails**, i.e. distinct (campaign, recipient) pairs: a person who opens
two campaigns opened two e-mails, and one who opens the same e-mail five times opened it once.
Open rate = unique opens ÷ delivered, click rate (CTR) = unique clicks ÷ delivered,
click-to-open = unique clicks ÷ unique opens, unsubscribe rate = unsubscribes ÷ delivered.
Delivered = pairs with a `delivered` event, or sent − bounced for a campaign whose sender
reports no deliveries. Day/week/month and the date range use the e-mail's send time.

`attributed_revenue` sums the value of the conversions whose `content_id` names the content
(the post the click came from); conversions without a content_id are not attributed.
`roi` = (attributed revenue − spend) ÷ spend over the contents with a known, positive
`content.spend` (what was paid to promote them; optional, in the store's one currency), so
organic posts' revenue never inflates the return on paid ones.

## Several computations over the same data

Every content metric starts from the same per-content facts (a scan of every event). On
DuckDB plain `compute()` calls share them: the first metric materialises the facts (a
temporary table kept with the store) and the others read it until the next write. A question
asked again (same metrics, grain, filters and settings) reuses its compiled SQL, also after a
write (the facts are refilled from theirs, and no Ibis expression is built or compiled), so a
dashboard pays Ibis' compilation once per question, not once per call. Inside `cached(store)`
(what `engagelens report` uses) the block owns its tables and drops them on leaving it. Only the
event kinds the requested metrics read are counted.

```python
from engagelens.metrics import cached, compute
with cached(store):
    per_post = compute(store, ["interactions"], by="content").to_pyarrow()
    per_day = compute(store, ["interactions"], by="account_day").to_pyarrow()
```

## Engagement score weights

Override with `compute(..., settings={{"engagement_weights": {{"share": 8}}}})`.

## Spark and clusters

`engagelens metrics compute … --backend spark` (or `--db pyspark://`) runs on local Spark
(`local[2]`; `ENGAGELENS_SPARK_MASTER`, `ENGAGELENS_SPARK_DRIVER_MEMORY` tune it). Local Spark
keeps its warehouse and Derby files in the `spark_warehouse_dir` setting (default: a new folder
under the system temp dir, never the current directory; the local catalog lives in memory, so
tables last as long as the session). With a cluster, build your own session and wrap it:

```python
import ibis
from pyspark.sql import SparkSession
from engagelens.store import Store
spark = SparkSession.builder.master("spark://host:7077").getOrCreate()
store = Store.from_ibis(ibis.pyspark.connect(spark))
```

A parity test computes every registered metric on DuckDB and on local Spark over the same data.

## Adding a metric

Declare a `Metric` and `register` it in a module, then name the module in the
`engagelens.metrics` entry-point group or in `ENGAGELENS_METRIC_PLUGINS`.

## Catalogue
"""


def render() -> str:
    grains = ", ".join(f"`{g}` ({', '.join(k) or 'one row'})" for g, k in GRAIN_KEYS.items())
    parts = [_INTRO.replace("{grains}", grains).replace("{{", "{").replace("}}", "}")]
    for m in all_metrics():
        parts.append(
            f"\n### `{m.name}` — {m.title}\n\n{m.description}\n\n"
            f"- **Formula:** {m.formula}\n- **Unit:** {m.unit}"
            f"{' (lower is better)' if not m.higher_is_better else ''}\n"
            f"- **Grains:** {', '.join(m.grains)}\n- **Requires:** {', '.join(m.requires)}\n"
            f"- **Source:** {m.source}\n"
        )
    return "".join(parts)


__all__ = ["render"]
