"""When the pipeline runs by itself.

Shelters deliver within 30 days of a quarter's end (data contract), so the quarterly run is on
the 2nd of the second month after each quarter (2 Feb, 2 May, 2 Aug, 2 Nov), after the deadline.
A monthly refresh on the 15th picks up late and corrected deliveries."""

import dagster as dg

from pipelines.jobs import everything_job

quarterly_after_deadline = dg.ScheduleDefinition(
    name="quarterly_after_delivery_deadline", job=everything_job, cron_schedule="0 6 2 2,5,8,11 *",
    execution_timezone="Europe/Copenhagen",
    description="The quarterly run, after the shelters' 30-day delivery deadline.")

monthly_refresh = dg.ScheduleDefinition(
    name="monthly_refresh", job=everything_job, cron_schedule="0 6 15 * *", execution_timezone="Europe/Copenhagen",
    description="A monthly refresh for late and corrected deliveries.")
