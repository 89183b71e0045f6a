"""Private helpers of `toolkit.importers`: model file readers and conversions."""
