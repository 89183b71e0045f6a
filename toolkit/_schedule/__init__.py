"""Private helpers of `toolkit.schedules`: readers of schedule export formats."""
