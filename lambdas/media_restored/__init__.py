"""The media-restored notifier: S3's restore-completed events -> the owner's push and inbox entry."""
